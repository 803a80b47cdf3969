import Foundation
import Logging
import SeedGateCore
import SeedGateRuntime
import SeedGateServer
import Testing

/// The status words and error codes each manifest documents (from the provider's documents) against what its adapter
/// makes of them: a documented word the adapter does not map, or maps to another status, fails; so does a documented
/// error code the adapter classifies as another kind or whose code it does not keep.
@Suite("Documented status words and error codes")
struct ManifestDialectTests {
    static func manifest(_ provider: ProviderID) throws -> ProviderManifest {
        try ManifestLoader.load(file: ContractFiles.manifestFile(provider))
    }

    @Test("every documented status word maps as the manifest says", arguments: ProviderModules.ids)
    func statusWords(_ provider: ProviderID) throws {
        let words = try #require(try Self.manifest(provider).statusWords, "\(provider): the manifest lists no status_words")
        #expect(!words.isEmpty)
        let adapter = try #require(ProviderModules.module(provider)?.adapter)
        for (word, status) in words.sorted(by: { $0.key < $1.key }) {
            #expect(adapter.status(forWord: word) == .mapped(status), "\(provider): \"\(word)\" should mean \(status.rawValue)")
        }
    }

    @Test("every documented error code of a create is classified as the manifest says", arguments: ProviderModules.ids)
    func documentedErrors(_ provider: ProviderID) async throws {
        let manifest = try Self.manifest(provider)
        let dialect = try #require(manifest.errors, "\(provider): the manifest has no errors section")
        #expect(!dialect.codes.isEmpty)
        // A recorded successful text-to-video create: its exchanges (a token exchange first, for Chanjing) are answered
        // as recorded, except the create itself, which answers with each documented error in turn.
        let create = try #require(
            try ContractFiles.cassettes(of: provider).map { try $0.load() }
                .first { $0.operation == .submit && $0.expect.submission != nil && $0.input.spec?.scenario == .textToVideo },
            "\(provider): no successful text-to-video create contract")
        let createCall = try #require(create.exchanges.last?.request)
        let adapter = try #require(ProviderModules.module(provider)?.adapter)
        let credentials = ProviderCredentials(Dictionary(uniqueKeysWithValues: manifest.credentials.keys.map { ($0, "test-\($0)") }))
        for documented in dialect.codes {
            let answer = UpstreamResponse(
                status: documented.http, headers: ["content-type": "application/json"],
                body: Data(dialect.answer(code: documented.code, message: documented.message ?? "documented error \(documented.code)").utf8))
            let transport = DocumentedErrorTransport(recorded: create.exchanges, failing: createCall, with: answer)
            let context = ProviderContext(baseURL: manifest.baseURL, credentials: credentials, transport: transport, logger: Logger(label: "test"))
            let outcome = try await ContractReplayTests.run(create, adapter: adapter, context: context)
            guard case .error(let error) = outcome else {
                Issue.record("\(provider): \(documented.code) (HTTP \(documented.http)) was not treated as an error: \(outcome)")
                continue
            }
            #expect(error.kind == documented.kind, "\(provider): \(documented.code) (HTTP \(documented.http)) is \(error.kind.rawValue)")
            #expect(error.providerCode == documented.code, "\(provider): \(documented.code) should be kept as the provider's code")
        }
    }
}

/// Answers a recorded call sequence by method and path, except `failing`, which gets `answer`.
struct DocumentedErrorTransport: UpstreamTransport {
    let recorded: [ContractCassette.Exchange]
    let failing: ContractCassette.RecordedRequest
    let answer: UpstreamResponse

    init(recorded: [ContractCassette.Exchange], failing: ContractCassette.RecordedRequest, with answer: UpstreamResponse) {
        self.recorded = recorded
        self.failing = failing
        self.answer = answer
    }

    func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse {
        if request.method == failing.method && request.path == failing.path { return answer }
        guard let exchange = recorded.first(where: { $0.request.method == request.method && $0.request.path == request.path }) else {
            throw TransportFailure(.connection, requestSent: false, detail: "no recorded answer for \(request.method) \(request.path)")
        }
        return exchange.response.upstreamResponse
    }
}
