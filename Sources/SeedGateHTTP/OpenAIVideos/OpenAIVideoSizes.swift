/// OpenAI's `size` ("1280x720") against Seedance's resolution + ratio, both ways.
///
/// Accepted on create: OpenAI's four Sora sizes, mapped to the nearest Seedance output (1280x720 → 720p 16:9,
/// 720x1280 → 720p 9:16, 1792x1024 → 1080p 16:9, 1024x1792 → 1080p 9:16), and every pixel size Seedance itself
/// produces (Ark's table: 1920x1080 → 1080p 16:9, 960x960 → 720p 1:1, …). Anything else is refused.
/// Rendered on the video object: the pixel size the model really produces for the job's resolution and ratio.
enum OpenAIVideoSizes {
    /// One Seedance output: resolution, ratio and its pixel size for the 1.0 series and for 1.5 pro.
    struct Output: Sendable, Equatable {
        var resolution: String
        var ratio: String
        var series10: String
        var pro15: String
    }

    /// Ark's "pixel size per resolution and ratio" table (models.md §4).
    static let outputs: [Output] = [
        .init(resolution: "480p", ratio: "16:9", series10: "864x480", pro15: "864x496"),
        .init(resolution: "480p", ratio: "4:3", series10: "736x544", pro15: "752x560"),
        .init(resolution: "480p", ratio: "1:1", series10: "640x640", pro15: "640x640"),
        .init(resolution: "480p", ratio: "3:4", series10: "544x736", pro15: "560x752"),
        .init(resolution: "480p", ratio: "9:16", series10: "480x864", pro15: "496x864"),
        .init(resolution: "480p", ratio: "21:9", series10: "960x416", pro15: "992x432"),
        .init(resolution: "720p", ratio: "16:9", series10: "1248x704", pro15: "1280x720"),
        .init(resolution: "720p", ratio: "4:3", series10: "1120x832", pro15: "1112x834"),
        .init(resolution: "720p", ratio: "1:1", series10: "960x960", pro15: "960x960"),
        .init(resolution: "720p", ratio: "3:4", series10: "832x1120", pro15: "834x1112"),
        .init(resolution: "720p", ratio: "9:16", series10: "704x1248", pro15: "720x1280"),
        .init(resolution: "720p", ratio: "21:9", series10: "1504x640", pro15: "1470x630"),
        .init(resolution: "1080p", ratio: "16:9", series10: "1920x1088", pro15: "1920x1080"),
        .init(resolution: "1080p", ratio: "4:3", series10: "1664x1248", pro15: "1664x1248"),
        .init(resolution: "1080p", ratio: "1:1", series10: "1440x1440", pro15: "1440x1440"),
        .init(resolution: "1080p", ratio: "3:4", series10: "1248x1664", pro15: "1248x1664"),
        .init(resolution: "1080p", ratio: "9:16", series10: "1088x1920", pro15: "1080x1920"),
        .init(resolution: "1080p", ratio: "21:9", series10: "2176x928", pro15: "2206x946"),
        // Seedance 2.0 at 4k (seedance-2.md §6); the 2.x family otherwise uses the 1.5 pro column.
        .init(resolution: "4k", ratio: "16:9", series10: "3840x2160", pro15: "3840x2160"),
        .init(resolution: "4k", ratio: "4:3", series10: "3326x2494", pro15: "3326x2494"),
        .init(resolution: "4k", ratio: "1:1", series10: "2880x2880", pro15: "2880x2880"),
        .init(resolution: "4k", ratio: "3:4", series10: "2494x3326", pro15: "2494x3326"),
        .init(resolution: "4k", ratio: "9:16", series10: "2160x3840", pro15: "2160x3840"),
        .init(resolution: "4k", ratio: "21:9", series10: "4398x1886", pro15: "4398x1886"),
    ]

    /// Seedance 2.5 at 480p differs from 2.0 (seedance-2.md §6).
    static let seedance25At480p: [String: String] = [
        "16:9": "854x480", "4:3": "752x560", "1:1": "640x640", "3:4": "560x752", "9:16": "480x854", "21:9": "992x432",
    ]

    /// OpenAI's Sora sizes and the Seedance output each one asks for.
    static let openAISizes: [String: (resolution: String, ratio: String)] = [
        "1280x720": ("720p", "16:9"), "720x1280": ("720p", "9:16"),
        "1792x1024": ("1080p", "16:9"), "1024x1792": ("1080p", "9:16"),
    ]

    /// The resolution and ratio a requested `size` asks for; nil when the size is not one SeedGate can honour.
    static func resolutionAndRatio(for size: String) -> (resolution: String, ratio: String)? {
        let key = size.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "×", with: "x")
        if let mapped = openAISizes[key] { return mapped }
        if let output = outputs.first(where: { $0.series10 == key || $0.pro15 == key }) { return (output.resolution, output.ratio) }
        if let ratio = seedance25At480p.first(where: { $0.value == key })?.key { return ("480p", ratio) }
        return nil
    }

    /// What the error for an unknown size lists.
    static var acceptedSummary: String {
        "one of 1280x720, 720x1280, 1792x1024, 1024x1792, or a Seedance output size such as 1920x1080, 1080x1920, 960x960 or 864x480"
    }

    /// The pixel size `model` produces at `resolution` and `ratio`; the resolution alone while the ratio is still
    /// `adaptive` (the model picks it from the image; the finished job reports it).
    static func render(model: String, resolution: String?, ratio: String?) -> String {
        guard let resolution else { return "" }
        guard let ratio, let output = outputs.first(where: { $0.resolution == resolution && $0.ratio == ratio }) else { return resolution }
        if model.hasPrefix("seedance-2.5"), resolution == "480p", let size = seedance25At480p[ratio] { return size }
        return model.hasPrefix("seedance-1.0") ? output.series10 : output.pro15
    }
}
