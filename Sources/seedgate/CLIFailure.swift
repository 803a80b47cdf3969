import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import OpenAPIRuntime
import SeedGateClient

/// How the client commands end, as exit statuses (documented in docs/cli.md and `seedgate --help`).
enum ClientExit {
    static let refused: Int32 = 1
    static let jobUnsuccessful: Int32 = 2
    static let unavailable: Int32 = 3
    static let usage: Int32 = 64
    static let cannotWrite: Int32 = 74
}

/// A failure of a client command: its message for standard error and its exit status.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    var exitCode: Int32

    static func usage(_ message: String) -> CLIFailure { CLIFailure(description: message, exitCode: ClientExit.usage) }
    static func unavailable(_ message: String) -> CLIFailure { CLIFailure(description: message, exitCode: ClientExit.unavailable) }
    static func cannotWrite(_ message: String) -> CLIFailure { CLIFailure(description: message, exitCode: ClientExit.cannotWrite) }

    /// Runs a client command's body: any failure is one line on standard error (`seedgate: …`) and its exit status.
    /// The API key is in no message: errors are described from their cause, never from the request.
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as ValidationError {
            throw error
        } catch {
            let failure = CLIFailure(error)
            FileHandle.standardError.write(Data("seedgate: \(failure.description)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
    }

    init(description: String, exitCode: Int32) {
        self.description = description
        self.exitCode = exitCode
    }

    /// The failure `error` means: a problem answer by its status (4xx refused, 5xx unavailable), an unreachable or
    /// slow server unavailable, our own failures as they are.
    init(_ error: any Error) {
        if let failure = error as? CLIFailure {
            self = failure
        } else if let problem = SeedGateProblem.unwrap(error) {
            var text = "\(problem.status) \(problem.description)"
            if let id = problem.problem.requestId { text += " [request \(id)]" }
            self.init(description: text, exitCode: problem.isClientError ? ClientExit.refused : ClientExit.unavailable)
        } else if let wrapped = error as? ClientError {
            self.init(description: "\(wrapped.operationID): \(Self.describe(wrapped.underlyingError))", exitCode: ClientExit.unavailable)
        } else {
            self.init(description: Self.describe(error), exitCode: ClientExit.unavailable)
        }
    }

    /// A cause in words: timeouts and decoding errors said plainly, others as their libraries describe them.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            return "no answer in time (\(error))"
        case is DecodingError:
            return "unexpected answer from the server: \(error)"
        default:
            return "\(error)"
        }
    }

    /// When `error` is a failure to connect (nothing listening, no route, a name that does not resolve, TLS), the
    /// failure saying so with the URL; nil for anything else.
    static func connection(_ error: any Error, url: URL) -> CLIFailure? {
        let cause = (error as? ClientError)?.underlyingError ?? error
        let reason: String
        switch cause {
        case let io as IOError: reason = String(cString: strerror(io.errnoCode))
        case let error as HTTPClientError where error == .connectTimeout: reason = "connect timed out"
        case is NIOConnectionError, is ChannelError, is HTTPClientError: reason = "\(cause)"
        default:
            let type = String(describing: Swift.type(of: cause))
            guard type.contains("SSL") || type.contains("TLS") || type.contains("Resolution") else { return nil }
            reason = "\(cause)"
        }
        return .unavailable("cannot reach SeedGate at \(url.absoluteString): \(reason)")
    }
}
