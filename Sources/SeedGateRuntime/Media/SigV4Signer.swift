import Crypto
import Foundation

/// AWS Signature Version 4 for one HTTP request (`AWS4-HMAC-SHA256`), as S3 expects it: the path is encoded once,
/// segment by segment (RFC 3986, `/` kept, never normalised or double-encoded); query keys and values are encoded and
/// sorted; header names are lower-cased and sorted, their values trimmed with inner whitespace collapsed.
///
/// Pure: the signing time is a parameter, nothing is read from the clock or the environment. The secret never
/// leaves the signer: `description`, `debugDescription` and reflection name only the access key id, region and service.
public struct SigV4Signer: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The only algorithm SigV4 defines.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// `x-amz-content-sha256` for a body that is sent but not hashed (S3 only; the transport must protect it).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The SHA-256 of no bytes, the payload hash of a request without a body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// What the signature says about the body.
    public enum Payload: Sendable, Equatable {
        /// The hex SHA-256 of the body, computed by the caller.
        case sha256(String)
        /// `UNSIGNED-PAYLOAD`: the body is not part of the signature.
        case unsigned

        /// The payload of a request without a body.
        public static var empty: Payload { .sha256(SigV4Signer.emptyPayloadHash) }

        /// The payload of an in-memory body, hashed.
        public static func hashing<Bytes: Sequence>(_ bytes: Bytes) -> Payload where Bytes.Element == UInt8 {
            .sha256(SigV4Signer.hexSHA256(Array(bytes)))
        }

        /// The value signed in place of the body (and sent as `x-amz-content-sha256`).
        public var value: String {
            switch self {
            case .sha256(let hash): hash
            case .unsigned: SigV4Signer.unsignedPayload
            }
        }
    }

    /// A request to sign. `path` and the query are given decoded: the signer encodes them, and the caller sends
    /// `SigV4Signature.canonicalURI` and `.canonicalQuery` so that what is sent is exactly what was signed.
    public struct Request: Sendable {
        public var method: String
        /// The decoded path, starting with `/` (an empty path is signed as `/`).
        public var path: String
        /// Decoded query parameters, in any order; a parameter without a value (`?uploads`) has value "".
        public var query: [(String, String)]
        /// The headers to sign, `host` among them. Names in any case; repeated names are joined with commas.
        public var headers: [(String, String)]
        public var payload: Payload

        public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)], payload: Payload) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payload = payload
        }
    }

    public let accessKeyID: String
    public let region: String
    public let service: String
    /// Whether `sign` adds `x-amz-content-sha256` (S3 requires it; the generic SigV4 test suite has none).
    public let sendsContentHash: Bool
    private let secretAccessKey: String
    private let sessionToken: String?

    /// A signer for `service` ("s3") in `region` with the given credentials.
    public init(credentials: S3Credentials, region: String, service: String = "s3", sendsContentHash: Bool = true) {
        accessKeyID = credentials.accessKeyID
        secretAccessKey = credentials.secretAccessKey
        sessionToken = credentials.sessionToken
        self.region = region
        self.service = service
        self.sendsContentHash = sendsContentHash
    }

    public var description: String {
        "SigV4Signer(accessKeyID: \(accessKeyID), region: \(region), service: \(service), secret: redacted)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": accessKeyID, "region": region, "service": service], displayStyle: .struct)
    }

    /// The credential scope: `yyyyMMdd/region/service/aws4_request`.
    public func scope(day: String) -> String { "\(day)/\(region)/\(service)/aws4_request" }

    /// Signs `request` at `date`: the headers to add (`x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token`
    /// where there is a session token, and `authorization`) with the intermediate strings for tests and diagnosis.
    public func sign(_ request: Request, date: Date) -> SigV4Signature {
        let time = SigV4Timestamp(date)
        var added: [(String, String)] = [("x-amz-date", time.basic)]
        if sendsContentHash { added.append(("x-amz-content-sha256", request.payload.value)) }
        if let sessionToken { added.append(("x-amz-security-token", sessionToken)) }
        let headers = Self.canonicalHeaders(request.headers + added)
        let canonicalURI = Self.canonicalURI(request.path)
        let canonicalQuery = Self.canonicalQuery(request.query)
        let canonicalRequest = [
            request.method.uppercased(), canonicalURI, canonicalQuery, headers.block + "\n", headers.signed, request.payload.value,
        ].joined(separator: "\n")
        let credentialScope = scope(day: time.day)
        let stringToSign = [Self.algorithm, time.basic, credentialScope, Self.hexSHA256(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(day: time.day)))
        let authorization =
            "\(Self.algorithm) Credential=\(accessKeyID)/\(credentialScope), SignedHeaders=\(headers.signed), Signature=\(signature)"
        return SigV4Signature(
            headers: added + [("authorization", authorization)], canonicalURI: canonicalURI, canonicalQuery: canonicalQuery,
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signedHeaders: headers.signed, signature: signature)
    }

    /// A presigned request: the query to send (the request's own parameters, the `X-Amz-*` ones and, last,
    /// `X-Amz-Signature`), already encoded. Only the given headers are signed (normally just `host`); the payload is
    /// `UNSIGNED-PAYLOAD`. Anyone holding the query can make the request until it expires: never log it.
    public func presignedQuery(_ request: Request, expires: Int, date: Date) -> String {
        let time = SigV4Timestamp(date)
        let headers = Self.canonicalHeaders(request.headers)
        var query = request.query
        query.append(("X-Amz-Algorithm", Self.algorithm))
        query.append(("X-Amz-Credential", "\(accessKeyID)/\(scope(day: time.day))"))
        query.append(("X-Amz-Date", time.basic))
        query.append(("X-Amz-Expires", String(expires)))
        query.append(("X-Amz-SignedHeaders", headers.signed))
        if let sessionToken { query.append(("X-Amz-Security-Token", sessionToken)) }
        let canonicalQuery = Self.canonicalQuery(query)
        let canonicalRequest = [
            request.method.uppercased(), Self.canonicalURI(request.path), canonicalQuery, headers.block + "\n", headers.signed,
            Self.unsignedPayload,
        ].joined(separator: "\n")
        let stringToSign = [Self.algorithm, time.basic, scope(day: time.day), Self.hexSHA256(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(day: time.day)))
        return canonicalQuery + "&X-Amz-Signature=" + signature
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request").
    func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }
}

/// The outcome of `SigV4Signer.sign`.
public struct SigV4Signature: Sendable, CustomStringConvertible {
    /// Headers to add to the request as sent, `authorization` last.
    public let headers: [(String, String)]
    /// The encoded path that was signed; send exactly this.
    public let canonicalURI: String
    /// The encoded, sorted query that was signed; send exactly this (empty when there is none).
    public let canonicalQuery: String
    public let canonicalRequest: String
    public let stringToSign: String
    /// `host;x-amz-content-sha256;x-amz-date`…
    public let signedHeaders: String
    /// Lower-case hex HMAC-SHA256.
    public let signature: String

    /// The `Authorization` header value.
    public var authorization: String { headers.last(where: { $0.0 == "authorization" })?.1 ?? "" }

    /// Names what was signed, not the signature or a session token.
    public var description: String { "SigV4Signature(signedHeaders: \(signedHeaders), authorization: redacted)" }
}

extension SigV4Signer {
    /// RFC 3986 percent-encoding of UTF-8: unreserved characters (`A-Z a-z 0-9 - . _ ~`) stay, every other byte is
    /// `%XX` in upper-case hex; `/` stays too when `keepSlash` (S3 object paths).
    public static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        var encoded = ""
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                encoded.append("/")
            default:
                encoded.append("%")
                encoded.append(hexDigits[Int(byte >> 4)])
                encoded.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return encoded
    }

    /// The path as S3 signs it: encoded once, `/` kept, nothing normalised; "" becomes "/".
    public static func canonicalURI(_ path: String) -> String {
        path.isEmpty ? "/" : uriEncode(path, keepSlash: true)
    }

    /// `key=value` pairs, each side encoded, sorted by encoded key then encoded value (byte order), joined by `&`.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (uriEncode($0.0), uriEncode($0.1)) }
            .sorted { $0.0 == $1.0 ? $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// The canonical header block (`name:value` lines, sorted) and the signed header list (`a;b;c`).
    static func canonicalHeaders(_ headers: [(String, String)]) -> (block: String, signed: String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            values[name.lowercased().trimmingCharacters(in: .whitespaces), default: []].append(trimAll(value))
        }
        let names = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let block = names.map { "\($0):\(values[$0, default: []].joined(separator: ","))" }.joined(separator: "\n")
        return (block, names.joined(separator: ";"))
    }

    /// Trims the value and collapses each run of inner whitespace to one space.
    static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Lower-case hex SHA-256.
    public static func hexSHA256(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = ""
        for byte in bytes {
            text.append(lowerHexDigits[Int(byte >> 4)])
            text.append(lowerHexDigits[Int(byte & 0x0F)])
        }
        return text
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")
    private static let lowerHexDigits: [Character] = Array("0123456789abcdef")
}

/// The signing time in SigV4's two forms, in UTC: `yyyyMMdd'T'HHmmss'Z'` and `yyyyMMdd`.
struct SigV4Timestamp: Sendable {
    let basic: String
    let day: String

    init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let number = value ?? 0
            return number < 10 ? "0\(number)" : String(number)
        }
        let year = String(parts.year ?? 1970)
        let yearText = String(repeating: "0", count: max(0, 4 - year.count)) + year
        day = yearText + two(parts.month) + two(parts.day)
        basic = day + "T" + two(parts.hour) + two(parts.minute) + two(parts.second) + "Z"
    }
}
