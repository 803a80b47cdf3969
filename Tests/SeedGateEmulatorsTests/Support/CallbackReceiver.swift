import Foundation
import Hummingbird
import Testing

/// What a test callback receiver got.
actor CallbackInbox {
    struct Delivery: Sendable {
        var body: Data
        var contentType: String?
        var accepted: Bool

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var status: String? { json["status"] as? String }
    }

    private(set) var deliveries: [Delivery] = []
    private var refusalsLeft: Int

    init(refuseFirst: Int) { refusalsLeft = refuseFirst }

    /// Records a delivery; the first `refuseFirst` are answered 500.
    func receive(_ body: Data, contentType: String?) -> Bool {
        let accepted = refusalsLeft == 0
        refusalsLeft = max(0, refusalsLeft - 1)
        deliveries.append(Delivery(body: body, contentType: contentType, accepted: accepted))
        return accepted
    }

    /// Statuses of accepted deliveries, in arrival order.
    var acceptedStatuses: [String] { deliveries.filter(\.accepted).compactMap(\.status) }
}

/// Runs a tiny Hummingbird server that takes callbacks at `POST /hook` while `body` runs.
func withCallbackReceiver<T: Sendable>(
    refuseFirst: Int = 0, _ body: (_ url: String, _ inbox: CallbackInbox) async throws -> T
) async throws -> T {
    let inbox = CallbackInbox(refuseFirst: refuseFirst)
    let router = Router()
    router.post("/hook") { request, _ -> Response in
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let accepted = await inbox.receive(Data(buffer.readableBytesView), contentType: request.headers[.contentType])
        return Response(status: accepted ? .ok : .internalServerError)
    }
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let application = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in portSink.yield(channel.localAddress?.port ?? 0) }
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await application.run() }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        return try await body("http://127.0.0.1:\(port)/hook", inbox)
    }
}
