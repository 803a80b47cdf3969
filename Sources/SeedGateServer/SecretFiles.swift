import Foundation

/// Secrets from files, as Docker and Kubernetes mount them: for a variable X that SeedGate reads a secret from,
/// `X_FILE=/run/secrets/x` means X's value is that file's content (trailing line breaks removed).
///
/// The variables: provider credentials (each manifest's names, or the ones `providers.<id>.credentials` gives),
/// client keys (`clients[].key_env`), the webhook and media-link secrets (and any other `*_SECRET`),
/// `SEEDGATE_DATABASE_URL`, the S3 credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) and the
/// CLI's `SEEDGATE_API_KEY`. Other `*_FILE` variables are left alone: the AWS SDK's own `AWS_CONFIG_FILE` or
/// `AWS_WEB_IDENTITY_TOKEN_FILE` name files that are not values.
///
/// X and X_FILE both set is a configuration error naming both; so is a file that cannot be read, naming the
/// variable and the path. A secret's content is never part of any message.
public enum SecretFiles {
    /// The most of a secret file that is read.
    static let maxBytes = 64 * 1024

    /// Variables that hold secrets whatever the configuration says.
    static let fixedNames: Set<String> = [
        "SEEDGATE_DATABASE_URL", "SEEDGATE_WEBHOOK_SECRET", "SEEDGATE_WEBHOOK_SECRET_PREVIOUS", "SEEDGATE_MEDIA_LINK_SECRET",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "SEEDGATE_API_KEY",
    ]

    /// Whether X is a secret by its name alone.
    static func isSecretName(_ name: String) -> Bool {
        fixedNames.contains(name) || name.hasSuffix("_SECRET")
    }

    /// The configuration, and the environment with every secret file read: what `serve` and `check-config` run on.
    ///
    /// Secrets named by their name alone (`SEEDGATE_DATABASE_URL`, `*_SECRET`, …) are resolved before the file is
    /// read (the store's URL is part of the configuration); those the configuration names (client keys, provider
    /// credentials, renamed secrets) after.
    public static func load(file: String?, environment: [String: String]) throws -> (ServerConfiguration, environment: [String: String]) {
        let configuration = try ServerConfiguration.load(file: file, environment: try resolve(environment, names: []))
        return (configuration, try resolve(environment, names: variables(of: configuration)))
    }

    /// The secret variables `configuration` names: client keys, webhook and link secrets, provider credentials.
    static func variables(of configuration: ServerConfiguration) -> Set<String> {
        var names: Set<String> = [
            configuration.webhookSecretVariable, configuration.webhookPreviousSecretVariable, configuration.archive.linkSecretVariable,
        ]
        names.formUnion(configuration.clients.compactMap(\.keyVariable))
        for provider in configuration.providers ?? [] { names.formUnion(provider.credentialVariables.values) }
        // The manifests' own names: every provider's when the configuration lists none (each is used whose
        // credentials are set). An unreadable catalogue is reported later, where the server reads it.
        let configured = configuration.providers.map { Set($0.map(\.id)) }
        for manifest in (try? SeedGateDependencies.loadManifests(configuration)) ?? [] where configured?.contains(manifest.id) ?? true {
            names.formUnion(manifest.credentials.values)
        }
        return names
    }

    /// `environment` with X set from the file X_FILE names, for each X in `names` and each X that is a secret by its
    /// name (`isSecretName`) whose X_FILE is set. An X_FILE set to the empty string counts as unset.
    public static func resolve(_ environment: [String: String], names: Set<String>) throws(ConfigurationError) -> [String: String] {
        let suffix = "_FILE"
        var candidates = names
        for key in environment.keys where key.hasSuffix(suffix) && key.count > suffix.count {
            let name = String(key.dropLast(suffix.count))
            if isSecretName(name) { candidates.insert(name) }
        }
        var resolved = environment
        for name in candidates.sorted() {
            let fileVariable = name + suffix
            guard let path = environment[fileVariable], !path.isEmpty else { continue }
            if let direct = environment[name], !direct.isEmpty {
                throw ConfigurationError("\(name) and \(fileVariable) are both set; set only one of them")
            }
            resolved[name] = try read(path, variable: fileVariable)
        }
        return resolved
    }

    /// The content of the secret file at `path` without its trailing line breaks.
    static func read(_ path: String, variable: String) throws(ConfigurationError) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ConfigurationError("\(variable): \(path) is a directory, not a secret file")
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw ConfigurationError("\(variable): cannot read \(path): \(reason(error))")
        }
        if data.count > maxBytes {
            throw ConfigurationError("\(variable): \(path) is larger than \(maxBytes / 1024) KiB; is it the right file?")
        }
        guard var value = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("\(variable): \(path) is not UTF-8 text")
        }
        while let last = value.unicodeScalars.last, last == "\n" || last == "\r" { value.unicodeScalars.removeLast() }
        return value
    }

    /// The system's reason (`No such file or directory`, `Permission denied`) rather than Foundation's sentence.
    static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileReadNoSuchFile, .fileNoSuchFile: return "No such file or directory"
        case .fileReadNoPermission: return "Permission denied"
        default: return error.localizedDescription
        }
    }
}
