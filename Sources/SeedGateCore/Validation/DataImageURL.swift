import Foundation

/// `data:image/<format>;base64,<data>` URLs: checked for format, size and decodability before any upstream call.
enum DataImageURL {
    static let formats: Set<String> = ["jpeg", "png", "webp", "bmp", "tiff", "gif", "heic", "heif"]

    static func check(_ url: String, field: String) throws(ValidationFailure) {
        guard let comma = url.firstIndex(of: ",") else { throw .invalid(field, "data URL has no data") }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        let parts = header.split(separator: ";")
        guard parts.count == 2, parts[1] == "base64", parts[0].hasPrefix("image/") else {
            throw .invalid(field, "data URL must look like data:image/<format>;base64,<data>")
        }
        let format = parts[0].dropFirst("image/".count)
        guard formats.contains(String(format)) else {
            throw .invalid(field, "image format must be lower-case one of \(formats.sorted().joined(separator: ", "))")
        }
        let payload = url[url.index(after: comma)...]
        if payload.utf8.count / 4 * 3 > RequestLimits.dataURLBytes {
            throw .invalid(field, "image is larger than \(RequestLimits.dataURLBytes / 1024 / 1024) MiB")
        }
        guard let bytes = Data(base64Encoded: String(payload)), !bytes.isEmpty else {
            throw .invalid(field, "data URL is not valid base64")
        }
        guard ImageSignature.matches(bytes, format: String(format)) else {
            throw .invalid(field, "data is not a \(format) image")
        }
    }
}

/// Magic numbers of the image formats providers accept, enough to catch mislabelled or corrupt uploads.
enum ImageSignature {
    static func matches(_ bytes: Data, format: String) -> Bool {
        let head = [UInt8](bytes.prefix(12))
        func starts(_ prefix: [UInt8]) -> Bool { head.starts(with: prefix) }
        switch format {
        case "jpeg": return starts([0xFF, 0xD8, 0xFF])
        case "png": return starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case "gif": return starts(Array("GIF8".utf8))
        case "bmp": return starts(Array("BM".utf8))
        case "tiff": return starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
        case "webp": return head.count >= 12 && starts(Array("RIFF".utf8)) && Array(head[8..<12]) == Array("WEBP".utf8)
        case "heic", "heif": return head.count >= 12 && Array(head[4..<8]) == Array("ftyp".utf8)
        default: return false
        }
    }
}
