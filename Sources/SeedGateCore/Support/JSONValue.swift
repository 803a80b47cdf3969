import Foundation

/// Any JSON value, compared by meaning: object key order and number spelling (`5` vs `5.0`) do not matter,
/// `true` is not `1`. Emulators keep bodies as sent and rewrite answers through it; tests hold recorded wire bodies
/// as these and compare what was sent with what was recorded.
public enum JSONValue: Codable, Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses a body; nil when it is not JSON.
    public init?(data: Data) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else { return nil }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON with sorted keys.
    public func data() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }

    public var description: String { String(decoding: data(), as: UTF8.self) }

    /// Where `self` differs from `other`, as `$.path: self-value ≠ other-value` lines (empty when equal).
    public func differences(from other: JSONValue, at path: String = "$") -> [String] {
        switch (self, other) {
        case (.object(let left), .object(let right)):
            return Set(left.keys).union(right.keys).sorted().flatMap { key -> [String] in
                let keyPath = "\(path).\(key)"
                switch (left[key], right[key]) {
                case (let value?, let otherValue?): return value.differences(from: otherValue, at: keyPath)
                case (let value?, nil): return ["\(keyPath): \(value) ≠ <absent>"]
                case (nil, let otherValue?): return ["\(keyPath): <absent> ≠ \(otherValue)"]
                case (nil, nil): return []
                }
            }
        case (.array(let left), .array(let right)) where left.count == right.count:
            return zip(left, right).enumerated().flatMap { index, pair in pair.0.differences(from: pair.1, at: "\(path)[\(index)]") }
        default:
            return self == other ? [] : ["\(path): \(self) ≠ \(other)"]
        }
    }

    private var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let left), .bool(let right)): left == right
        case (.string(let left), .string(let right)): left == right
        case (.array(let left), .array(let right)): left == right
        case (.object(let left), .object(let right)): left == right
        default: lhs.number != nil && lhs.number == rhs.number
        }
    }

    /// The member `key` of an object (nil for a missing key or a value that is no object).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The value when it is a string.
    public var string: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// Writes `value` at `path`: a key steps into an object member (created when missing), `"*"` into every
    /// element of an array. A step that meets neither an object nor an array (for `"*"`) changes nothing.
    public mutating func set(_ value: JSONValue, at path: [String]) {
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

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
