import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SeedGateCore

// The compatibility facades: the OpenAI Videos API (`OpenAIVideos/`) and the Volcengine Ark task API
// (`ArkTasks/`), spoken over the same jobs as `/v1/jobs`. Everything here is shared by both.

/// Adds both facades to `router`, each a route collection with its own error mapping and, inside it, the same
/// authentication as the unified API: everything a facade route throws, a refused API key included, is answered in
/// that facade's error shape (the request id, logging and body limit come from the router's own middleware).
func addCompatibilityFacades<Context: RequestContext>(
    to router: Router<Context>, jobs: JobService, keys: APIKeys, maxBodyBytes: Int, files: ResultFileFetcher = .httpClient,
    media: (any MediaStore)? = nil
) {
    router.addRoutes(
        OpenAIVideosRoutes(jobs: jobs, maxBodyBytes: maxBodyBytes, files: files, media: media).routes(
            authentication: AuthenticationMiddleware(keys: keys)))
    router.addRoutes(ArkTasksRoutes(jobs: jobs, maxBodyBytes: maxBodyBytes).routes(authentication: AuthenticationMiddleware(keys: keys)))
}

/// Answers everything thrown below it in one facade's error shape (`convert` maps SeedGate's typed reasons to the
/// facade's codes), logging the errors that are SeedGate's fault with the original error's type.
struct FacadeErrorMiddleware<Context: RequestContext, Failure: SeedGateResponseError>: RouterMiddleware {
    let facade: String
    let convert: @Sendable (any Error) -> Failure

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let failure = convert(error)
            if failure.status.code >= 500 {
                context.logger.error(
                    "\(facade) facade request failed",
                    metadata: ["error": "\(String(reflecting: type(of: error)))", "status": "\(failure.status.code)"])
            }
            throw failure
        }
    }
}

/// A result file (video or last frame) fetched from where the provider serves it, ready to stream on.
struct FetchedFile: Sendable {
    var status: Int
    var contentType: String?
    var contentLength: Int?
    var body: ResponseBody
}

/// How the OpenAI facade's `/content` gets a provider's result file. A closure so tests can stand in for the network.
struct ResultFileFetcher: Sendable {
    var fetch: @Sendable (_ url: String) async throws -> FetchedFile

    /// Fetches with a process-wide AsyncHTTPClient, streaming the body through without buffering it.
    static let httpClient = ResultFileFetcher { url in
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await untracedClient.execute(request, timeout: .seconds(60))
        return FetchedFile(
            status: Int(response.status.code), contentType: response.headers.first(name: "content-type"),
            contentLength: response.headers.first(name: "content-length").flatMap { Int($0) },
            body: ResponseBody(asyncSequence: response.body)
        )
    }

    /// `HTTPClient.shared`'s configuration without AsyncHTTPClient's spans, which would record the provider's signed
    /// link (its query) once a tracer is installed (docs/tracing.md). Lives as long as the process, like `shared`.
    private static let untracedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}

/// Model names as clients of the facades send them.
enum FacadeModels {
    /// The canonical model for a canonical name or for any configured provider's upstream model id
    /// (`doubao-seedance-1-5-pro-251215` → `seedance-1.5-pro`); nil when nothing matches.
    static func canonical(_ name: String, in catalogue: ModelCatalogue) -> String? {
        if catalogue.knows(model: name) { return name }
        let offerings = catalogue.manifests.values.flatMap(\.models)
        if let exact = offerings.first(where: { $0.upstream == name }) { return exact.name }
        return offerings.first { $0.upstream.lowercased() == name.lowercased() }?.name
    }
}

/// Reads every job matching a query, newest first, for the listings the store cannot order or count itself
/// (OpenAI `order=asc`, Ark's `total`).
enum JobScan {
    /// The most jobs one listing reads.
    static let cap = 10_000

    /// Jobs matching `query`, newest first, stopping early once `stop` says so; `truncated` when the cap was hit.
    static func newestFirst(
        _ jobs: JobService, _ query: JobQuery, stop: (Job) -> Bool = { _ in false }
    ) async throws -> (jobs: [Job], truncated: Bool) {
        var query = query
        query.limit = 100
        var found: [Job] = []
        while true {
            let page = try await jobs.list(query)
            for (index, job) in page.jobs.enumerated() {
                if stop(job) { return (found, false) }
                found.append(job)
                if found.count >= cap { return (found, page.next != nil || index < page.jobs.count - 1) }
            }
            guard let next = page.next else { return (found, false) }
            query.after = next
        }
    }
}

extension Date {
    /// Whole Unix seconds, the timestamp format of both facades.
    var unixSeconds: Int { Int(timeIntervalSince1970.rounded(.down)) }
}

/// How long the facades' cancels wait out a job being handed to its provider (JobService refuses a cancel then,
/// since the task may or may not exist upstream yet): the facades' clients expect a cancel of an unfinished task
/// to just work, so they wait longer than the unified API's 5 s before passing on the refusal.
enum FacadeCancel {
    static let patience: Duration = .seconds(15)
}
