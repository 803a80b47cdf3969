import Foundation
import Hummingbird
import SeedGateCore

/// One provider route the fault middleware acts on: a create or a status read (one task or a batch).
struct FaultRoute: Sendable {
    enum Operation: Sendable, Equatable {
        case create
        case statusRead
    }

    let method: HTTPRequest.Method
    /// The path's segments; a segment starting with `:` matches any one segment.
    let segments: [String]
    let operation: Operation

    static func create(_ method: HTTPRequest.Method, _ path: String) -> FaultRoute {
        FaultRoute(method: method, segments: Self.segments(path), operation: .create)
    }

    static func statusRead(_ method: HTTPRequest.Method, _ path: String) -> FaultRoute {
        FaultRoute(method: method, segments: Self.segments(path), operation: .statusRead)
    }

    func matches(_ request: Request) -> Bool {
        guard request.method == method else { return false }
        let requested = Self.segments(request.uri.path)
        guard requested.count == segments.count else { return false }
        return zip(segments, requested).allSatisfy { pattern, segment in pattern.hasPrefix(":") || pattern == segment }
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}

/// What one emulator tells the shared fault middleware (`EmulatorFaultInjection`) about its provider: which routes
/// are creates and status reads, the provider's own rate-limit and internal-error answers, and where a read answer
/// carries the status word. Everything else about faults is shared.
protocol EmulatorFaultDialect: Sendable {
    /// The creates and status reads of the provider's API (other routes are left alone).
    var routes: [FaultRoute] { get }

    /// The provider's rate-limit answer to a create (`create_rate_limited`).
    func rateLimited(_ context: EmulatorRequestContext) -> Response

    /// The provider's internal-error answer to a create or a status read (`create_server_error`, `read_server_error`).
    func internalError(_ context: EmulatorRequestContext) -> Response

    /// Writes `word` as the status of every task in a read answer (`status_override`).
    func overrideStatus(_ word: String, in answer: inout JSONValue) async
}

extension EmulatorFaultDialect {
    /// The operation `request` performs, if it is one of `routes`.
    func operation(of request: Request) -> FaultRoute.Operation? {
        routes.first { $0.matches(request) }?.operation
    }
}
