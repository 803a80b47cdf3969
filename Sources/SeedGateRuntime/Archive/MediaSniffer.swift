import Foundation

/// Tells real media from what a failing file server sends instead (an HTML error page, JSON, XML), by the declared
/// content type and the first bytes, and names the file's extension and content type for storage.
enum MediaSniffer {
    /// What a result file should be.
    enum Expected: String, Sendable {
        case video
        case image
    }

    /// The content type to store the file with, from its first bytes (nil: they are not media of the expected kind).
    static func contentType(of head: [UInt8], expected: Expected) -> String? {
        switch expected {
        case .video:
            // ISO base media (MP4, QuickTime): a box size then `ftyp`; older QuickTime files may open with other boxes.
            guard head.count >= 8 else { return nil }
            let box = String(decoding: head[4..<8], as: UTF8.self)
            if box == "ftyp", head.count >= 12 {
                return String(decoding: head[8..<12], as: UTF8.self) == "qt  " ? "video/quicktime" : "video/mp4"
            }
            if ["moov", "mdat", "free", "wide", "skip"].contains(box) { return "video/quicktime" }
            if head.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return "video/webm" }
            return nil
        case .image:
            if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
            if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
            if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
            return nil
        }
    }

    /// Whether a declared content type rules the body out before reading it (text, HTML, JSON, XML).
    static func isNotMedia(declared: String?) -> Bool {
        guard let declared = declared?.lowercased() else { return false }
        return declared.hasPrefix("text/") || declared.contains("json") || declared.contains("xml") || declared.contains("html")
    }

    /// The file extension for a stored content type.
    static func fileExtension(_ contentType: String) -> String {
        switch contentType {
        case "video/quicktime": "mov"
        case "video/webm": "webm"
        case "image/png": "png"
        case "image/jpeg": "jpeg"
        case "image/webp": "webp"
        default: "mp4"
        }
    }
}
