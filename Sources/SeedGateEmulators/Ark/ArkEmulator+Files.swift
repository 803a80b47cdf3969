import Foundation
import Hummingbird

/// Result files the shared `/emulator/files/` route does not serve: Seedance 2.5's `.mov` videos (`output_format: mov`)
/// and `.jpeg` last frames (the newest Ark page says JPEG, the 2.0-era pages PNG: seedance-2.md §3, seedance-2.md §17 (conflict 2)).
extension ArkEmulator {
    static let arkFilesPath = "/emulator/ark-files"

    /// A few bytes that start like a QuickTime file (`ftyp` brand `qt  `, then a `free` box): enough for a download check.
    static let movBytes: [UInt8] = [
        0x00, 0x00, 0x00, 0x14, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20, 0x00, 0x00, 0x02, 0x00,
        0x71, 0x74, 0x20, 0x20, 0x00, 0x00, 0x00, 0x08, 0x66, 0x72, 0x65, 0x65,
    ]

    /// A few bytes that start like a JPEG (start-of-image, a JFIF APP0 segment) and end like one (end-of-image).
    static let jpegBytes: [UInt8] = [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
        0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
    ]

    /// `GET /emulator/ark-files/{taskID}.mov|.jpeg`, served while the task exists and has succeeded (no authentication).
    static func addArkFileRoutes(to router: Router<EmulatorRequestContext>, book: EmulatedTaskBook<ArkTaskSpec>) {
        router.get("\(arkFilesPath)/:file") { _, context -> Response in
            let file = context.parameters.get("file") ?? ""
            let (bytes, type, taskID): ([UInt8], String, String)
            if file.hasSuffix(".mov") {
                (bytes, type, taskID) = (movBytes, "video/quicktime", String(file.dropLast(4)))
            } else if file.hasSuffix(".jpeg") {
                (bytes, type, taskID) = (jpegBytes, "image/jpeg", String(file.dropLast(5)))
            } else {
                return Response(status: .notFound)
            }
            guard let state = await book.peek(taskID), state.status == .succeeded else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
