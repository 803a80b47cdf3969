import Foundation
import Logging
import SeedGateCore
import SeedGateRuntime
import SeedGateServer
import Testing

/// docs/create-outcomes.md, checked against every provider: each documented error answered to a create, and a
/// gateway's pages in front of the provider, go through the real adapter, and the outcome SeedGate draws from the
/// error (not created: another provider may take the job; unknown: the job ends `submit_outcome_unknown`) is the
/// one the table lists.
@Suite("Create outcomes per provider (docs/create-outcomes.md)")
struct CreateOutcomeTests {
    /// The documented codes whose answer to a create leaves the outcome unknown; every other documented code proves
    /// that nothing was created.
    static let unknownCodes: [ProviderID: Set<String>] = [
        "volcengine-ark": [],
        "byteplus-modelark": [],
        "acedata": ["api_error"],
        "modelverse": ["timeout", "internal_error", "model_server_error", "gateway_timeout_error"],
        "chanjing": ["50000", "51000"],
    ]

    /// The error the adapter makes of `answer` to its text-to-video create.
    static func createError(_ provider: ProviderID, answer: UpstreamResponse) async throws -> ProviderError? {
        let manifest = try ManifestDialectTests.manifest(provider)
        let create = try #require(
            try ContractFiles.cassettes(of: provider).map { try $0.load() }
                .first { $0.operation == .submit && $0.expect.submission != nil && $0.input.spec?.scenario == .textToVideo })
        let createCall = try #require(create.exchanges.last?.request)
        let adapter = try #require(ProviderModules.module(provider)?.adapter)
        let credentials = ProviderCredentials(Dictionary(uniqueKeysWithValues: manifest.credentials.keys.map { ($0, "test-\($0)") }))
        let transport = DocumentedErrorTransport(recorded: create.exchanges, failing: createCall, with: answer)
        let context = ProviderContext(baseURL: manifest.baseURL, credentials: credentials, transport: transport, logger: Logger(label: "test"))
        guard case .error(let error) = try await ContractReplayTests.run(create, adapter: adapter, context: context) else { return nil }
        return error
    }

    @Test("every documented error of a create has the outcome the table lists", arguments: ProviderModules.ids)
    func documentedCodes(_ provider: ProviderID) async throws {
        let manifest = try ManifestDialectTests.manifest(provider)
        let dialect = try #require(manifest.errors)
        let expectedUnknown = try #require(Self.unknownCodes[provider], "\(provider) is missing from docs/create-outcomes.md")
        for documented in dialect.codes {
            let answer = UpstreamResponse(
                status: documented.http, headers: ["content-type": "application/json"],
                body: Data(dialect.answer(code: documented.code, message: documented.message ?? "documented error \(documented.code)").utf8))
            let error = try #require(try await Self.createError(provider, answer: answer), "\(provider) \(documented.code)")
            let expected: CreateOutcome = expectedUnknown.contains(documented.code) ? .unknown : .notCreated
            #expect(manifest.createOutcome(of: error) == expected, "\(provider): \(documented.code) (HTTP \(documented.http))")
        }
    }

    @Test("a gateway's 502 or 504 page in front of the provider leaves the create's outcome unknown", arguments: ProviderModules.ids)
    func gatewayPages(_ provider: ProviderID) async throws {
        let manifest = try ManifestDialectTests.manifest(provider)
        for status in [502, 504] {
            let page = UpstreamResponse(
                status: status, headers: ["content-type": "text/html"], body: Data("<html><body><h1>\(status) Bad Gateway</h1></body></html>".utf8))
            let error = try #require(try await Self.createError(provider, answer: page), "\(provider) \(status)")
            #expect(manifest.createOutcome(of: error) == .unknown, "\(provider): a gateway's \(status) page")
        }
        let unavailable = UpstreamResponse(status: 503, headers: ["content-type": "text/html"], body: Data("<html>503</html>".utf8))
        let error = try #require(try await Self.createError(provider, answer: unavailable))
        #expect(manifest.createOutcome(of: error) == .notCreated, "\(provider): a proxy's 503 refuses the request")
    }

    @Test("timeouts after sending are unknown, failures before sending are not")
    func transportFailures() throws {
        let manifest = try ManifestDialectTests.manifest("volcengine-ark")
        #expect(manifest.createOutcome(of: ProviderError(TransportFailure(.timeout, requestSent: true, detail: "t"))) == .unknown)
        #expect(manifest.createOutcome(of: ProviderError(TransportFailure(.connection, requestSent: false, detail: "c"))) == .notCreated)
        #expect(manifest.createOutcome(of: ProviderError(TransportFailure(.responseTooLarge, requestSent: true, detail: "big"))) == .unknown)
        #expect(manifest.createOutcome(of: ProviderError(.malformedResponse, httpStatus: 200)) == .unknown)
        #expect(manifest.createOutcome(of: ProviderError(.invalidRequest, requestSent: false)) == .notCreated)
    }
}
