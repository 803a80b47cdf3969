import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import SeedGateCore

/// An S3 error answer: the status and what the `<Error>` body says (`Code`, `Message`, `RequestId`). S3 also puts
/// the string to sign and the canonical request in a SignatureDoesNotMatch body; only the code and message are kept.
struct S3Failure: Sendable, Equatable {
    /// The most of an error (or small XML) body that is read.
    static let maxBodyBytes = 64 * 1024

    let status: Int
    let code: String?
    let message: String?
    let requestID: String?

    init(status: Int, code: String?, message: String?, requestID: String?) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    /// Parses an XML error document (a body that is not one gives only the status).
    init(status: Int, body: String, requestID: String?) {
        let isError = S3XML.rootElement(body) == "Error"
        self.init(
            status: status, code: isError ? S3XML.firstValue("Code", in: body) : nil,
            message: isError ? S3XML.firstValue("Message", in: body) : nil,
            requestID: (isError ? S3XML.firstValue("RequestId", in: body) : nil) ?? requestID)
    }

    /// Reads the answer's body (up to `maxBodyBytes`; a body that cannot be read counts as empty).
    init(_ response: HTTPClientResponse) async {
        let body = (try? await response.body.collect(upTo: Self.maxBodyBytes)).map { String(decoding: $0.readableBytesView, as: UTF8.self) }
        self.init(status: Int(response.status.code), body: body ?? "", requestID: response.headers.first(name: "x-amz-request-id"))
    }

    /// No object under the key (not a missing bucket: that is a configuration problem, reported as `.failed`).
    var isMissingKey: Bool { code == "NoSuchKey" || (code == nil && status == 404) }

    static let unauthorizedCodes: Set<String> = [
        "AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidToken", "ExpiredToken", "TokenRefreshRequired",
        "AuthorizationHeaderMalformed", "InvalidSecurity", "AllAccessDisabled", "AccountProblem", "RequestTimeTooSkewed",
    ]
    static let unavailableCodes: Set<String> = ["InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "OperationAborted"]

    /// The store error for this answer. 403 and authentication codes are `.unauthorized`; a missing key (404,
    /// NoSuchKey) `.notFound`; 5xx, 429 and S3's "try again" codes `.unavailable`; anything else `.failed`.
    func error(operation: String, key: String?, redacting credentials: S3Credentials) -> MediaStoreError {
        let kind: MediaStoreError.Kind
        if let code, Self.unauthorizedCodes.contains(code) {
            kind = .unauthorized
        } else if let code, Self.unavailableCodes.contains(code) {
            kind = .unavailable
        } else if code == "NoSuchBucket" {
            kind = .failed
        } else if status == 403 || status == 401 {
            kind = .unauthorized
        } else if isMissingKey {
            kind = .notFound
        } else if status >= 500 || status == 429 {
            kind = .unavailable
        } else {
            kind = .failed
        }
        var text = "S3 \(operation)\(key.map { " \($0)" } ?? ""): HTTP \(status)"
        if let code { text += " \(code)" }
        if let message, !message.isEmpty { text += ": " + Self.clean(message) }
        if let requestID, !requestID.isEmpty { text += " (request id \(Self.clean(requestID)))" }
        return MediaStoreError(kind, Self.redact(text, credentials))
    }

    /// One line, at most 300 characters.
    static func clean(_ text: String) -> String {
        let line = text.map { $0.isNewline || $0 == "\t" ? " " : $0 }.filter { !($0.asciiValue.map { $0 < 0x20 } ?? false) }
        return String(String(line).prefix(300))
    }

    /// Removes the secret and the session token should a store ever echo them.
    static func redact(_ text: String, _ credentials: S3Credentials) -> String {
        var text = text
        for secret in [credentials.secretAccessKey, credentials.sessionToken ?? ""] where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return text
    }
}

extension S3Client {
    /// A transport failure as a store error: the store could not be reached, or stopped answering (`.unavailable`).
    /// Cancellation is rethrown as `CancellationError`, and an error of a streamed body as it is. Descriptions name the
    /// failure, never a URL or header.
    static func transportError(_ error: any Error, operation: String, key: String?) -> any Error {
        if error is CancellationError { return error }
        if let error = error as? MediaStoreError { return error }
        let what = "S3 \(operation)\(key.map { " \($0)" } ?? "")"
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .cancelled:
                return CancellationError()
            case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout:
                return MediaStoreError(.unavailable, "\(what): could not connect to the store (\(error.shortDescription))")
            case .readTimeout, .deadlineExceeded:
                return MediaStoreError(.unavailable, "\(what): no answer from the store in time (\(error.shortDescription))")
            default:
                return MediaStoreError(.unavailable, "\(what): the connection to the store failed (\(error.shortDescription))")
            }
        case is NIOConnectionError, ChannelError.connectTimeout:
            return MediaStoreError(.unavailable, "\(what): could not connect to the store")
        case let error as IOError:
            return MediaStoreError(.unavailable, "\(what): the connection to the store failed (errno \(error.errnoCode))")
        case is NIOTooManyBytesError:
            return MediaStoreError(.failed, "\(what): the store's answer is larger than expected")
        default:
            if Task.isCancelled { return CancellationError() }
            // Other transport failures (TLS, channel) come from NIO's modules; anything else is the body's own
            // error (a streamed upload's source failed) and is passed on unchanged.
            let type = String(reflecting: Swift.type(of: error))
            guard type.hasPrefix("NIO") || type.hasPrefix("AsyncHTTPClient") else { return error }
            let name = String(describing: Swift.type(of: error))
            return MediaStoreError(.unavailable, "\(what): the connection to the store failed (\(name))")
        }
    }
}
