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
    /// Accepted and kept, never called. EMULATOR ASSUMPTION: Chanjing's callback payload, timing and retries are
    /// undocumented, so the emulator sends no callback.
    public var callback: String?
}

/// The submit rules of the two Seedance model codes ([S004]; durations [3P]).
enum ChanjingValidation {
    /// `model_code` values, case-sensitive. [S004] [CJ-SKILLS]
    static let models: Set<String> = ["Doubao-Seedance-1.0-lite-i2v", "Doubao-Seedance-1.0-pro"]
    static let ratios: Set<String> = ["9:16", "16:9", "1:1"]
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
            modelCode: model, prompt: prompt, images: try frames(body), aspectRatio: ratio, clarity: clarity,
            videoDuration: duration, callback: body.callback.flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    /// EMULATOR ASSUMPTION: [S004] documents both `ref_img_url` (every sample) and `start_frame`/`end_frame` (the
    /// table); both are accepted, `ref_img_url` wins when both are sent, at most two frames are taken, and each must
    /// be an http(s) URL (Chanjing's own upload flow hands out such URLs; data: URLs are not documented).
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
