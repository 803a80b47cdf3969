import AsyncHTTPClient
import Foundation
import Logging
import SeedGateCore
import SeedGateRuntime

/// Opens the configured media store: the directory (default) or S3-compatible storage with credentials from the
/// environment. Nil when archiving is off.
enum MediaStoreFactory {
    static func open(
        _ configuration: ServerConfiguration, environment: [String: String], httpClient: HTTPClient, logger: Logger
    ) async throws -> (any MediaStore)? {
        let archive = configuration.archive
        guard archive.enabled else { return nil }
        switch archive.storeKind {
        case .directory:
            let path = archive.mediaDirectory(sqlitePath: configuration.sqlitePath)
            do {
                return try DirectoryMediaStore(root: URL(fileURLWithPath: path))
            } catch {
                throw ConfigurationError("archive.directory \(path) cannot be used: \(error.localizedDescription)")
            }
        case .s3:
            guard let s3 = archive.s3, let endpoint = URL(string: s3.endpoint) else {
                throw ConfigurationError("archive.store is s3 but archive.s3 is missing")
            }
            guard let credentials = S3Credentials.fromEnvironment(environment) else {
                throw ConfigurationError("archive.store is s3 but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
            }
            let settings = S3Settings(
                endpoint: endpoint, region: s3.region, bucket: s3.bucket, prefix: s3.prefix, pathStyle: s3.pathStyle, partSize: s3.partSizeBytes,
                credentials: credentials)
            let store = try S3MediaStore(settings: settings, httpClient: httpClient)
            logger.info("archiving to S3", metadata: ["endpoint": "\(s3.endpoint)", "bucket": "\(s3.bucket)", "path_style": "\(s3.pathStyle)"])
            return store
        }
    }
}
