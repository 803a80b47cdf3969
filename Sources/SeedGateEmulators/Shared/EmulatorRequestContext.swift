import Foundation
import Hummingbird
import NIOCore

/// The request context of every emulator route: Hummingbird's core storage plus a request id in the style of
/// Volcengine's (`02` + millisecond clock + 20 hex digits), echoed in `X-Request-Id` and in error messages.
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// This request's id.
    public let requestID: String
    /// The connection the request came on, kept so an injected fault can drop it.
    private let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = Self.makeRequestID()
        self.channel = source.channel
    }

    static func makeRequestID() -> String {
        let millis = UInt64(Date().timeIntervalSince1970 * 1000)
        let random = (0..<20).map { _ in String(UInt8.random(in: 0..<16), radix: 16) }.joined()
        return "02\(millis)\(random)"
    }

    /// Closes the client's connection at once, before any byte of a response is written: the client sees the
    /// connection closed while waiting for its answer. Whatever the handler answers afterwards is never sent.
    func dropConnection() async throws {
        do {
            try await channel.close(mode: .all)
        } catch ChannelError.alreadyClosed {
            // The client left first: the connection is gone either way.
        }
    }
}
