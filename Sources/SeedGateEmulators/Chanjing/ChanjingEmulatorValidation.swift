import Foundation

/// A video task as the Chanjing emulator resolved its submit: defaults applied, frames in order.
/// Echoed in the task object (`motion_info`, `ref_img_url`, `aspect_ratio`).
public struct ChanjingTaskSpec: Sendable, Equatable {
    public var modelCode: String
    public var prompt: String
    /// First frame, then last frame (possibly none).
    public var images: [String]
    public var aspectRatio: String
    /// 720 or 1080.
    public var clarity: Int
    /// 5 or 10 seconds.
    public var videoDuration: Int
}

/// Chanjing's result files, served by the shared file server (`EmulatorFileRoutes`): one MP4 video in `output_url`,
/// no last frame (chanjing.md, Results), drawn at the task's `aspect_ratio`.
extension ChanjingTaskSpec: EmulatorResultSpec {
    public var resultFiles: EmulatorResultFiles { EmulatorResultFiles(ratio: aspectRatio, prompt: prompt) }
}

/// The submit rules of the two Seedance model codes ([S004]; durations [3P]).
///
/// Every rule is [S004]'s, read strictly: `ref_prompt`, `creation_type`, `video_duration` and `model_code` are
/// required (是否必传 是); `creation_type` is 4 for video (视频生成为 4); `model_code` is a known, case-sensitive code;
/// `aspect_ratio` and `clarity` take the values the table names ("常用", commonly, is read as "only"); and a field
/// the table does not list is refused, so a client sending an undocumented field is caught.
enum ChanjingValidation {
    /// The fields of [S004]'s parameter table, the only ones a submit may carry.
    static let documentedSubmitFields: Set<String> = [
        "start_frame", "end_frame", "ref_prompt", "creation_type", "aspect_ratio", "clarity", "video_duration", "model_code",
    ]

    /// What a submit may carry: the table's fields, plus `ref_img_url` (the code samples' spelling) when the emulator
    /// is told to take it. EMULATOR ASSUMPTION: Chanjing does not say it refuses unlisted fields; the stricter reading
    /// is taken, answered as a parameter error (40000 参数错误, [S004]'s code table). `callback`, `quality_mode` and
    /// `style`, which Chanjing's generic tooling sends for other models [CJ-SKILLS], are not on this model's page.
    /// The same field list is assumed for `Doubao-Seedance-1.0-pro`, whose own page was not read (EMULATOR ASSUMPTION).
    static func submitFields(acceptsRefImgURL: Bool) -> Set<String> {
        acceptsRefImgURL ? documentedSubmitFields.union(["ref_img_url"]) : documentedSubmitFields
    }

    /// The fields of [DOC-LIST]'s parameter table for the page call (the same strict reading).
    static let pageFields: Set<String> = ["unique_ids", "type", "page", "page_size", "is_success"]

    /// `model_code` values, case-sensitive. [S004] [CJ-SKILLS]
    static let models: Set<String> = ["Doubao-Seedance-1.0-lite-i2v", "Doubao-Seedance-1.0-pro"]
    /// aspect_ratio "常用 9:16、16:9、1:1" [S004], read as the only values.
    static let ratios: Set<String> = ["9:16", "16:9", "1:1"]
    /// clarity "常用 720 或 1080" [S004], read as the only values.
    static let clarities: Set<Int> = [720, 1080]
    /// EMULATOR ASSUMPTION: [S004] gives only the example 5; 5 and 10 per third-party catalogues.
    static let durations: Set<Int> = [5, 10]
    /// EMULATOR ASSUMPTION: Chanjing states no aspect_ratio default; 16:9 is used.
    static let defaultRatio = "16:9"
    /// The clarity default documented by [S004].
    static let defaultClarity = 1080

    static func validate(_ body: ChanjingSubmitRequestBody) throws(ChanjingAPIError) -> ChanjingTaskSpec {
        // EMULATOR ASSUMPTION: only video creation (type 4) is emulated; image creation (3) is refused.
        guard let creationType = body.creationType else { throw .parameter("creation_type 不能为空") }
        guard creationType == 4 else { throw .parameter("creation_type 必须为 4 (视频生成)") }
        guard let model = body.modelCode, !model.isEmpty else { throw .parameter("model_code 不能为空") }
        guard models.contains(model) else { throw .modelNotFound }
        guard let prompt = body.refPrompt, !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .parameter("ref_prompt 不能为空")
        }
        guard let duration = body.videoDuration else { throw .parameter("video_duration 不能为空") }
        guard durations.contains(duration) else { throw .parameter("video_duration 仅支持 5 或 10") }
        let ratio = body.aspectRatio.flatMap { $0.isEmpty ? nil : $0 } ?? defaultRatio
        guard ratios.contains(ratio) else { throw .parameter("aspect_ratio 仅支持 9:16、16:9、1:1") }
        let clarity = body.clarity.flatMap { $0 == 0 ? nil : $0 } ?? defaultClarity
        guard clarities.contains(clarity) else { throw .parameter("clarity 仅支持 720 或 1080") }
        return ChanjingTaskSpec(
            modelCode: model, prompt: prompt, images: try frames(body), aspectRatio: ratio, clarity: clarity, videoDuration: duration
        )
    }

    /// The optional first frame (`start_frame`) and last frame (`end_frame`) of [S004]'s table; `ref_img_url` only
    /// reaches here when the emulator takes it (`submitFields`). EMULATOR ASSUMPTION: with `ref_img_url` and the
    /// table's fields both sent, `ref_img_url` wins; at most two frames are taken; a last frame needs a first one;
    /// and each must be an http(s) URL (Chanjing's own upload flow hands out such URLs; data: URLs are not documented).
    private static func frames(_ body: ChanjingSubmitRequestBody) throws(ChanjingAPIError) -> [String] {
        let frames: [String]
        if let array = body.refImgURL, !array.isEmpty {
            frames = array
        } else {
            let start = body.startFrame.flatMap { $0.isEmpty ? nil : $0 }
            let end = body.endFrame.flatMap { $0.isEmpty ? nil : $0 }
            if end != nil, start == nil { throw .parameter("end_frame 需要同时传 start_frame") }
            frames = [start, end].compactMap { $0 }
        }
        guard frames.count <= 2 else { throw .parameter("ref_img_url 最多 2 张 (首帧、尾帧)") }
        for url in frames where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw .parameter("图片地址必须是 http(s) URL")
        }
        return frames
    }
}
