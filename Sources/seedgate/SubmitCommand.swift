import ArgumentParser
import Foundation
import SeedGateClient

/// `seedgate submit`: create a job through the typed client; optionally follow it to the end and save its video.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Create a job on a running SeedGate and print it; with --wait follow it to the end, with --download save its video.",
        discussion: "Exit status: 0 done, 1 refused by the server (4xx), 2 the job ended without succeeding, 3 server or connection "
            + "error, 64 usage error, 74 the download could not be written."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "The prompt (optional when an image says it all).")
    var prompt: String?

    @Option(help: "Canonical model name (see GET /v1/models).")
    var model: String = "seedance-1.5-pro"

    @Option(help: "Pin a provider (where the configuration allows it).")
    var provider: String?

    @Option(help: "480p, 720p or 1080p.")
    var resolution: String?

    @Option(help: "16:9, 4:3, 1:1, 3:4, 9:16, 21:9 or adaptive.")
    var ratio: String?

    @Option(help: "Seconds.")
    var duration: Int?

    @Option(
        name: .customLong("image"),
        help: ArgumentHelp(
            "An image: a local file (sent inline as a data: URL; png, jpeg, webp, gif, bmp, tiff, heic) or an http(s), data: or asset:// URL. "
                + "The first is the first frame; a second is the last frame.", valueName: "file|url"))
    var images: [String] = []

    @Option(
        name: .customLong("reference-image"),
        help: ArgumentHelp("A reference image (Seedance 2.x), file or URL as for --image; repeatable.", valueName: "file|url"))
    var referenceImages: [String] = []

    @Option(help: ArgumentHelp("Idempotency-Key: a retry with the same key returns the same job instead of paying twice.", valueName: "key"))
    var idempotencyKey: String?

    @Flag(help: "Follow the job until it ends, with a progress line on standard error.")
    var wait = false

    @Option(
        help: ArgumentHelp(
            "Wait for the job to succeed and save its video here (SeedGate's archived copy, else the provider's link). Implies --wait.",
            valueName: "file"))
    var download: String?

    @Option(help: ArgumentHelp("With --wait or --download, give up after this many seconds (exit 3).", valueName: "seconds"))
    var waitTimeout: Double?

    @Flag(help: "Print the job as JSON (the API's own shape) instead of a summary.")
    var json = false

    func validate() throws {
        if images.count > 2 { throw ValidationError("--image takes a first and a last frame; use --reference-image for more images") }
        if let waitTimeout, waitTimeout <= 0 { throw ValidationError("--wait-timeout must be more than 0 seconds") }
        if let download {
            let directory = URL(fileURLWithPath: download).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--download \(download): the folder \(directory) does not exist")
            }
            guard FileManager.default.isWritableFile(atPath: directory) else {
                throw ValidationError("--download \(download): the folder \(directory) is not writable")
            }
        }
    }

    func run() async throws {
        try await CLIFailure.reporting {
            let request = try makeRequest()
            try await ClientSession.with(client) { session in
                let answer = try await session.api.createJob(headers: .init(idempotencyKey: idempotencyKey), body: .json(request))
                guard case .accepted(let accepted) = answer else { throw CLIFailure.unavailable("unexpected answer to createJob: \(answer)") }
                var job = try accepted.body.json
                if accepted.headers.idempotentReplayed != nil {
                    StandardError.line("seedgate: the job of an earlier request with this Idempotency-Key")
                }
                guard wait || download != nil else {
                    print(json ? try JobOutput.json(job) : "\(job.id)  \(job.status.rawValue)  \(job.model)")
                    return
                }
                let follower = JobFollower(session: session, waitLimit: waitTimeout.map { .milliseconds(Int64($0 * 1000)) })
                job = try await follower.follow(job, untilArchived: download != nil)
                print(json ? try JobOutput.json(job) : JobOutput.details(job))
                guard job.status == .succeeded else {
                    let reason = job.error.map { ": \(JobOutput.errorText($0))" } ?? ""
                    throw CLIFailure(description: "job \(job.id) \(job.status.rawValue)\(reason)", exitCode: ClientExit.jobUnsuccessful)
                }
                if let download {
                    let bytes = try await follower.download(job, to: download)
                    StandardError.line("seedgate: saved \(download) (\(bytes) bytes)")
                }
            }
        }
    }

    /// The create request; local image files become data: URLs here, before anything is sent.
    func makeRequest() throws -> Components.Schemas.CreateJobRequest {
        func url(_ argument: String) throws -> String {
            guard ImageDataURL.isLocalFile(argument) else { return argument }
            do {
                return try ImageDataURL.make(contentsOf: argument)
            } catch {
                throw CLIFailure.usage("--image: \(error.description)")
            }
        }
        var inputs: [Components.Schemas.ImageInput] = []
        for (index, image) in images.enumerated() {
            inputs.append(.init(url: try url(image), role: index == 0 ? .firstFrame : .lastFrame))
        }
        for image in referenceImages { inputs.append(.init(url: try url(image), role: .reference)) }
        return Components.Schemas.CreateJobRequest(
            model: model, prompt: prompt, images: inputs.isEmpty ? nil : inputs, resolution: resolution, ratio: ratio, duration: duration,
            provider: provider)
    }
}
