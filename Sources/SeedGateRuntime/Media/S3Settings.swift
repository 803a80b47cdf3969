import Foundation

/// AWS-style credentials for S3-compatible storage. The secret and the session token are never shown:
/// `description`, `debugDescription` and reflection name only the access key id.
public struct S3Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let accessKeyID: String
    public let secretAccessKey: String
    /// Temporary credentials (STS) come with a token, sent as `x-amz-security-token`.
    public let sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (both required, non-empty) and `AWS_SESSION_TOKEN` (optional).
    public static func fromEnvironment(_ env: [String: String]) -> S3Credentials? {
        guard let id = env["AWS_ACCESS_KEY_ID"], !id.isEmpty, let secret = env["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
            return nil
        }
        let token = env["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
    }

    public var description: String {
        "S3Credentials(accessKeyID: \(accessKeyID), secretAccessKey: redacted\(sessionToken == nil ? "" : ", sessionToken: redacted"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": accessKeyID, "secretAccessKey": "redacted"], displayStyle: .struct)
    }
}

/// Where and how `S3MediaStore` stores objects.
public struct S3Settings: Sendable, CustomStringConvertible {
    /// S3 refuses parts smaller than this, except the last.
    public static let minimumPartSize = 5 * 1024 * 1024
    /// S3's largest part.
    public static let maximumPartSize = 5 * 1024 * 1024 * 1024
    /// S3's most parts in one upload.
    public static let maximumPartCount = 10_000
    public static let defaultPartSize = 8 * 1024 * 1024

    /// The service's base URL, `http` or `https` (`https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:9000`).
    /// A path after the host is kept in front of every request path.
    public var endpoint: URL
    public var region: String
    public var bucket: String
    /// Put in front of every key (`seedgate/` → `seedgate/<tenant>/<job>/video.mp4`); slashes at either end are
    /// normalised to one at the end.
    public var prefix: String
    /// `http://endpoint/bucket/key` when true; `http://bucket.endpoint/key` (virtual-hosted) when false.
    public var pathStyle: Bool
    /// Bodies up to this size go as one PutObject; larger ones as a multipart upload of parts this size (clamped
    /// to S3's 5 MiB … 5 GiB). At most one part is held in memory per upload.
    public var partSize: Int
    public var credentials: S3Credentials
    /// How long one request may take until the store's answer starts (uploading a part included).
    public var requestTimeout: Duration

    public init(
        endpoint: URL, region: String, bucket: String, prefix: String = "", pathStyle: Bool = true, partSize: Int = defaultPartSize,
        credentials: S3Credentials, requestTimeout: Duration = .seconds(120)
    ) {
        self.endpoint = endpoint
        self.region = region
        self.bucket = bucket
        self.prefix = prefix
        self.pathStyle = pathStyle
        self.partSize = partSize
        self.credentials = credentials
        self.requestTimeout = requestTimeout
    }

    /// AWS's own endpoint for `region` (virtual-hosted addressing).
    public static func aws(region: String, bucket: String, prefix: String = "", credentials: S3Credentials) -> S3Settings? {
        guard let endpoint = URL(string: "https://s3.\(region).amazonaws.com") else { return nil }
        return S3Settings(endpoint: endpoint, region: region, bucket: bucket, prefix: prefix, pathStyle: false, credentials: credentials)
    }

    /// The part size actually used: `partSize` within S3's limits.
    public var effectivePartSize: Int { min(max(partSize, Self.minimumPartSize), Self.maximumPartSize) }

    /// The prefix as used: empty, or without a leading `/` and with exactly one trailing `/`.
    public var normalizedPrefix: String {
        let trimmed = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return trimmed.isEmpty ? "" : trimmed + "/"
    }

    /// Credentials redacted.
    public var description: String {
        "S3Settings(endpoint: \(endpoint.absoluteString), region: \(region), bucket: \(bucket), prefix: \(normalizedPrefix), "
            + "pathStyle: \(pathStyle), partSize: \(effectivePartSize), credentials: \(credentials))"
    }
}
