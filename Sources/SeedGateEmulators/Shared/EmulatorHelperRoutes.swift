import Foundation
import Hummingbird
import SeedGateCore

/// Routes every emulator serves besides its provider API: fake result files, the counters, and the fault and
/// task-timing routes of `EmulatorFaultRoutes`.
enum EmulatorHelperRoutes {
    /// A few bytes that start like an MP4 (`ftyp` + `free` boxes); enough for a download check.
    static let videoBytes: [UInt8] = [
        0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D, 0x00, 0x00, 0x02, 0x00,
        0x69, 0x73, 0x6F, 0x6D, 0x6D, 0x70, 0x34, 0x31, 0x00, 0x00, 0x00, 0x08, 0x66, 0x72, 0x65, 0x65,
    ]

    /// A 1×1 PNG.
    static let pngBytes: [UInt8] = Array(
        Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==") ?? Data())

    /// `GET /emulator/files/{taskID}.mp4|.png` (served while the task exists and has succeeded) and
    /// `GET /emulator/stats` (no authentication), plus `EmulatorFaultRoutes`.
    static func add<Spec: Sendable>(to router: Router<EmulatorRequestContext>, book: EmulatedTaskBook<Spec>) {
        router.get("/emulator/files/:file") { _, context -> Response in
            let file = context.parameters.get("file") ?? ""
            let (bytes, type): ([UInt8], String)
            let taskID: String
            if file.hasSuffix(".mp4") {
                (bytes, type, taskID) = (videoBytes, "video/mp4", String(file.dropLast(4)))
            } else if file.hasSuffix(".png") {
                (bytes, type, taskID) = (pngBytes, "image/png", String(file.dropLast(4)))
            } else {
                return Response(status: .notFound)
            }
            guard let state = await book.peek(taskID), state.status == .succeeded else { return Response(status: .notFound) }
            return Response(
                status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
        router.get("/emulator/stats") { _, _ -> Response in
            jsonResponse(.ok, try JSONEncoder().encode(await book.counters()))
        }
        EmulatorFaultRoutes.add(to: router, book: book)
    }

    static func jsonResponse(_ status: HTTPResponse.Status, _ body: Data, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
