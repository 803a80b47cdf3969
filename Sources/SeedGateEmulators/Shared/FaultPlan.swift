import Foundation

/// One-shot faults an emulator injects into its own answers, for fault-injection tests. Set over HTTP with
/// `POST /emulator/faults` (see `FaultSettings` for the keys), read with `GET`, cleared with `DELETE`.
///
/// The shared fault middleware (`EmulatorFaultInjection`, installed by every emulator) takes faults as requests
/// come; each take decrements its counter atomically, so N armed faults hit exactly N requests however many run
/// concurrently. The rules of consumption:
/// - creates: a rejection (`create_rate_limited` before `create_server_error`) is taken by the next create
///   that passed authentication, before its body is validated, and creates nothing. A delay, a drop and a gateway
///   timeout are taken only by creates that did create a task; the create waits first, then drops or (when no drop
///   is due) answers the gateway's 504 instead of its own answer.
/// - status reads (one task or a batch/list call) that passed authentication: a failure (`read_server_error`
///   before `read_malformed`) is taken first; `status_override` is taken only by reads that are not failed; a
///   delay is taken by any read and is served before the task is looked up. A read that serves no task (an
///   unknown id, refused parameters) takes its faults too, but only the delay and the 500 show (it still answers
///   the provider's own error otherwise).
/// - callbacks: the two switches are read once per callback event when it is about to be sent.
public actor FaultPlan {
    /// The kinds this emulator honours; settings touching other kinds are refused.
    public nonisolated let honoured: FaultKinds
    private var remaining = FaultCounters()
    private var injected = FaultTally()

    public init(honoured: FaultKinds) {
        self.honoured = honoured
    }

    /// Merges `settings` into the plan (see `FaultSettings`) and returns the result. Nothing changes when the
    /// settings are refused.
    @discardableResult
    public func apply(_ settings: FaultSettings) throws(FaultSettingsError) -> FaultPlanSnapshot {
        let refused = settings.kinds.subtracting(honoured)
        if !refused.isEmpty {
            throw FaultSettingsError("this emulator does not inject \(refused.names.joined(separator: ", ")) faults")
        }
        var next = remaining
        if let value = settings.createRateLimited { next.createRateLimited = value }
        if let value = settings.createServerError { next.createServerError = value }
        if let value = settings.createDrop { next.createDrop = value }
        if let value = settings.createGatewayTimeout { next.createGatewayTimeout = value }
        if let value = settings.readMalformed { next.readMalformed = value }
        if let value = settings.readServerError { next.readServerError = value }
        if let value = settings.dropCallbacks { next.dropCallbacks = value }
        if let value = settings.duplicateCallbacks { next.duplicateCallbacks = value }
        (next.createDelayMs, next.createDelayCount) = try Self.paired(
            settings.createDelayMs, settings.createDelayCount, current: (next.createDelayMs, next.createDelayCount),
            names: ("create_delay_ms", "create_delay_count"), isSet: { $0 > 0 }
        )
        (next.readDelayMs, next.readDelayCount) = try Self.paired(
            settings.readDelayMs, settings.readDelayCount, current: (next.readDelayMs, next.readDelayCount),
            names: ("read_delay_ms", "read_delay_count"), isSet: { $0 > 0 }
        )
        let override = try Self.paired(
            settings.statusOverride, settings.statusOverrideCount, current: (next.statusOverride ?? "", next.statusOverrideCount),
            names: ("status_override", "status_override_count"), isSet: { !$0.isEmpty }
        )
        next.statusOverride = override.count > 0 ? override.value : nil
        next.statusOverrideCount = next.statusOverride == nil ? 0 : override.count
        remaining = next
        return snapshot()
    }

    /// A value with its count: a value alone arms one request (none when it is 0 or empty); a count alone needs a
    /// value already set.
    private static func paired<Value>(
        _ value: Value?, _ count: Int?, current: (Value, Int), names: (String, String), isSet: (Value) -> Bool
    ) throws(FaultSettingsError) -> (value: Value, count: Int) {
        let newValue = value ?? current.0
        let newCount = count ?? (value.map { isSet($0) ? 1 : 0 } ?? current.1)
        if newCount > 0, !isSet(newValue) { throw FaultSettingsError("\(names.1) needs \(names.0)") }
        return (newValue, newCount)
    }

    /// Clears every fault and the tally of injected ones.
    public func clear() {
        remaining = FaultCounters()
        injected = FaultTally()
    }

    /// What is left to inject, what was injected, and what this emulator honours.
    public func snapshot() -> FaultPlanSnapshot {
        FaultPlanSnapshot(remaining: remaining, injected: injected, honoured: honoured.names)
    }

    /// Takes the rejection due for a create, if any (the create must then answer it and create nothing).
    public func takeCreateRejection() -> CreateRejection? {
        if remaining.createRateLimited > 0 {
            remaining.createRateLimited -= 1
            injected.createRateLimited += 1
            return .rateLimited
        }
        if remaining.createServerError > 0 {
            remaining.createServerError -= 1
            injected.createServerError += 1
            return .serverError
        }
        return nil
    }

    /// Takes what is due for the answer of a create that has just created its task.
    public func takeCreateAnswerFaults() -> CreateAnswerFaults {
        var faults = CreateAnswerFaults()
        if remaining.createDelayCount > 0, remaining.createDelayMs > 0 {
            remaining.createDelayCount -= 1
            injected.createDelay += 1
            faults.delay = .milliseconds(remaining.createDelayMs)
        }
        if remaining.createDrop > 0 {
            remaining.createDrop -= 1
            injected.createDrop += 1
            faults.drop = true
        } else if remaining.createGatewayTimeout > 0 {
            remaining.createGatewayTimeout -= 1
            injected.createGatewayTimeout += 1
            faults.gatewayTimeout = true
        }
        return faults
    }

    /// Takes what is due for one status read (one task or one list call).
    public func takeReadFaults() -> ReadFaults {
        var faults = ReadFaults()
        if remaining.readDelayCount > 0, remaining.readDelayMs > 0 {
            remaining.readDelayCount -= 1
            injected.readDelay += 1
            faults.delay = .milliseconds(remaining.readDelayMs)
        }
        if remaining.readServerError > 0 {
            remaining.readServerError -= 1
            injected.readServerError += 1
            faults.failure = .serverError
        } else if remaining.readMalformed > 0 {
            remaining.readMalformed -= 1
            injected.readMalformed += 1
            faults.failure = .malformed
        } else if let word = remaining.statusOverride, remaining.statusOverrideCount > 0 {
            remaining.statusOverrideCount -= 1
            if remaining.statusOverrideCount == 0 { remaining.statusOverride = nil }
            injected.statusOverride += 1
            faults.statusOverride = word
        }
        return faults
    }

    /// How many times the next callback event is sent: 0 (lost), 1, or 2 (duplicated).
    public func takeCallbackCopies() -> Int {
        if remaining.dropCallbacks {
            injected.dropCallbacks += 1
            return 0
        }
        if remaining.duplicateCallbacks {
            injected.duplicateCallbacks += 1
            return 2
        }
        return 1
    }
}

/// The faults still armed. Encoded with the same keys `POST /emulator/faults` takes.
public struct FaultCounters: Sendable, Equatable, Encodable {
    public var createRateLimited = 0
    public var createServerError = 0
    public var createDelayMs = 0
    public var createDelayCount = 0
    public var createDrop = 0
    public var createGatewayTimeout = 0
    public var readMalformed = 0
    public var readServerError = 0
    public var readDelayMs = 0
    public var readDelayCount = 0
    /// Nil once its count is used up.
    public var statusOverride: String?
    public var statusOverrideCount = 0
    public var dropCallbacks = false
    public var duplicateCallbacks = false

    typealias CodingKeys = FaultSettings.CodingKeys

    /// Writes every key, `status_override` as `null` when unset.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(createRateLimited, forKey: .createRateLimited)
        try container.encode(createServerError, forKey: .createServerError)
        try container.encode(createDelayMs, forKey: .createDelayMs)
        try container.encode(createDelayCount, forKey: .createDelayCount)
        try container.encode(createDrop, forKey: .createDrop)
        try container.encode(createGatewayTimeout, forKey: .createGatewayTimeout)
        try container.encode(readMalformed, forKey: .readMalformed)
        try container.encode(readServerError, forKey: .readServerError)
        try container.encode(readDelayMs, forKey: .readDelayMs)
        try container.encode(readDelayCount, forKey: .readDelayCount)
        try container.encode(statusOverride, forKey: .statusOverride)
        try container.encode(statusOverrideCount, forKey: .statusOverrideCount)
        try container.encode(dropCallbacks, forKey: .dropCallbacks)
        try container.encode(duplicateCallbacks, forKey: .duplicateCallbacks)
    }
}
