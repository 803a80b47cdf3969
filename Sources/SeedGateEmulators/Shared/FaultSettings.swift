import Foundation

/// A change to an emulator's fault plan, as `POST /emulator/faults` carries it. Every key is optional and
/// absent (or `null`) keys leave their fault unchanged; a count sets how many of the next matching requests
/// the fault hits (it is not added to what is left). Unknown keys are refused, so a typo never passes silently.
///
/// | Key | Effect on the next N requests |
/// |---|---|
/// | `create_rate_limited: N` | creates answer the provider's rate-limit error, creating nothing |
/// | `create_server_error: N` | creates answer the provider's 500 error, creating nothing |
/// | `create_delay_ms: M`, `create_delay_count: N` | creates create the task, then wait M ms before answering |
/// | `create_drop: N` | creates create the task, then close the connection without any response byte |
/// | `create_gateway_timeout: N` | creates create the task, then a gateway in front answers 504 with an HTML page |
/// | `read_malformed: N` | status reads answer 200 with a body that is not JSON |
/// | `read_server_error: N` | status reads answer the provider's 500 error |
/// | `read_delay_ms: M`, `read_delay_count: N` | status reads wait M ms, then answer |
/// | `status_override: "word"`, `status_override_count: N` | status reads report `word` as every task's status |
/// | `drop_callbacks: Bool` | while true, callback events are lost (never sent) |
/// | `duplicate_callbacks: Bool` | while true, every callback event is sent twice |
///
/// A delay or override given without its count arms one request; a count given alone reuses the delay or
/// word already set (and is refused when there is none).
public struct FaultSettings: Sendable, Equatable, Decodable {
    public var createRateLimited: Int?
    public var createServerError: Int?
    public var createDelayMs: Int?
    public var createDelayCount: Int?
    public var createDrop: Int?
    public var createGatewayTimeout: Int?
    public var readMalformed: Int?
    public var readServerError: Int?
    public var readDelayMs: Int?
    public var readDelayCount: Int?
    public var statusOverride: String?
    public var statusOverrideCount: Int?
    public var dropCallbacks: Bool?
    public var duplicateCallbacks: Bool?

    /// Longest delay accepted, in milliseconds (ten minutes).
    public static let maxDelayMs = 600_000

    public init(
        createRateLimited: Int? = nil, createServerError: Int? = nil, createDelayMs: Int? = nil, createDelayCount: Int? = nil,
        createDrop: Int? = nil, readMalformed: Int? = nil, readServerError: Int? = nil, readDelayMs: Int? = nil,
        readDelayCount: Int? = nil, statusOverride: String? = nil, statusOverrideCount: Int? = nil,
        dropCallbacks: Bool? = nil, duplicateCallbacks: Bool? = nil, createGatewayTimeout: Int? = nil
    ) {
        self.createRateLimited = createRateLimited
        self.createServerError = createServerError
        self.createDelayMs = createDelayMs
        self.createDelayCount = createDelayCount
        self.createDrop = createDrop
        self.createGatewayTimeout = createGatewayTimeout
        self.readMalformed = readMalformed
        self.readServerError = readServerError
        self.readDelayMs = readDelayMs
        self.readDelayCount = readDelayCount
        self.statusOverride = statusOverride
        self.statusOverrideCount = statusOverrideCount
        self.dropCallbacks = dropCallbacks
        self.duplicateCallbacks = duplicateCallbacks
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case createRateLimited = "create_rate_limited"
        case createServerError = "create_server_error"
        case createDelayMs = "create_delay_ms"
        case createDelayCount = "create_delay_count"
        case createDrop = "create_drop"
        case createGatewayTimeout = "create_gateway_timeout"
        case readMalformed = "read_malformed"
        case readServerError = "read_server_error"
        case readDelayMs = "read_delay_ms"
        case readDelayCount = "read_delay_count"
        case statusOverride = "status_override"
        case statusOverrideCount = "status_override_count"
        case dropCallbacks = "drop_callbacks"
        case duplicateCallbacks = "duplicate_callbacks"
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.container(keyedBy: AnyKey.self)
        let unknown = raw.allKeys.map(\.stringValue).filter { CodingKeys(rawValue: $0) == nil }.sorted()
        if !unknown.isEmpty { throw FaultSettingsError("unknown keys: \(unknown.joined(separator: ", "))") }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func count(_ key: CodingKeys, upTo limit: Int = Int(Int32.max)) throws -> Int? {
            guard let value = try container.decodeIfPresent(Int.self, forKey: key) else { return nil }
            guard (0...limit).contains(value) else { throw FaultSettingsError("\(key.rawValue) must be between 0 and \(limit)") }
            return value
        }
        createRateLimited = try count(.createRateLimited)
        createServerError = try count(.createServerError)
        createDelayMs = try count(.createDelayMs, upTo: Self.maxDelayMs)
        createDelayCount = try count(.createDelayCount)
        createDrop = try count(.createDrop)
        createGatewayTimeout = try count(.createGatewayTimeout)
        readMalformed = try count(.readMalformed)
        readServerError = try count(.readServerError)
        readDelayMs = try count(.readDelayMs, upTo: Self.maxDelayMs)
        readDelayCount = try count(.readDelayCount)
        statusOverride = try container.decodeIfPresent(String.self, forKey: .statusOverride)
        if statusOverride?.isEmpty == true { throw FaultSettingsError("status_override must not be empty") }
        statusOverrideCount = try count(.statusOverrideCount)
        dropCallbacks = try container.decodeIfPresent(Bool.self, forKey: .dropCallbacks)
        duplicateCallbacks = try container.decodeIfPresent(Bool.self, forKey: .duplicateCallbacks)
    }

    /// The fault kinds these settings touch (a key set to zero or false touches its kind too).
    var kinds: FaultKinds {
        var kinds: FaultKinds = []
        if [createRateLimited, createServerError, createDelayMs, createDelayCount, createDrop, createGatewayTimeout].contains(where: { $0 != nil }) {
            kinds.insert(.create)
        }
        if [readMalformed, readServerError, readDelayMs, readDelayCount, statusOverrideCount].contains(where: { $0 != nil })
            || statusOverride != nil
        {
            kinds.insert(.read)
        }
        if dropCallbacks != nil || duplicateCallbacks != nil { kinds.insert(.callbacks) }
        return kinds
    }

    /// Reads a `POST /emulator/faults` body (an empty body changes nothing).
    static func decode(_ data: Data) throws(FaultSettingsError) -> FaultSettings {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return FaultSettings() }
        do {
            return try JSONDecoder().decode(FaultSettings.self, from: data)
        } catch let error as FaultSettingsError {
            throw error
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw FaultSettingsError("\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch {
            throw FaultSettingsError("the body must be a JSON object")
        }
    }
}

/// Why a fault change was refused; answered as 400 `{"error": message}`.
public struct FaultSettingsError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Which kinds of faults an emulator honours. Every emulator honours all three (the fault middleware and the
/// callback sender are shared); a `FaultPlan` made for fewer refuses settings touching the others.
public struct FaultKinds: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let create = FaultKinds(rawValue: 1 << 0)
    public static let read = FaultKinds(rawValue: 1 << 1)
    public static let callbacks = FaultKinds(rawValue: 1 << 2)
    public static let all: FaultKinds = [.create, .read, .callbacks]

    /// Names as `GET /emulator/faults` reports them under `honoured`.
    var names: [String] {
        [(FaultKinds.create, "create"), (.read, "read"), (.callbacks, "callbacks")].filter { contains($0.0) }.map(\.1)
    }
}

/// Any JSON key, to find the keys a body carries.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
