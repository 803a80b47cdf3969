import Foundation

/// SeedGate's own job identifier, `job_` followed by 26 lower-case Crockford base32 characters:
/// 10 encode the creation time in milliseconds (so ids sort by age), 16 are random.
/// It is never the upstream provider's task id.
public struct JobID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public static let prefix = "job_"
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    /// Accepts only well-formed ids, so a malformed path parameter can be answered with 404 without a lookup.
    public init?(_ rawValue: String) {
        guard rawValue.hasPrefix(Self.prefix), rawValue.count == Self.prefix.count + 26,
            rawValue.dropFirst(Self.prefix.count).allSatisfy({ Self.alphabet.contains($0) })
        else { return nil }
        self.rawValue = rawValue
    }

    public static func generate(at date: Date = Date()) -> JobID {
        var generator = SystemRandomNumberGenerator()
        return generate(at: date, using: &generator)
    }

    public static func generate(at date: Date, using generator: inout some RandomNumberGenerator) -> JobID {
        var millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var timePart = [Character](repeating: "0", count: 10)
        for index in stride(from: 9, through: 0, by: -1) {
            timePart[index] = alphabet[Int(millis & 31)]
            millis >>= 5
        }
        let randomPart = (0..<16).map { _ in alphabet[Int(generator.next() & 31)] }
        return JobID(unchecked: prefix + String(timePart) + String(randomPart))
    }

    private init(unchecked rawValue: String) { self.rawValue = rawValue }

    /// An id after every real one (for "everything before" queries such as the queue depth).
    public static let last = JobID(unchecked: prefix + String(repeating: "z", count: 26))

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let id = JobID(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a job id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }
}
