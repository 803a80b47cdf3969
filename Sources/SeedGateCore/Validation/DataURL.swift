import Foundation

/// `data:<image|audio>/<format>;base64,<data>` URLs: checked for kind, format, size and decodability before any
/// upstream call. Videos are never inline (Ark: "video is URL or asset only").
enum DataURL {
    enum Kind: String {
        case image
        case audio

        var formats: Set<String> {
            switch self {
            case .image: ["jpeg", "png", "webp", "bmp", "tiff", "gif", "heic", "heif"]
            case .audio: ["wav", "mp3"]
            }
        }
    }

    /// The data's media format (`png`, `mp3`) and its decoded size in bytes.
    @discardableResult
    static func check(_ url: String, field: String, kind: Kind) throws(ValidationFailure) -> (format: String, bytes: Int) {
        guard let comma = url.firstIndex(of: ",") else { throw .invalid(field, "data URL has no data") }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        let parts = header.split(separator: ";")
        let prefix = "\(kind.rawValue)/"
        guard parts.count == 2, parts[1] == "base64", parts[0].hasPrefix(prefix) else {
            throw .invalid(field, "data URL must look like data:\(kind.rawValue)/<format>;base64,<data>")
        }
        let format = String(parts[0].dropFirst(prefix.count))
        guard kind.formats.contains(format) else {
            throw .invalid(field, "\(kind.rawValue) format must be lower-case one of \(kind.formats.sorted().joined(separator: ", "))")
        }
        let payload = url[url.index(after: comma)...]
        if estimatedBytes(of: url) > RequestLimits.dataURLBytes {
            throw .invalid(field, "\(kind.rawValue) is larger than \(RequestLimits.dataURLBytes / 1024 / 1024) MiB")
        }
        guard let bytes = Data(base64Encoded: String(payload)), !bytes.isEmpty else {
            throw .invalid(field, "data URL is not valid base64")
        }
        guard MediaSignature.matches(bytes, format: format) else {
            throw .invalid(field, "data is not a \(format) \(kind.rawValue)")
        }
        return (format, bytes.count)
    }

    /// The decoded size of a data: URL's payload (after the comma), from its length (0 for any other URL).
    static func estimatedBytes(of url: String) -> Int {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return 0 }
        return url[url.index(after: comma)...].utf8.count / 4 * 3
    }

    /// File extensions that name a media format. A path ending in anything else (`.php`, `.do`, a signed download
    /// route) says nothing about the media behind it, so it is not checked.
    static let mediaExtensions: Set<String> = [
        "jpeg", "png", "webp", "bmp", "tiff", "gif", "heic", "heif", "avif", "svg",
        "mp4", "mov", "avi", "mkv", "webm", "flv", "wmv", "m4v", "3gp", "mpeg", "mpg",
        "wav", "mp3", "aac", "ogg", "oga", "flac", "m4a", "opus", "wma", "amr",
    ]

    /// The format a URL names: a data: URL's media subtype, else the path's extension when it is a media one
    /// (lower-cased, `jpg` read as `jpeg`, `tif` as `tiff`); nil when neither names one (an `asset://` id, a path
    /// without an extension or with another one).
    static func format(of url: String) -> String? {
        if url.lowercased().hasPrefix("data:") {
            guard let slash = url.firstIndex(of: "/"), let semicolon = url.firstIndex(of: ";"), slash < semicolon else { return nil }
            return String(url[url.index(after: slash)..<semicolon]).lowercased()
        }
        guard let path = URLComponents(string: url)?.path, let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else {
            return nil
        }
        let ext = path[path.index(after: dot)...].lowercased()
        let format =
            switch ext {
            case "jpg": "jpeg"
            case "tif": "tiff"
            default: ext
            }
        return mediaExtensions.contains(format) ? format : nil
    }
}

/// Magic numbers of the media formats providers accept, enough to catch mislabelled or corrupt uploads.
enum MediaSignature {
    static func matches(_ bytes: Data, format: String) -> Bool {
        let head = [UInt8](bytes.prefix(12))
        func starts(_ prefix: [UInt8]) -> Bool { head.starts(with: prefix) }
        func riff(_ type: String) -> Bool { head.count >= 12 && starts(Array("RIFF".utf8)) && Array(head[8..<12]) == Array(type.utf8) }
        switch format {
        case "jpeg": return starts([0xFF, 0xD8, 0xFF])
        case "png": return starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case "gif": return starts(Array("GIF8".utf8))
        case "bmp": return starts(Array("BM".utf8))
        case "tiff": return starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
        case "webp": return riff("WEBP")
        case "heic", "heif": return head.count >= 12 && Array(head[4..<8]) == Array("ftyp".utf8)
        case "wav": return riff("WAVE")
        // An ID3 tag, or an MPEG audio frame sync (11 bits set).
        case "mp3": return starts(Array("ID3".utf8)) || (head.count >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0)
        default: return false
        }
    }
}
