import Foundation
import SeedGateCore
import SeedGateTesting
import Testing

/// One recorded contract, `Providers/<id>/contracts/<scenario>.json`: an adapter call, the HTTP exchanges it makes
/// (verbatim wire JSON), and what the adapter must make of them.
///
/// Format (the same for every provider):
/// ```
/// { "scenario": "<file name without .json>",
///   "provenance": {"source": "docs | composed | recorded", "notes": "what the shapes and values rest on"},
///   "operation": "submit | fetch | cancel | callback",
///   "input": submit:   {"jobID", "upstreamModel", "spec": <JobSpec, normalised>, "draftTaskID"?, "callbackURL"?}
///            fetch:    {"targets": [{"taskID", "serviceTier"}]}
///            cancel:   {"taskID"}
///            callback: {"body": <the JSON the provider POSTs>},
///   "exchanges": [{"request":  {"method", "path", "query": [[name, value]…], "headers": {name: value | null}, "json"?},
///                  "response": {"status", "headers"?, "json"? | "body"?}}],
///   "expect": exactly one of
///            {"submission": {"taskID", "snapshot"?}}
///            {"fetch": {"<task id>": {"found": <snapshot>} | {"notFound": true}}}
///            {"cancel": {"outcome": "cancelled" | "refused" | "finished", "reason"?, "snapshot"?}}
///            {"snapshot": <snapshot>}                                   (callback)
///            {"error": {"kind", "httpStatus"?, "providerCode"?, "providerMessage"?, "retryAfter"?, "requestSent"?}} }
/// ```
/// A snapshot is `{"taskID", "status": <JobStatus> | "unrecognised", "rawStatus", "output"?, "usage"?, "error"?}`
/// with `output`, `usage` and `error` in SeedGateCore's Codable form (`JobOutput`, …; dates ISO 8601).
/// Inside `exchanges` everything is the provider's wire format; outside, keys are SeedGate's Swift property names.
/// Request headers: only the listed ones are checked; `null` means "must not be sent"; a value ending in
/// `<redacted>` or `<any>` matches any value starting with what precedes it (so `Bearer <redacted>` checks the
/// scheme without recording a key). Request `query` is compared exactly, in order; `json` bodies as parsed values.
struct ContractCassette: Decodable, Sendable {
    enum Operation: String, Decodable, Sendable {
        case submit, fetch, cancel, callback
    }

    struct Provenance: Decodable, Sendable {
        enum Source: String, Decodable, Sendable {
            /// Shapes and values taken from the provider's documentation.
            case docs
            /// Shapes from the documentation, values (or undocumented details) composed; `notes` says which.
            case composed
            /// Captured from the live provider (credentials redacted).
            case recorded
        }

        var source: Source
        var notes: String
    }

    struct Input: Decodable, Sendable {
        var jobID: String?
        var upstreamModel: String?
        var spec: JobSpec?
        var draftTaskID: String?
        var callbackURL: String?
        var targets: [Target]?
        var taskID: String?
        var body: JSONValue?
    }

    struct Target: Decodable, Sendable {
        var taskID: String
        var serviceTier: ServiceTier
    }

    typealias Exchange = RecordedExchange
    typealias RecordedRequest = SeedGateTesting.RecordedRequest
    typealias RecordedResponse = SeedGateTesting.RecordedResponse

    struct Expectation: Decodable, Sendable {
        var submission: ExpectedSubmission?
        var fetch: [String: ExpectedFetch]?
        var cancel: ExpectedCancel?
        var snapshot: ExpectedSnapshot?
        var error: ExpectedError?
    }

    struct ExpectedSubmission: Decodable, Sendable {
        var taskID: String
        var snapshot: ExpectedSnapshot?
    }

    struct ExpectedFetch: Decodable, Sendable {
        var found: ExpectedSnapshot?
        var notFound: Bool?
    }

    struct ExpectedCancel: Decodable, Sendable {
        var outcome: String
        var reason: String?
        /// For `finished`: the task's state as the adapter reports it.
        var snapshot: ExpectedSnapshot?
    }

    struct ExpectedSnapshot: Decodable, Sendable {
        var taskID: String
        var status: String
        var rawStatus: String
        var output: JobOutput?
        var usage: JobUsage?
        var error: JobError?
    }

    struct ExpectedError: Decodable, Sendable {
        var kind: ProviderError.Kind
        var httpStatus: Int?
        var providerCode: String?
        var providerMessage: String?
        var retryAfter: Double?
        var requestSent: Bool?
    }

    /// A cassette the file does not describe coherently.
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    var scenario: String
    var provenance: Provenance
    var operation: Operation
    var input: Input
    var exchanges: [Exchange]
    var expect: Expectation

    static func load(_ url: URL) throws -> ContractCassette {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(ContractCassette.self, from: Data(contentsOf: url))
        } catch {
            throw Invalid(description: "\(url.lastPathComponent): \(error)")
        }
    }

    /// What the adapter must return, in the same form `ContractOutcome` gives the actual result.
    func expectedOutcome() throws -> ContractOutcome {
        var outcomes: [ContractOutcome] = []
        if let submission = expect.submission {
            outcomes.append(.submission(Submission(taskID: submission.taskID, snapshot: try submission.snapshot?.snapshot())))
        }
        if let fetch = expect.fetch {
            var results: [String: FetchResult] = [:]
            for (id, expected) in fetch {
                switch (expected.found, expected.notFound) {
                case (let snapshot?, nil), (let snapshot?, false?): results[id] = .found(try snapshot.snapshot())
                case (nil, true?): results[id] = .notFound
                default: throw Invalid(description: "\(scenario): fetch result for \(id) needs exactly one of found / notFound: true")
                }
            }
            outcomes.append(.fetch(results))
        }
        if let cancel = expect.cancel {
            switch cancel.outcome {
            case "cancelled": outcomes.append(.cancel(.cancelled))
            case "refused": outcomes.append(.cancel(.refused(cancel.reason ?? "")))
            case "finished":
                guard let snapshot = cancel.snapshot else { throw Invalid(description: "\(scenario): a finished cancel needs its snapshot") }
                outcomes.append(.cancel(.finished(try snapshot.snapshot())))
            default: throw Invalid(description: "\(scenario): cancel outcome must be cancelled, refused or finished")
            }
        }
        if let snapshot = expect.snapshot { outcomes.append(.snapshot(try snapshot.snapshot())) }
        if let error = expect.error {
            outcomes.append(
                .error(
                    ProviderError(
                        error.kind, httpStatus: error.httpStatus, providerCode: error.providerCode,
                        providerMessage: error.providerMessage, retryAfter: error.retryAfter, requestSent: error.requestSent ?? true
                    )))
        }
        guard outcomes.count == 1, let outcome = outcomes.first else {
            throw Invalid(description: "\(scenario): expect must hold exactly one of submission, fetch, cancel, snapshot, error")
        }
        return outcome
    }
}

extension ContractCassette.ExpectedSnapshot {
    func snapshot() throws -> UpstreamSnapshot {
        let mapped: UpstreamSnapshot.Status
        if status == "unrecognised" {
            mapped = .unrecognised(rawStatus)
        } else if let jobStatus = JobStatus(rawValue: status) {
            mapped = .mapped(jobStatus)
        } else {
            throw ContractCassette.Invalid(description: "snapshot status \(status) is neither a JobStatus nor unrecognised")
        }
        return UpstreamSnapshot(taskID: taskID, status: mapped, rawStatus: rawStatus, output: output, usage: usage, error: error)
    }
}

/// What an adapter call produced: its result or its error.
enum ContractOutcome: Equatable, Sendable {
    case submission(Submission)
    case fetch([String: FetchResult])
    case cancel(CancelOutcome)
    case snapshot(UpstreamSnapshot)
    case error(ProviderError)
}

/// Where the contracts live: the repository's `Providers/` folder, found from this source file, not the working directory.
enum ContractFiles {
    static let providersDirectory: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("Providers")
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("Providers")
    }()

    static func manifestFile(_ provider: ProviderID) -> URL {
        providersDirectory.appendingPathComponent(provider.rawValue).appendingPathComponent("manifest.yaml")
    }

    /// The folders under `Providers/`, by name.
    static func providerFolders() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: providersDirectory.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            let path = providersDirectory.appendingPathComponent(name).path
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
    }

    /// `Providers/<id>/contracts/*.json`, sorted by name.
    static func cassettes(of provider: ProviderID) -> [CassetteFile] {
        let folder = providersDirectory.appendingPathComponent(provider.rawValue).appendingPathComponent("contracts")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map {
            CassetteFile(provider: provider, url: folder.appendingPathComponent($0))
        }
    }
}

/// A cassette file, as a test argument.
struct CassetteFile: Sendable, CustomTestStringConvertible {
    var provider: ProviderID
    var url: URL

    var name: String { url.deletingPathExtension().lastPathComponent }
    var testDescription: String { "\(provider)/\(name)" }

    func load() throws -> ContractCassette { try ContractCassette.load(url) }
}
