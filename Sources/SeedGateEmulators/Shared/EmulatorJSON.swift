import Foundation

/// Any JSON value. AceData keeps each create body as sent (it echoes it as a task's `request`), and the fault
/// middleware rewrites the status word of a read answer through it.
enum EmulatorJSON: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([EmulatorJSON])
    case object([String: EmulatorJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([EmulatorJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: EmulatorJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member `key` of an object (nil for a missing key or a value that is no object).
    subscript(key: String) -> EmulatorJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// Writes `value` at `path`: a key steps into an object member (created when missing), `"*"` into every
    /// element of an array. A step that meets neither an object nor an array (for `"*"`) changes nothing.
    mutating func set(_ value: EmulatorJSON, at path: [String]) {
        guard let step = path.first else {
            self = value
            return
        }
        let rest = Array(path.dropFirst())
        switch self {
        case .array(var elements) where step == "*":
            for index in elements.indices { elements[index].set(value, at: rest) }
            self = .array(elements)
        case .object(var members) where step != "*":
            var member = members[step] ?? .object([:])
            member.set(value, at: rest)
            members[step] = member
            self = .object(members)
        default:
            break
        }
    }
}
