import ArgumentParser
import Foundation
import SeedGateClient

/// `seedgate jobs list|get|cancel`: the operator's view of jobs, through the typed client.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, show and cancel jobs on a running SeedGate (a tenant's key sees its own jobs, an admin key every tenant's).",
        subcommands: [List.self, Get.self, Cancel.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")

        @OptionGroup var client: ClientOptions

        @Option(help: "Only jobs in this status: queued, running, succeeded, failed, cancelled or expired.")
        var status: Components.Schemas.JobStatus?

        @Option(help: "Only jobs of this model.")
        var model: String?

        @Option(help: "Only jobs at this provider.")
        var provider: String?

        @Option(help: "At most this many jobs (1-100).")
        var limit: Int = 20

        @Option(help: "The page after this cursor (printed after a full page).")
        var cursor: String?

        @Flag(help: "Print the API's JSON page (data, has_more, next_cursor).")
        var json = false

        func validate() throws {
            guard (1...100).contains(limit) else { throw ValidationError("--limit must be between 1 and 100") }
        }

        func run() async throws {
            try await CLIFailure.reporting {
                try await ClientSession.with(client) { session in
                    let answer = try await session.api.listJobs(
                        query: .init(status: status, model: model, provider: provider, limit: limit, cursor: cursor))
                    guard case .ok(let ok) = answer else { throw CLIFailure.unavailable("unexpected answer to listJobs: \(answer)") }
                    let page = try ok.body.json
                    if json {
                        print(try JobOutput.json(page))
                        return
                    }
                    print(page.data.isEmpty ? "no jobs" : JobOutput.table(page.data))
                    if page.hasMore, let next = page.nextCursor { print("more: --cursor \(next)") }
                }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a job.")

        @OptionGroup var client: ClientOptions

        @Argument(help: "The job's id (job_…).")
        var id: String

        @Flag(help: "Print the job as the API's JSON.")
        var json = false

        func run() async throws {
            try await CLIFailure.reporting {
                try await ClientSession.with(client) { session in
                    let answer = try await session.api.getJob(path: .init(jobId: id))
                    guard case .ok(let ok) = answer else { throw CLIFailure.unavailable("unexpected answer to getJob: \(answer)") }
                    let job = try ok.body.json
                    print(json ? try JobOutput.json(job) : JobOutput.details(job))
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a job (upstream too, where the provider allows it; otherwise the server's 409 says why).")

        @OptionGroup var client: ClientOptions

        @Argument(help: "The job's id (job_…).")
        var id: String

        @Flag(help: "Print the cancelled job as the API's JSON.")
        var json = false

        func run() async throws {
            try await CLIFailure.reporting {
                try await ClientSession.with(client) { session in
                    let answer = try await session.api.cancelJob(path: .init(jobId: id))
                    guard case .ok(let ok) = answer else { throw CLIFailure.unavailable("unexpected answer to cancelJob: \(answer)") }
                    let job = try ok.body.json
                    print(json ? try JobOutput.json(job) : "\(job.id)  \(job.status.rawValue)")
                }
            }
        }
    }
}

extension Components.Schemas.JobStatus: ExpressibleByArgument {}
