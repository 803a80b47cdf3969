import Foundation
import SeedGateServer
import SeedGateTesting
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Issue 12: a body over the limit is answered with a 413 and the connection is closed, also for a client that
/// sends its whole body before it reads anything (as Python's urllib and requests do). Such a client used to hang:
/// the server answered, stopped reading and kept the connection open. The client here is a blocking socket with
/// send and receive timeouts, so a regression fails the test instead of hanging it.
@Suite("Oversize request bodies")
struct OversizeBodyTests {
    static let limit = 1 << 20

    @Test("a Content-Length over the limit is answered 413 and the connection closed, the body dropped when small")
    func contentLengthOverTheLimit() async throws {
        try await withSmallLimit { port in
            // 1.5 × the limit, keep-alive asked for: the server reads the rest, answers, closes.
            let body = Array(repeating: UInt8(ascii: "x"), count: Self.limit * 3 / 2)
            let (sent, response, end) = try await onOwnThread {
                let connection = try RawConnection(port: port)
                let sent = try connection.send(Self.head(["Content-Length: \(body.count)"]) + body)
                return (sent, try connection.readResponse(), try connection.readEnd())
            }
            #expect(sent.failure == nil)
            try Self.expectRefusal(response)
            #expect(end == .eof)
        }
    }

    @Test("a Content-Length far over the limit is answered and cut off: the server does not read it")
    func contentLengthFarOverTheLimit() async throws {
        try await withSmallLimit { port in
            let body = Array(repeating: UInt8(ascii: "x"), count: 64 << 20)
            let (sent, response, end) = try await onOwnThread {
                let connection = try RawConnection(port: port)
                let sent = try connection.send(Self.head(["Content-Length: \(body.count)", "Connection: close"]) + body)
                return (sent, try connection.readResponse(), try connection.readEnd())
            }
            // The server closed on the body (socket buffers hold a few MB at most): the send failed part way.
            #expect(sent.count < body.count)
            #expect(sent.failure != nil)
            try Self.expectRefusal(response)
            #expect(end != .open)
        }
    }

    @Test("a chunked body that grows over the limit is answered 413 and the connection closed", arguments: [3, 16])
    func chunkedOverTheLimit(halves: Int) async throws {
        let size = Self.limit * halves / 2
        try await withSmallLimit { port in
            let (response, end) = try await onOwnThread {
                let connection = try RawConnection(port: port)
                let head = Self.head(["Transfer-Encoding: chunked", "Connection: close"])
                _ = try connection.send(head + Self.chunked(count: size) + Array("0\r\n\r\n".utf8))
                return (try connection.readResponse(), try connection.readEnd())
            }
            try Self.expectRefusal(response)
            // Within twice the limit the whole body is read (a clean close); beyond it, it is cut off.
            #expect(size <= 2 * Self.limit ? end == .eof : end != .open)
        }
    }

    @Test("a chunked body is answered once the limit is crossed, and closed even if the client stops sending")
    func chunkedAnsweredWhenTheLimitIsCrossed() async throws {
        try await withSmallLimit { port in
            let (response, end) = try await onOwnThread {
                // The server waits 2 s at most for the rest of a refused body; 30 s leaves room for a loaded machine.
                let connection = try RawConnection(port: port, timeoutSeconds: 30)
                // Just over the limit and no last chunk: the body never ends.
                _ = try connection.send(Self.head(["Transfer-Encoding: chunked"]) + Self.chunked(count: Self.limit + (64 << 10)))
                return (try connection.readResponse(), try connection.readEnd())
            }
            try Self.expectRefusal(response)
            // Closed by the server while the client still holds its end open.
            #expect(end == .eof)
        }
    }

    @Test("a body under the limit is handled, and a second request on the same connection is too")
    func underTheLimitKeepsTheConnection() async throws {
        try await withSmallLimit { port in
            // A valid create padded with JSON whitespace to nearly the limit, so it arrives in many parts.
            let json = #"{"model":"seedance-1.5-pro","prompt":"a kitten yawns","duration":5}"#
            let body = Array(json.utf8) + Array(repeating: UInt8(ascii: " "), count: Self.limit - json.utf8.count - 16)
            let (created, read) = try await onOwnThread {
                let connection = try RawConnection(port: port)
                let created = try connection.exchange(Self.head(["Content-Length: \(body.count)", "Content-Type: application/json"]) + body)
                let id = (try? JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])?["id"] as? String ?? "none"
                return (created, try connection.exchange(Array("GET /v1/jobs/\(id) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)))
            }
            #expect(created.status == 202)
            #expect(created.headers["connection"] != "close")
            let id = try #require((try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])?["id"] as? String)
            #expect(read.status == 200)
            #expect(String(decoding: read.body, as: UTF8.self).contains(id))
        }
    }

    // MARK: Helpers

    /// Runs the embedded server with a 1 MiB body limit.
    private func withSmallLimit(_ body: (Int) async throws -> Void) async throws {
        var configuration = ServerConfiguration()
        configuration.sqlitePath = temporaryDatabase()
        configuration.catalogDirectory = repositoryRoot.appendingPathComponent("Providers").path
        configuration.maxBodyBytes = Self.limit
        try await withRunningServer(configuration) { server in try await body(server.port) }
    }

    /// Runs blocking socket code on a thread of its own: blocking the cooperative pool (two threads on a two-core
    /// machine) would starve the server running in this process.
    private func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    private static func head(_ fields: [String], path: String = "/v1/jobs") -> [UInt8] {
        Array((["POST \(path) HTTP/1.1", "Host: 127.0.0.1"] + fields).joined(separator: "\r\n").utf8) + Array("\r\n\r\n".utf8)
    }

    /// `count` bytes of body in 64 KiB chunks, without the last chunk.
    private static func chunked(count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var left = count
        while left > 0 {
            let size = min(left, 64 << 10)
            bytes += Array("\(String(size, radix: 16))\r\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: size) + Array("\r\n".utf8)
            left -= size
        }
        return bytes
    }

    private static func expectRefusal(_ response: RawResponse) throws {
        #expect(response.status == 413)
        #expect(response.headers["content-type"] == "application/problem+json")
        #expect(response.headers["connection"] == "close")
        let problem = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(problem?["code"] as? String == "payload_too_large")
        #expect((problem?["detail"] as? String)?.contains("\(limit) bytes") == true)
    }
}

/// A response as read off the socket; header names lowercased.
struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
}

/// A blocking TCP connection to 127.0.0.1 with send and receive timeouts (a timeout throws).
final class RawConnection {
    enum End: Equatable { case eof, reset, open }
    struct Failure: Error, CustomStringConvertible { var description: String }

    private let socket: Int32
    private var buffered: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 10) throws {
        #if canImport(Glibc)
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
            var on: Int32 = 1
            setsockopt(socket, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
        guard socket >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port).bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw Failure(description: "connect: errno \(errno)")
        }
    }

    deinit { close(socket) }

    /// Sends all of `bytes`, or as much as the server takes before it closes (then `failure` is the errno).
    func send(_ bytes: [UInt8]) throws -> (count: Int, failure: Int32?) {
        #if canImport(Glibc)
            // An EPIPE, not a SIGPIPE that would end the test process.
            let flags = Int32(MSG_NOSIGNAL)
            let systemSend = Glibc.send
        #else
            // SO_NOSIGPIPE is set instead.
            let flags: Int32 = 0
            let systemSend = Darwin.send
        #endif
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { systemSend(socket, $0.baseAddress! + sent, min(bytes.count - sent, 1 << 16), flags) }
            if n >= 0 {
                sent += n
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw Failure(description: "send timed out after \(sent) bytes: the server neither reads nor closes")
            } else {
                return (sent, errno)
            }
        }
        return (sent, nil)
    }

    /// Sends a request and reads its response.
    func exchange(_ request: [UInt8]) throws -> RawResponse {
        let sent = try send(request)
        guard sent.failure == nil else { throw Failure(description: "send failed: errno \(sent.failure!)") }
        return try readResponse()
    }

    /// Reads one response (body by Content-Length or chunked).
    func readResponse() throws -> RawResponse {
        let headEnd = try readUntil(Array("\r\n\r\n".utf8))
        let lines = String(decoding: take(headEnd), as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                let sizeLine = String(decoding: take(try readUntil(Array("\r\n".utf8))), as: UTF8.self)
                let size = Int(sizeLine.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first ?? "", radix: 16) ?? 0
                if size == 0 {
                    _ = take(try readUntil(Array("\r\n".utf8)))
                    break
                }
                try fill(size + 2)
                body += take(size + 2).dropLast(2)
            }
        } else {
            let length = Int(headers["content-length"] ?? "0") ?? 0
            try fill(length)
            body = take(length)
        }
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// What comes after the response: EOF, a reset, or (after the receive timeout) nothing at all.
    func readEnd() throws -> End {
        guard buffered.isEmpty else { throw Failure(description: "\(buffered.count) unexpected bytes after the response") }
        var byte: UInt8 = 0
        let n = recv(socket, &byte, 1, 0)
        if n == 0 { return .eof }
        if n > 0 { throw Failure(description: "unexpected bytes after the response") }
        if errno == ECONNRESET { return .reset }
        if errno == EAGAIN || errno == EWOULDBLOCK { return .open }
        throw Failure(description: "recv: errno \(errno)")
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        while true {
            if buffered.count >= marker.count {
                for start in 0...(buffered.count - marker.count) where Array(buffered[start..<start + marker.count]) == marker {
                    return start + marker.count
                }
            }
            try receiveMore()
        }
    }

    private func fill(_ count: Int) throws {
        while buffered.count < count { try receiveMore() }
    }

    private func take(_ count: Int) -> [UInt8] {
        defer { buffered.removeFirst(count) }
        return Array(buffered.prefix(count))
    }

    private func receiveMore() throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffered += chunk.prefix(n)
        } else if n == 0 {
            throw Failure(description: "EOF before a complete response")
        } else if errno == EAGAIN || errno == EWOULDBLOCK {
            throw Failure(description: "receive timed out: no response")
        } else {
            throw Failure(description: "recv: errno \(errno)")
        }
    }
}
