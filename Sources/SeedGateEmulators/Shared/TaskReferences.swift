import Foundation
import Hummingbird
import NIOCore

/// Which client job each task came from, for chaos and load tests that must tie every task an emulator made (and a
/// real provider would bill) to the job that caused it, even when the create's answer never reached the client.
///
/// Off by default. No provider keeps such a record or offers a lookup by client reference
/// (docs/create-outcomes.md), so while it is off the emulator behaves exactly as before and reads no request body
/// it would not read anyway. Once on, the shared fault middleware (`EmulatorFaultInjection`) reads each
/// authenticated create's body before the provider's handler does and, when the handler made a task, records the
/// body's first `[[ref:TOKEN]]` marker (TOKEN: 1 to 64 of `A-Z a-z 0-9 _ -`), in whatever field it sits, against
/// the task id. That happens before any injected answer fault (a delay, a drop, a gateway's 504) is served, so the
/// task of a create whose answer is lost is recorded too. Like every prompt marker, it stays in the text.
///
/// Served without authentication, beside `/emulator/faults`:
/// - `GET /emulator/references`: `{"record": Bool, "tasks": [{"id", "reference"}]}`, in creation order; only tasks
///   made while recording whose create carried a marker.
/// - `POST /emulator/references` with `{"record": Bool}`: switches recording, then answers as `GET`.
/// - `DELETE /emulator/references`: forgets what was recorded (recording stays as it was); answers as `GET`.
public actor TaskReferences {
    private var recording = false
    private var references: [TaskReference] = []

    public init() {}

    public var isRecording: Bool { recording }

    public func setRecording(_ on: Bool) { recording = on }

    public func record(taskID: String, reference: String) {
        references.append(TaskReference(id: taskID, reference: reference))
    }

    public func forget() { references.removeAll() }

    public func all() -> [TaskReference] { references }

    static let opening = Array("[[ref:".utf8)
    static let maxLength = 64

    /// The token of the first well-formed `[[ref:TOKEN]]` in `bytes`, if any.
    public static func reference(in bytes: [UInt8]) -> String? {
        var start = 0
        while let found = firstIndex(of: opening, in: bytes, from: start) {
            var end = found + opening.count
            while end < bytes.count, end - found - opening.count < maxLength, isTokenByte(bytes[end]) { end += 1 }
            let token = bytes[(found + opening.count)..<end]
            if !token.isEmpty, end + 1 < bytes.count, bytes[end] == UInt8(ascii: "]"), bytes[end + 1] == UInt8(ascii: "]") {
                return String(decoding: token, as: UTF8.self)
            }
            start = found + 1
        }
        return nil
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        for index in start...(bytes.count - needle.count) where bytes[index] == needle[0] {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
        }
        return nil
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

/// One task of `GET /emulator/references`.
public struct TaskReference: Sendable, Equatable, Encodable {
    public var id: String
    public var reference: String
}

/// The create-side half: what the fault middleware does around a create when references are recorded.
extension TaskReferences {
    /// Largest create body read for a reference: the largest any emulator accepts (Ark's and ModelVerse's 64 MiB),
    /// so reading it first never refuses a create the provider's handler would take.
    static let maxBodyBytes = 64 << 20

    /// While recording, reads `request`'s body (leaving it readable for the handler) and returns its reference.
    nonisolated func reference(reading request: inout Request) async throws -> String? {
        guard await isRecording else { return nil }
        let body = try await request.collectBody(upTo: Self.maxBodyBytes)
        return Self.reference(in: Array(body.readableBytesView))
    }
}

/// `GET`, `POST` and `DELETE /emulator/references` (see `TaskReferences`).
enum TaskReferenceRoutes {
    struct Switch: Decodable {
        var record: Bool
    }

    struct Listing: Encodable {
        var record: Bool
        var tasks: [TaskReference]
    }

    static func add(to router: Router<EmulatorRequestContext>, references: TaskReferences) {
        router.get("/emulator/references") { _, _ -> Response in
            await listing(references)
        }
        router.post("/emulator/references") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 12)
            guard let change = try? JSONDecoder().decode(Switch.self, from: Data(body.readableBytesView)) else {
                return EmulatorHelperRoutes.jsonResponse(.badRequest, Data(#"{"error":"the body must be {\"record\": true|false}"}"#.utf8))
            }
            await references.setRecording(change.record)
            return await listing(references)
        }
        router.delete("/emulator/references") { _, _ -> Response in
            await references.forget()
            return await listing(references)
        }
    }

    private static func listing(_ references: TaskReferences) async -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let value = Listing(record: await references.isRecording, tasks: await references.all())
        return EmulatorHelperRoutes.jsonResponse(.ok, (try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}
