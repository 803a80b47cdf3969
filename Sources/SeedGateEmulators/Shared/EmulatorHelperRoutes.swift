import Foundation
import Hummingbird
import SeedGateCore

/// Routes every emulator serves besides its provider API: the result files (`EmulatorFileRoutes`), the counters, and
/// the fault and task-timing routes of `EmulatorFaultRoutes`.
enum EmulatorHelperRoutes {
    /// `GET`/`HEAD /emulator/files/{taskID}.mp4|.mov|.png|.jpeg` (`EmulatorFileRoutes`, links valid for
    /// `configuration.fileLifetime`), `GET /emulator/stats` (no authentication), plus `EmulatorFaultRoutes`.
    static func add<Spec: EmulatorResultSpec>(
        to router: Router<EmulatorRequestContext>, book: EmulatedTaskBook<Spec>, configuration: EmulatorConfiguration
    ) {
        EmulatorFileRoutes.add(to: router, book: book, lifetime: configuration.fileLifetime)
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
