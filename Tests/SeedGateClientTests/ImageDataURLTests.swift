import Foundation
import SeedGateClient
import Testing

/// Local image files become `data:image/<format>;base64,…` URLs, typed by their first bytes.
@Suite struct ImageDataURLTests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52])
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0])
    static let webp = Data("RIFF\u{24}\0\0\0WEBPVP8 ".utf8)
    static let gif = Data("GIF89a\u{1}\0\u{1}\0".utf8)
    static let tiff = Data([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0])
    static let bmp = Data("BM".utf8) + Data(repeating: 0, count: 30)

    static func ftyp(_ brand: String) -> Data { Data([0, 0, 0, 0x18]) + Data("ftyp\(brand)".utf8) + Data(repeating: 0, count: 8) }

    @Test(arguments: [
        (png, "png"), (jpeg, "jpeg"), (webp, "webp"), (gif, "gif"), (tiff, "tiff"), (bmp, "bmp"),
        (ftyp("heic"), "heic"), (ftyp("mif1"), "heif"), (ftyp("avif"), "avif"),
    ])
    func formatsAreReadFromTheFirstBytes(bytes: Data, format: String) {
        #expect(ImageDataURL.format(of: bytes) == format)
    }

    @Test func aPNGBecomesAnImagePNGDataURLOfItsBytes() throws {
        let url = try ImageDataURL.make(Self.png, path: "photo.png")
        #expect(url == "data:image/png;base64,\(Self.png.base64EncodedString())")
    }

    @Test func theBytesWinOverAMisleadingExtension() throws {
        #expect(try ImageDataURL.make(Self.jpeg, path: "photo.png").hasPrefix("data:image/jpeg;base64,"))
    }

    @Test func theExtensionOnlyBreaksTheHEIFTie() throws {
        #expect(try ImageDataURL.make(Self.ftyp("mif1"), path: "a.heic").hasPrefix("data:image/heic;base64,"))
        #expect(try ImageDataURL.make(Self.ftyp("mif1"), path: "a.heif").hasPrefix("data:image/heif;base64,"))
    }

    @Test func whatIsNoImageOrNoImageSeedGateTakesIsRefusedBeforeSending() {
        #expect(throws: ImageDataURL.Failure.notAnImage(path: "notes.png")) { try ImageDataURL.make(Data("hello".utf8), path: "notes.png") }
        #expect(throws: ImageDataURL.Failure.unsupported(path: "a.avif", format: "avif")) { try ImageDataURL.make(Self.ftyp("avif"), path: "a.avif") }
        #expect(throws: ImageDataURL.Failure.empty(path: "e.png")) { try ImageDataURL.make(Data(), path: "e.png") }
        let big = Self.png + Data(count: ImageDataURL.maxBytes)
        #expect(throws: ImageDataURL.Failure.tooLarge(path: "big.png", bytes: big.count)) { try ImageDataURL.make(big, path: "big.png") }
    }

    @Test func aFileIsReadAndAMissingOneNamed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("image-\(UUID().uuidString).png").path
        try Self.png.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ImageDataURL.make(contentsOf: path).hasPrefix("data:image/png;base64,"))
        do {
            _ = try ImageDataURL.make(contentsOf: path + ".missing")
            Issue.record("a missing file was read")
        } catch {
            #expect(error.description.contains(path + ".missing"))
        }
    }

    @Test func urlsAreSentAsTheyAre() {
        for url in ["https://assets.example/a.png", "HTTP://x/y.jpg", "data:image/png;base64,AAAA", "asset://asset-123"] {
            #expect(!ImageDataURL.isLocalFile(url))
        }
        for path in ["./photo.png", "/tmp/a.jpg", "photo.png", "c:/x.png"] { #expect(ImageDataURL.isLocalFile(path)) }
    }
}
