/// Output pixel sizes per resolution and ratio, from the Ark API reference table (`models.md` §4) and, for 2.x, the
/// additions of `seedance-2.md` §6: the 2.0 family uses the 1.5 pro table plus 4k; 2.5 has its own 480p row.
enum ArkPixelSizes {
    static let resolutions = ["480p", "720p", "1080p"]
    static let ratios = ["16:9", "4:3", "1:1", "3:4", "9:16", "21:9"]

    private static let sizes10: [String: [String: (Int, Int)]] = [
        "480p": ["16:9": (864, 480), "4:3": (736, 544), "1:1": (640, 640), "3:4": (544, 736), "9:16": (480, 864), "21:9": (960, 416)],
        "720p": ["16:9": (1248, 704), "4:3": (1120, 832), "1:1": (960, 960), "3:4": (832, 1120), "9:16": (704, 1248), "21:9": (1504, 640)],
        "1080p": ["16:9": (1920, 1088), "4:3": (1664, 1248), "1:1": (1440, 1440), "3:4": (1248, 1664), "9:16": (1088, 1920), "21:9": (2176, 928)],
    ]

    private static let sizes15: [String: [String: (Int, Int)]] = [
        "480p": ["16:9": (864, 496), "4:3": (752, 560), "1:1": (640, 640), "3:4": (560, 752), "9:16": (496, 864), "21:9": (992, 432)],
        "720p": ["16:9": (1280, 720), "4:3": (1112, 834), "1:1": (960, 960), "3:4": (834, 1112), "9:16": (720, 1280), "21:9": (1470, 630)],
        "1080p": ["16:9": (1920, 1080), "4:3": (1664, 1248), "1:1": (1440, 1440), "3:4": (1248, 1664), "9:16": (1080, 1920), "21:9": (2206, 946)],
    ]

    private static let sizes20at4k: [String: (Int, Int)] = [
        "16:9": (3840, 2160), "4:3": (3326, 2494), "1:1": (2880, 2880), "3:4": (2494, 3326), "9:16": (2160, 3840), "21:9": (4398, 1886),
    ]

    private static let sizes25at480: [String: (Int, Int)] = [
        "16:9": (854, 480), "4:3": (752, 560), "1:1": (640, 640), "3:4": (560, 752), "9:16": (480, 854), "21:9": (992, 432),
    ]

    /// Width and height of the output; unknown combinations fall back to 16:9 at 720p.
    static func size(_ generation: ArkModelRules.Generation, resolution: String, ratio: String) -> (width: Int, height: Int) {
        let row: [String: (Int, Int)]?
        switch generation {
        case .seedance10: row = sizes10[resolution]
        case .seedance15: row = sizes15[resolution]
        case .seedance20: row = resolution == "4k" ? sizes20at4k : sizes15[resolution]
        case .seedance25: row = resolution == "480p" ? sizes25at480 : sizes15[resolution]
        }
        return row?[ratio] ?? (1280, 720)
    }

    /// Tokens billed for a video: width × height × frames / 1024, with 24 frames per second.
    static func tokens(_ generation: ArkModelRules.Generation, resolution: String, ratio: String, frames: Int) -> Int {
        let (width, height) = size(generation, resolution: resolution, ratio: ratio)
        return width * height * frames / 1024
    }
}
