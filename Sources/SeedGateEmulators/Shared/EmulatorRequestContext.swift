import Foundation
import Hummingbird

/// The request context of every emulator route: Hummingbird's core storage plus a request id in the style of
/// Volcengine's (`02` + millisecond clock + 20 hex digits), echoed in `X-Request-Id` and in error messages.
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// This request's id.
    public let requestID: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = Self.makeRequestID()
    }

    static func makeRequestID() -> String {
        let millis = UInt64(Date().timeIntervalSince1970 * 1000)
        let random = (0..<20).map { _ in String(UInt8.random(in: 0..<16), radix: 16) }.joined()
        return "02\(millis)\(random)"
    }
}
