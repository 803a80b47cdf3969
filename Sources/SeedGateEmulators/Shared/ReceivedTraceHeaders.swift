import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// The W3C `traceparent` header of the last creates and status reads an emulator received, so a test can check that
/// SeedGate's trace reached the provider. Recorded by the shared fault middleware (`EmulatorFaultInjection`, which
/// knows each emulator's create and status-read routes), for authenticated requests only; the newest
/// `ReceivedTraceHeaders.kept` per operation are kept, oldest first, nil where the request had no such header.
///
/// Served without authentication, beside `/emulator/faults`:
/// - `GET /emulator/traces`: `{"create": [String|null], "status_read": [String|null]}`.
/// - `DELETE /emulator/traces`: forgets them; answers as `GET`.
public final class ReceivedTraceHeaders: Sendable {
    /// How many values are kept per operation.
    public static let kept = 32

    public struct Snapshot: Sendable, Equatable, Codable {
        public var create: [String?]
        public var statusRead: [String?]

        enum CodingKeys: String, CodingKey {
            case create
            case statusRead = "status_read"
        }

        // Explicit, so a missing header is written as `null` rather than dropped.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(create, forKey: .create)
            try container.encode(statusRead, forKey: .statusRead)
        }
    }

    private let state = Mutex(Snapshot(create: [], statusRead: []))

    public init() {}

    /// What was received so far.
    public func snapshot() -> Snapshot { state.withLock { $0 } }

    public func forget() { state.withLock { $0 = Snapshot(create: [], statusRead: []) } }

    func record(_ operation: FaultRoute.Operation, traceParent: String?) {
        state.withLock { snapshot in
            switch operation {
            case .create: Self.append(traceParent, to: &snapshot.create)
            case .statusRead: Self.append(traceParent, to: &snapshot.statusRead)
            }
        }
    }

    private static func append(_ value: String?, to values: inout [String?]) {
        values.append(value)
        if values.count > kept { values.removeFirst(values.count - kept) }
    }
}

enum ReceivedTraceHeaderRoutes {
    static func add(to router: Router<EmulatorRequestContext>, traces: ReceivedTraceHeaders) {
        router.get("/emulator/traces") { _, _ -> Response in answer(traces) }
        router.delete("/emulator/traces") { _, _ -> Response in
            traces.forget()
            return answer(traces)
        }
    }

    private static func answer(_ traces: ReceivedTraceHeaders) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return EmulatorHelperRoutes.jsonResponse(.ok, (try? encoder.encode(traces.snapshot())) ?? Data("{}".utf8))
    }
}

extension HTTPField.Name {
    static let traceParent = HTTPField.Name("traceparent")!
}
