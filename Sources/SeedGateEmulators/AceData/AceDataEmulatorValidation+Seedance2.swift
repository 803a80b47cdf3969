import Foundation
import SeedGateCore

/// The 2.x body fields (acedata.md Generate; seedance-2.md §3, seedance-2.md §8, seedance-2.md §16 "AceData", seedance-2.md §17). Refusals are 400
/// `bad_request` naming the field, as for 1.x (`AceDataAPIError.badRequest`).
extension AceDataValidation {
    static let outputFormats: Set<String> = ["mp4", "mov"]
    static let omniReferenceTaskTypes: Set<String> = ["auto", "reference", "edit", "extend"]
    /// A reference image or video whose URL contains this is refused as showing a real person (`realPersonRefused`).
    static let realPersonMarker = "real-face"

    static func validateSeedance2(
        _ body: AceDataVideoRequest, raw: JSONValue, rules: AceDataSeedance2Rules, honoursAsyncFlag: Bool,
        options: AceDataSeedance2Options
    ) throws(AceDataAPIError) -> AceDataTaskSpec {
        let model = rules.id
        guard let items = body.content, !items.isEmpty else { throw .badRequest("content is required") }
        let content = try readSeedance2Content(items, rules: rules, options: options)

        // Default 720p (seedance-2.md §3; AceData: "a default resolution is selected based on the chosen model").
        let resolution = body.resolution ?? "720p"
        guard rules.resolutions.contains(resolution) else {
            throw .badRequest("resolution must be one of \(rules.resolutions.joined(separator: ", ")) on \(model)")
        }
        // EMULATOR ASSUMPTION: an omitted ratio is Ark's default `adaptive` (seedance-2.md §3), not the older guide's
        // `16:9` [DOCS-VIDEOS-GUIDE]; it is reported as 16:9 like 1.x's.
        let ratio = body.ratio ?? "adaptive"
        guard ratios.contains(ratio) else { throw .badRequest("ratio must be one of 16:9, 4:3, 1:1, 3:4, 9:16, 21:9, adaptive") }
        // EMULATOR ASSUMPTION: an omitted duration is 5 s on 2.0 and -1 on 2.5 (Ark's defaults, seedance-2.md §3,
        // seedance-2.md §17 (conflict 6)); -1 ("the model chooses") is reported as 5 s, as for 1.5 pro.
        let duration = body.duration ?? (rules.isSeedance25 ? -1 : 5)
        guard duration == -1 || rules.durations.contains(duration) else {
            throw .badRequest("duration must be -1 or between \(rules.durations.lowerBound) and \(rules.durations.upperBound) on \(model)")
        }
        // `frames`: "only supported by the 1.0 series" [DOCS-VIDEOS]; Ark: 2.x "暂不支持" (seedance-2.md §3).
        if body.frames != nil { throw .badRequest("frames is not supported by \(model); use duration") }
        // EMULATOR ASSUMPTION (seedance-2.md §3 `camera_fixed`, seedance-2.md §16): Ark's "2.0 暂不支持" read strictly.
        if body.cameraFixed != nil, !options.allowsCameraFixedOnSeedance2 {
            throw .badRequest("camerafixed is not supported by \(model)")
        }
        // EMULATOR ASSUMPTION (seedance-2.md §3 `service_tier`): "Seedance 2.0 系列仅支持在线推理模式，不支持配置该参数";
        // AceData lists the field only in its 1.x-era guide [S003].
        if body.serviceTier != nil { throw .badRequest("service_tier is not supported by \(model)") }
        if !rules.isSeedance25 { try refuseSeedance25Fields(body, model: model) }
        try checkPriority(body.priority, rules: rules, options: options)
        if rules.isSeedance25 { try checkSeedance25(body, content: content, ratio: ratio, duration: duration) }
        let shared = try checkShared(body, honoursAsyncFlag: honoursAsyncFlag)
        // Checked last: the request is well formed, the material is not accepted.
        if content.visualURLs.contains(where: { $0.contains(realPersonMarker) }) { throw AceDataAPIError.realPersonRefused }

        return AceDataTaskSpec(
            model: model, prompt: content.texts.first, imageCount: content.images, resolution: resolution,
            ratio: ratio == "adaptive" ? "16:9" : ratio, duration: duration == -1 ? 5 : duration, frames: nil,
            seed: shared.seed, cameraFixed: body.cameraFixed ?? false, watermark: body.watermark ?? false,
            // EMULATOR ASSUMPTION: Ark's default `true` (seedance-2.md §3), not the older guide's `false`.
            generateAudio: body.generateAudio ?? true, returnLastFrame: body.returnLastFrame ?? false,
            serviceTier: "default", executionExpiresAfter: shared.expires, callbackURL: body.callbackURL, mode: shared.mode,
            // 2.x examples give `data.task_id` as a UUID, not an Ark `cgt-…` id (seedance-2.md §16 "AceData").
            request: raw, traceID: AceDataIDs.uuid(), upstreamTaskID: AceDataIDs.uuid(), reportsOutput: true
        )
    }

    /// `priority: 0` (what AceData's SDK always sends, seedance-2.md §15) is accepted on every model; a non-zero value
    /// only on 2.5 ("priority: Optional task priority for 2.5, integer 0–9" [DOCS-VIDEOS]) unless
    /// `allowsPriorityOnSeedance20` takes Ark's reading (2.0 series too).
    private static func checkPriority(
        _ priority: Int?, rules: AceDataSeedance2Rules, options: AceDataSeedance2Options
    ) throws(AceDataAPIError) {
        guard let priority, priority != 0 else { return }
        guard (0...9).contains(priority) else { throw .badRequest("priority must be between 0 and 9") }
        if !rules.isSeedance25, !options.allowsPriorityOnSeedance20 {
            throw .badRequest("priority is only supported by \(seedance25Model), not \(rules.id)")
        }
    }

    /// 2.5's own fields and rules [DOCS-VIDEOS] (seedance-2.md §3 ratio, seedance-2.md §8, seedance-2.md §9).
    private static func checkSeedance25(
        _ body: AceDataVideoRequest, content: AceDataSeedance2Content, ratio: String, duration: Int
    ) throws(AceDataAPIError) {
        if let format = body.outputFormat, !outputFormats.contains(format) { throw .badRequest("output_format must be mp4 or mov") }
        let taskType = body.omniReferenceTaskType ?? "auto"
        guard omniReferenceTaskTypes.contains(taskType) else {
            throw .badRequest("omni_reference_task_type must be one of auto, reference, edit, extend")
        }
        // EMULATOR ASSUMPTION: an explicit task type is checked at create (Ark: "validated synchronously at create",
        // seedance-2.md §8), not left to fail the task later (AceData: "the task will fail").
        switch taskType {
        case "reference" where content.references == 0:
            throw .badRequest("omni_reference_task_type reference needs a reference_image, reference_video or reference_audio")
        case "edit", "extend":
            guard content.videos > 0 else { throw .badRequest("omni_reference_task_type \(taskType) needs a reference_video") }
            if taskType == "edit", duration != -1 { throw .badRequest("omni_reference_task_type edit needs duration -1") }
        default:
            break
        }
        // "only adaptive for first/first+last frame, edit, extend" (seedance-2.md §3 ratio).
        if ratio != "adaptive", content.scenario == .frames || taskType == "edit" || taskType == "extend" {
            throw .badRequest("ratio must be adaptive for a first-frame, edit or extend task on \(seedance25Model)")
        }
        if let tools = body.tools {
            if let tool = tools.first(where: { $0.type != "web_search" }) {
                throw .badRequest("tools.type \(tool.type ?? "null") is not supported; use web_search")
            }
            // EMULATOR ASSUMPTION: "联网搜索能力仅适用于纯文本输入" (seedance-2.md §4, seedance-2.md §9) read as a refusal.
            if !tools.isEmpty, content.scenario != .text { throw .badRequest("tools web_search takes text-only content") }
        }
    }
}
