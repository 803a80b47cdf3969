import Yams

/// The keys the configuration file may hold, as a tree, and the check that refuses any other key: a misspelt key is
/// an error naming its path and the nearest known key (`routing.route` → "did you mean routing.routes?"), never a
/// setting silently ignored. The tree is built from the `CodingKeys` of `ConfigurationFile`'s types, so a key the
/// decoder reads is a key the check knows.
indirect enum ConfigurationKeys: Sendable {
    /// A scalar (or anything the decoder checks itself).
    case value
    /// A mapping with exactly these keys.
    case object([String: ConfigurationKeys])
    /// A mapping whose keys are names (providers, models, tenants), each value of one shape.
    case map(ConfigurationKeys)
    /// A sequence, each element of one shape.
    case list(ConfigurationKeys)
    /// A scalar, or a mapping of this shape (a route entry: `ark` or `{provider: ark, weight: 2}`).
    case scalarOr([String: ConfigurationKeys])

    /// The whole file.
    static let file: ConfigurationKeys = object(
        ConfigurationFile.CodingKeys.self,
        [
            .server: object(ConfigurationFile.Server.CodingKeys.self),
            .submission: object(ConfigurationFile.Submission.CodingKeys.self),
            .store: object(ConfigurationFile.Store.CodingKeys.self),
            .emulators: object(ConfigurationFile.Emulators.CodingKeys.self),
            .providers: .map(
                object(
                    ConfigurationFile.Provider.CodingKeys.self,
                    [
                        .credentials: .map(.value),
                        .models: .map(object(ConfigurationFile.ModelLimits.CodingKeys.self)),
                    ])),
            .routing: object(
                ConfigurationFile.Routing.CodingKeys.self,
                [
                    .defaultRoute: .list(routeEntry),
                    .routes: .map(.list(routeEntry)),
                ]),
            .webhooks: object(
                ConfigurationFile.Webhooks.CodingKeys.self, [.endpoints: .list(.value), .allowHosts: .list(.value), .denyHosts: .list(.value)]),
            .clients: .list(object(ConfigurationFile.Client.CodingKeys.self)),
            .log: object(ConfigurationFile.Log.CodingKeys.self),
            .archive: object(ConfigurationFile.Archive.CodingKeys.self, [.s3: object(ConfigurationFile.S3.CodingKeys.self)]),
            .retention: object(
                ConfigurationFile.Retention.CodingKeys.self,
                [
                    .defaultRule: object(ConfigurationFile.Rule.CodingKeys.self),
                    .tenants: .map(object(ConfigurationFile.Rule.CodingKeys.self)),
                ]),
        ])

    static let routeEntry: ConfigurationKeys = .scalarOr(names(RouteEntry.CodingKeys.self, [:]))

    /// An object with every key of `Keys`: those in `nested` of their shape, the others scalars.
    static func object<Keys: CodingKey & CaseIterable & Hashable>(_: Keys.Type, _ nested: [Keys: ConfigurationKeys] = [:]) -> ConfigurationKeys {
        .object(names(Keys.self, nested))
    }

    private static func names<Keys: CodingKey & CaseIterable & Hashable>(
        _: Keys.Type, _ nested: [Keys: ConfigurationKeys]
    ) -> [String: ConfigurationKeys] {
        Dictionary(uniqueKeysWithValues: Keys.allCases.map { ($0.stringValue, nested[$0] ?? .value) })
    }

    /// Every key of `yaml` this tree does not know, as `path: unknown key (did you mean …?)`, in document order.
    static func unknownKeys(in yaml: String) throws -> [String] {
        guard let root = try Yams.compose(yaml: yaml) else { return [] }
        var problems: [String] = []
        file.check(root, path: "", into: &problems)
        return problems
    }

    private func check(_ node: Node, path: String, into problems: inout [String]) {
        switch (self, node) {
        case (.object(let keys), .mapping(let mapping)), (.scalarOr(let keys), .mapping(let mapping)):
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? "\(keyNode)"
                let here = path.isEmpty ? key : "\(path).\(key)"
                guard let shape = keys[key] else {
                    var problem = "\(here): unknown key"
                    if let near = Self.nearest(to: key, among: Array(keys.keys)) {
                        problem += " (did you mean \(path.isEmpty ? near : "\(path).\(near)")?)"
                    } else {
                        problem += "; known here: \(keys.keys.sorted().joined(separator: ", "))"
                    }
                    problems.append(problem)
                    continue
                }
                shape.check(value, path: here, into: &problems)
            }
        case (.map(let shape), .mapping(let mapping)):
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? "\(keyNode)"
                shape.check(value, path: path.isEmpty ? key : "\(path).\(key)", into: &problems)
            }
        case (.list(let shape), .sequence(let sequence)):
            for (index, element) in sequence.enumerated() {
                shape.check(element, path: "\(path)[\(index)]", into: &problems)
            }
        default:
            // A scalar where a scalar goes, or a value of the wrong kind, which the decoder then refuses by name.
            break
        }
    }

    /// The known key closest to `key` by edit distance, if it is close enough to be a likely misspelling.
    static func nearest(to key: String, among known: [String]) -> String? {
        let scored = known.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 == $1.1 ? $0.0 < $1.0 : $0.1 < $1.1 }) else { return nil }
        let allowed = max(2, min(key.count, best.0.count) / 3)
        if best.1 <= allowed { return best.0 }
        // A known key that starts with the typed one, or the other way round (`route` → `routes`, `timeout` → …).
        return known.filter { $0.hasPrefix(key) || key.hasPrefix($0) }.min { $0.count < $1.count }
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
