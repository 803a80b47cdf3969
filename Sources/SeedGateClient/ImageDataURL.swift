public import Foundation

/// `data:image/<format>;base64,<data>` URLs for local image files, the inline form `images[].url` takes.
///
/// The format comes from the file's first bytes (its magic number), so a mislabelled file is sent as what it is;
/// the extension only decides where the bytes cannot (HEIC vs HEIF share a container). SeedGate takes jpeg, png,
/// webp, bmp, tiff, gif, heic and heif, each image up to 15 MiB; anything else is refused here, before any upload.
public enum ImageDataURL {
    /// The largest image SeedGate takes inline (decoded bytes; `RequestLimits.dataURLBytes` on the server).
    public static let maxBytes = 15 * 1024 * 1024

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unreadable(path: String, reason: String)
        case empty(path: String)
        case tooLarge(path: String, bytes: Int)
        case notAnImage(path: String)
        case unsupported(path: String, format: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
            case .empty(let path): "\(path) is empty"
            case .tooLarge(let path, let bytes):
                "\(path) is \(bytes) bytes; SeedGate takes inline images up to \(ImageDataURL.maxBytes / 1024 / 1024) MiB (send a URL instead)"
            case .notAnImage(let path):
                "\(path) is not an image SeedGate takes (jpeg, png, webp, bmp, tiff, gif, heic, heif)"
            case .unsupported(let path, let format):
                "\(path) is \(format), which SeedGate does not take (jpeg, png, webp, bmp, tiff, gif, heic, heif)"
            }
        }
    }

    /// The data: URL of the image file at `path`.
    public static func make(contentsOf path: String) throws(Failure) -> String {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
        return try make(bytes, path: path)
    }

    /// The data: URL of `bytes`; `path` names the file in errors and its extension breaks ties.
    public static func make(_ bytes: Data, path: String) throws(Failure) -> String {
        if bytes.isEmpty { throw .empty(path: path) }
        if bytes.count > maxBytes { throw .tooLarge(path: path, bytes: bytes.count) }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard let format = format(of: bytes, extension: ext) else { throw .notAnImage(path: path) }
        guard accepted.contains(format) else { throw .unsupported(path: path, format: format) }
        return "data:\(mimeType(of: format));base64,\(bytes.base64EncodedString())"
    }

    /// What SeedGate takes, by the names `format(of:)` gives.
    static let accepted: Set<String> = ["jpeg", "png", "webp", "bmp", "tiff", "gif", "heic", "heif"]

    /// The MIME type of a format name: `image/<format>` for all of them (SeedGate wants the lower-case subtype).
    public static func mimeType(of format: String) -> String { "image/\(format)" }

    /// The image format of `bytes` from its signature: jpeg, png, gif, webp, bmp, tiff, heic, heif, or avif (which
    /// SeedGate does not take); nil when it is none of them. `ext` (lower-case, no dot) picks between heic and heif
    /// when the brand does not say.
    public static func format(of bytes: Data, extension ext: String = "") -> String? {
        let head = [UInt8](bytes.prefix(16))
        func starts(_ prefix: [UInt8]) -> Bool { head.starts(with: prefix) }
        func ascii(_ range: Range<Int>) -> String? {
            head.count >= range.upperBound ? String(decoding: head[range], as: UTF8.self) : nil
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "gif" }
        if ascii(0..<4) == "RIFF", ascii(8..<12) == "WEBP" { return "webp" }
        if starts(Array("BM".utf8)), head.count >= 14 { return "bmp" }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return "tiff" }
        if ascii(4..<8) == "ftyp", let brand = ascii(8..<12) {
            switch brand {
            case "heic", "heix", "hevc", "hevx", "heim", "heis": return "heic"
            case "avif", "avis": return "avif"
            case "mif1", "msf1", "heif": return ext == "heic" ? "heic" : "heif"
            default: return nil
            }
        }
        return nil
    }

    /// Whether `argument` names a file rather than a URL SeedGate takes as it is (http(s), data:, asset://).
    public static func isLocalFile(_ argument: String) -> Bool {
        let lower = argument.lowercased()
        return !["http://", "https://", "data:", "asset://"].contains { lower.hasPrefix($0) }
    }
}
