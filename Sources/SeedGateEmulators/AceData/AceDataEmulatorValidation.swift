import Foundation
import SeedGateCore

/// What one emulated model accepts (Seedance 1.x as AceData serves it; facts: acedata.md, models.md §2/§3).
struct AceDataModelRules: Sendable {
    var id: String
    var textToVideo: Bool
    var firstFrame: Bool
    var firstLastFrame: Bool
    var audio: Bool
    var frames: Bool
    var durations: ClosedRange<Int>
    var autoDuration: Bool
    var adaptiveTextToVideo: Bool
    var defaultResolution: String

    /// The five 1.x models of [S003]; the 2.x models are in `AceDataSeedance2Rules`.
    static let all: [AceDataModelRules] = [
        AceDataModelRules(
            id: "doubao-seedance-1-5-pro-251215", textToVideo: true, firstFrame: true, firstLastFrame: true, audio: true,
            frames: false, durations: 4...12, autoDuration: true, adaptiveTextToVideo: true, defaultResolution: "720p"),
        AceDataModelRules(
            id: "doubao-seedance-1-0-pro-250528", textToVideo: true, firstFrame: true, firstLastFrame: true, audio: false,
            frames: true, durations: 2...12, autoDuration: false, adaptiveTextToVideo: false, defaultResolution: "1080p"),
        AceDataModelRules(
            id: "doubao-seedance-1-0-pro-fast-251015", textToVideo: true, firstFrame: true, firstLastFrame: false, audio: false,
            frames: true, durations: 2...12, autoDuration: false, adaptiveTextToVideo: false, defaultResolution: "1080p"),
        AceDataModelRules(
            id: "doubao-seedance-1-0-lite-t2v-250428", textToVideo: true, firstFrame: false, firstLastFrame: false, audio: false,
            frames: true, durations: 2...12, autoDuration: false, adaptiveTextToVideo: false, defaultResolution: "720p"),
        AceDataModelRules(
            id: "doubao-seedance-1-0-lite-i2v-250428", textToVideo: false, firstFrame: true, firstLastFrame: true, audio: false,
            frames: true, durations: 2...12, autoDuration: false, adaptiveTextToVideo: false, defaultResolution: "720p"),
    ]

    static func rules(for model: String) -> AceDataModelRules? { all.first { $0.id == model } }
}

/// Checks a create body the way AceData's "strong validation" of body fields does [S003]: every bad field is
/// answered 400 `bad_request` naming it (see `AceDataAPIError.badRequest`).
enum AceDataValidation {
    static let resolutions: Set<String> = ["480p", "720p", "1080p"]
    static let ratios: Set<String> = ["16:9", "4:3", "1:1", "3:4", "9:16", "21:9", "adaptive"]

    /// The top-level body fields AceData documents for Seedance: the [S003] list (`model`, `content`, `resolution`,
    /// `ratio`, `duration`, `seed`, `camerafixed`, `watermark`, `generate_audio`, `service_tier`, `return_last_frame`,
    /// `execution_expires_after`, `callback_url`), the fields its inline-parameter table names as their body
    /// counterparts (`frames`, `framespersecond`) [S003], `async` [DOCS-VIDEOS], the two the SDK's spec-generated
    /// parameters add for every model (`priority`, `safety_identifier`) [SDK-ACE seedance.py], and the 2.5-only
    /// `seedance25Fields` [DOCS-VIDEOS] (refused per model once the model is known).
    static let documentedFields = Set([
        "model", "content", "resolution", "ratio", "duration", "seed", "camerafixed", "watermark", "generate_audio",
        "service_tier", "return_last_frame", "execution_expires_after", "callback_url", "frames", "framespersecond", "async",
        "priority", "safety_identifier",
    ]).union(seedance25Fields)
    /// Documented, but for Seedance 2.5 only (acedata.md, Generate; seedance-2.md §16 "AceData"): refused on 1.x and
    /// on the 2.0 family.
    static let seedance25Fields: Set<String> = ["omni_reference_task_type", "output_format", "tools"]
    /// The keys of one `content[]` item; the media members (`image_url`, 2.x `video_url`/`audio_url`) hold only
    /// `url`. [S003] [DOCS-VIDEOS]
    static let itemFields = Set(["type", "text", "role"]).union(mediaMembers)
    static let mediaMembers: Set<String> = ["image_url", "video_url", "audio_url"]
    static let mediaFields: Set<String> = ["url"]

    /// Refuses every field AceData's schema does not list. EMULATOR ASSUMPTION: AceData's "strong validation" of
    /// body fields [S003] refuses an unknown field (400 `bad_request` naming it) rather than ignoring it; the
    /// stricter reading, so a test fails when SeedGate's adapter sends a field AceData does not document (Ark's
    /// `camera_fixed` spelling among them).
    static func checkFields(_ raw: JSONValue) throws(AceDataAPIError) {
        guard case .object(let fields) = raw else { return }
        for key in fields.keys.sorted() where !documentedFields.contains(key) {
            throw .badRequest("\(key) is not a supported parameter")
        }
        guard case .array(let items)? = fields["content"] else { return }
        for item in items {
            guard case .object(let members) = item else { continue }
            if let key = members.keys.sorted().first(where: { !itemFields.contains($0) }) {
                throw .badRequest("content.\(key) is not a supported parameter")
            }
            for member in mediaMembers.sorted() {
                guard case .object(let media)? = members[member] else { continue }
                if let key = media.keys.sorted().first(where: { !mediaFields.contains($0) }) {
                    throw .badRequest("content.\(member).\(key) is not a supported parameter")
                }
            }
            // EMULATOR ASSUMPTION: an item carries only the member its `type` names (Ark's item shapes, seedance-2.md §4);
            // a `null` member counts as absent.
            let type = members["type"].flatMap { if case .string(let type) = $0 { type } else { nil } }
            let carried = members.filter { $0.value != .null }.keys.sorted()
            if let stray = carried.first(where: { ($0 == "text" || mediaMembers.contains($0)) && $0 != type }) {
                throw .badRequest("content.\(stray) does not belong in an item of type \(type ?? "null")")
            }
        }
    }

    /// - Parameters:
    ///   - honoursAsyncFlag: whether `async: true` alone switches to async mode (the newer guides' reading
    ///     [DOCS-VIDEOS]); by default only `callback_url` does, as the seed document says [S003].
    ///   - seedance2: how the 2.x models read what their documents leave open (`validateSeedance2`).
    static func validate(
        _ body: AceDataVideoRequest, raw: JSONValue, createdAt: Date, honoursAsyncFlag: Bool = false,
        seedance2: AceDataSeedance2Options = AceDataSeedance2Options()
    ) throws(AceDataAPIError) -> AceDataTaskSpec {
        try checkFields(raw)
        guard let model = body.model, !model.isEmpty else { throw .badRequest("model is required") }
        if let rules = AceDataSeedance2Rules.rules(for: model) {
            return try validateSeedance2(body, raw: raw, rules: rules, honoursAsyncFlag: honoursAsyncFlag, options: seedance2)
        }
        guard let rules = AceDataModelRules.rules(for: model) else { throw .badRequest("model \(model) is not supported") }
        try refuseSeedance25Fields(body, model: model)
        guard let items = body.content, !items.isEmpty else { throw .badRequest("content is required") }
        let (texts, roles) = try readContent(items)
        try checkScenario(rules: rules, hasText: !texts.isEmpty, roles: roles)

        let resolution = body.resolution ?? rules.defaultResolution
        guard resolutions.contains(resolution) else { throw .badRequest("resolution must be one of 480p, 720p, 1080p") }
        let ratio = body.ratio ?? (roles.isEmpty ? (rules.adaptiveTextToVideo ? "adaptive" : "16:9") : "adaptive")
        guard ratios.contains(ratio) else { throw .badRequest("ratio must be one of 16:9, 4:3, 1:1, 3:4, 9:16, 21:9, adaptive") }
        if ratio == "adaptive", roles.isEmpty, !rules.adaptiveTextToVideo {
            throw .badRequest("ratio adaptive needs an image on \(model)")
        }
        if let frames = body.frames {
            guard rules.frames else { throw .badRequest("frames is only supported by the 1.0 series") }
            guard (29...289).contains(frames), (frames - 25) % 4 == 0 else { throw .badRequest("frames must be 25 + 4n in [29, 289]") }
        }
        var duration = body.duration ?? 5
        if duration == -1, rules.autoDuration {
            duration = 5 // EMULATOR ASSUMPTION: "the model chooses" is emulated as 5 s.
        } else if !rules.durations.contains(duration) {
            throw .badRequest("duration must be between \(rules.durations.lowerBound) and \(rules.durations.upperBound)")
        }
        let tier = body.serviceTier ?? "default"
        guard tier == "default" || tier == "flex" else { throw .badRequest("service_tier must be default or flex") }
        // EMULATOR ASSUMPTION: `priority` is documented for 2.5 [DOCS-VIDEOS] (Ark: the 2.0 series); 1.x takes only the
        // `priority: 0` AceData's SDK always sends [SDK-ACE].
        if let priority = body.priority, priority != 0 { throw .badRequest("priority is only supported by \(seedance25Model)") }
        let shared = try checkShared(body, honoursAsyncFlag: honoursAsyncFlag)
        return AceDataTaskSpec(
            model: model, prompt: texts.first, imageCount: roles.count, resolution: resolution,
            ratio: ratio == "adaptive" ? "16:9" : ratio, duration: body.frames == nil ? duration : nil, frames: body.frames,
            seed: shared.seed, cameraFixed: body.cameraFixed ?? false, watermark: body.watermark ?? false,
            // [S003]: other models ignore generate_audio. EMULATOR ASSUMPTION: 1.5 pro defaults to true (Ark's default).
            generateAudio: rules.audio ? (body.generateAudio ?? true) : nil,
            returnLastFrame: body.returnLastFrame ?? false, serviceTier: tier, executionExpiresAfter: shared.expires,
            callbackURL: body.callbackURL, mode: shared.mode, request: raw, traceID: AceDataIDs.uuid(),
            upstreamTaskID: AceDataIDs.upstreamTaskID(createdAt: createdAt)
        )
    }

    static let seedance25Model = "doubao-seedance-2-5-260628"

    /// The 2.5-only fields (`seedance25Fields`), refused on every other model; `null` counts as absent.
    static func refuseSeedance25Fields(_ body: AceDataVideoRequest, model: String) throws(AceDataAPIError) {
        let sent = [
            ("omni_reference_task_type", body.omniReferenceTaskType != nil), ("output_format", body.outputFormat != nil),
            ("tools", body.tools != nil),
        ]
        if let (field, _) = sent.first(where: \.1) { throw .badRequest("\(field) is only supported by \(seedance25Model), not \(model)") }
    }

    /// What every model checks alike: seed, timeout, frame rate, end-user id, and the answer mode.
    static func checkShared(
        _ body: AceDataVideoRequest, honoursAsyncFlag: Bool
    ) throws(AceDataAPIError) -> (seed: Int64, expires: Int, mode: AceDataResponseMode) {
        if let seed = body.seed, !(-1...4_294_967_295).contains(seed) { throw .badRequest("seed must be between -1 and 4294967295") }
        let expires = body.executionExpiresAfter ?? 172_800
        guard (3600...259_200).contains(expires) else { throw .badRequest("execution_expires_after must be between 3600 and 259200") }
        if let fps = body.framesPerSecond, fps != 24 { throw .badRequest("framespersecond only supports 24") }
        if let identifier = body.safetyIdentifier, identifier.count > 64 {
            throw .badRequest("safety_identifier must be at most 64 characters")
        }
        // "callback_url: 异步回调地址,设置后 API 立即返回 task_id" [S003]: the seed document's only switch. The stricter
        // reading: `async: true` alone leaves the create synchronous unless the emulator is told otherwise.
        let mode: AceDataResponseMode =
            body.callbackURL != nil ? .callback : (honoursAsyncFlag && body.asyncMode == true ? .async : .blocking)
        return (body.seed.flatMap { $0 == -1 ? nil : $0 } ?? Int64.random(in: 0...4_294_967_295), expires, mode)
    }

    /// The prompts and the image roles (nil role = first frame, as in [S003]'s single-image example).
    private static func readContent(_ items: [AceDataRequestItem]) throws(AceDataAPIError) -> (texts: [String], roles: [String]) {
        var texts: [String] = []
        var roles: [String] = []
        for item in items {
            switch item.type {
            case "text":
                guard let text = item.text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw .badRequest("content.text must not be empty")
                }
                texts.append(text)
            case "image_url":
                switch item.imageURL {
                case .bareString?:
                    // Documented quirk: the string form is refused with 400. [S003]
                    throw .badRequest("content.image_url must be an object {\"url\": \"...\"}, not a string")
                case .object(let url?)? where isImageURL(url):
                    break
                default:
                    throw .badRequest("content.image_url.url must be an http(s) URL or a data:image/...;base64 URL")
                }
                let role = item.role ?? "first_frame"
                guard role == "first_frame" || role == "last_frame" else {
                    // "Only Seedance 2.0 series models support reference_image." [DOCS-VIDEOS]
                    throw .badRequest("content.role \(role) is not supported by Seedance 1.x; use first_frame or last_frame")
                }
                roles.append(role)
            case let other:
                throw .badRequest("content.type \(other ?? "null") is not supported; use text or image_url")
            }
        }
        // EMULATOR ASSUMPTION: one text item at most, as on Ark.
        if texts.count > 1 { throw .badRequest("content takes at most one text item") }
        return (texts, roles)
    }

    private static func checkScenario(rules: AceDataModelRules, hasText: Bool, roles: [String]) throws(AceDataAPIError) {
        switch roles.count {
        case 0:
            guard rules.textToVideo else { throw .badRequest("\(rules.id) needs an image") }
            guard hasText else { throw .badRequest("content needs a text item") }
        case 1:
            guard roles[0] == "first_frame" else { throw .badRequest("a last_frame needs a first_frame") }
            guard rules.firstFrame else { throw .badRequest("\(rules.id) does not take images") }
        case 2:
            guard Set(roles) == ["first_frame", "last_frame"] else { throw .badRequest("two images need the roles first_frame and last_frame") }
            guard rules.firstLastFrame else { throw .badRequest("\(rules.id) does not take a first and a last frame") }
        default:
            throw .badRequest("Seedance 1.x takes at most two images (first_frame, last_frame)")
        }
    }

    static func isImageURL(_ string: String) -> Bool {
        string.hasPrefix("data:image/") ? string.contains(";base64,") : isWebURL(string)
    }

    static func isWebURL(_ string: String) -> Bool {
        guard let url = URL(string: string), let scheme = url.scheme?.lowercased(), let host = url.host else { return false }
        return (scheme == "http" || scheme == "https") && !host.isEmpty
    }
}
