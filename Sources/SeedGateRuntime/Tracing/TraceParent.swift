/// A W3C Trace Context `traceparent` value (https://www.w3.org/TR/trace-context/#traceparent-header):
/// `{version}-{trace-id}-{parent-id}-{trace-flags}`, lowercase hex, e.g.
/// `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`.
///
/// Parsing follows the specification's rules for a receiver: version `ff` is invalid; a version-00 value is exactly
/// 55 characters; a later version may carry more fields after a `-`, which are dropped (the value is re-issued as
/// version 00); uppercase hex and all-zero ids are invalid. An invalid value is ignored, so a new trace starts.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// 32 lowercase hex digits, never all zeros.
    public let traceID: String
    /// 16 lowercase hex digits, never all zeros: the span that is the parent of the receiver's spans.
    public let spanID: String
    /// The trace flags byte; bit 0 is "sampled".
    public let flags: UInt8

    public init?(traceID: String, spanID: String, flags: UInt8) {
        guard Self.isID(traceID, length: 32), Self.isID(spanID, length: 16) else { return nil }
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    /// Parses a `traceparent` header value; nil when it is not a valid one.
    public init?(_ header: some StringProtocol) {
        let value = header.utf8
        guard value.count >= 55 else { return nil }
        let bytes = Array(value.prefix(55))
        guard bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-") else { return nil }
        guard let version = Self.hexByte(bytes[0], bytes[1]), version != 0xff else { return nil }
        if version == 0 {
            guard value.count == 55 else { return nil }
        } else if value.count > 55 {
            guard value.dropFirst(55).first == UInt8(ascii: "-") else { return nil }
        }
        guard let flags = Self.hexByte(bytes[53], bytes[54]) else { return nil }
        let traceID = String(decoding: bytes[3..<35], as: UTF8.self)
        let spanID = String(decoding: bytes[36..<52], as: UTF8.self)
        self.init(traceID: traceID, spanID: spanID, flags: flags)
    }

    /// Whether the caller may have recorded the trace (flag bit 0).
    public var sampled: Bool { flags & 0x01 != 0 }

    /// The header value, always version 00.
    public var header: String { "00-\(traceID)-\(spanID)-\(Self.hex(flags))" }

    public var description: String { header }

    /// The same trace with a new span as the parent of what follows.
    public func child(spanID: String = TraceParent.randomSpanID()) -> TraceParent {
        TraceParent(traceID: traceID, spanID: spanID, flags: flags) ?? self
    }

    /// The start of a new trace (random ids). `sampled` is off by default: the built-in tracer records nothing.
    public static func newTrace(sampled: Bool = false) -> TraceParent {
        TraceParent(traceID: randomID(bytes: 16), spanID: randomSpanID(), flags: sampled ? 0x01 : 0x00)!
    }

    public static func randomSpanID() -> String { randomID(bytes: 8) }

    /// `bytes` random bytes as lowercase hex, never all zeros.
    static func randomID(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            var text = ""
            text.reserveCapacity(count * 2)
            var zero = true
            for _ in 0..<count {
                let byte = UInt8.random(in: 0...255, using: &generator)
                if byte != 0 { zero = false }
                text += hex(byte)
            }
            if !zero { return text }
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ byte: UInt8) -> String {
        String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let high = nibble(high), let low = nibble(low) else { return nil }
        return high << 4 | low
    }

    private static func isID(_ text: String, length: Int) -> Bool {
        let utf8 = text.utf8
        return utf8.count == length && utf8.allSatisfy { nibble($0) != nil } && utf8.contains { $0 != UInt8(ascii: "0") }
    }
}

/// A W3C `tracestate` value, passed on unchanged beside a valid `traceparent` (the built-in tracer adds no entry of
/// its own). Values over 512 characters, or with characters outside printable ASCII, are dropped, as the
/// specification allows.
public enum TraceState {
    public static func sanitized(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 512, value.utf8.allSatisfy({ (0x20...0x7e).contains($0) }) else {
            return nil
        }
        return value
    }
}
