/// Why a request cannot be accepted: the field at fault (dotted path, e.g. `images[1].role`) and the reason.
public struct ValidationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The value is malformed or outside what the model accepts.
        case invalidRequest = "invalid_request"
        /// The value is well formed but no configured provider offers it for this model.
        case unsupported
    }

    public var code: Code
    public var field: String?
    public var reason: String

    public init(_ code: Code, field: String?, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    static func invalid(_ field: String, _ reason: String) -> ValidationFailure { .init(.invalidRequest, field: field, reason) }
    static func unsupported(_ field: String, _ reason: String) -> ValidationFailure { .init(.unsupported, field: field, reason) }

    public var description: String { field.map { "\($0): \(reason)" } ?? reason }
}
