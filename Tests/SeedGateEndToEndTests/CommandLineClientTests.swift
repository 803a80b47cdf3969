import Foundation
import SeedGateBuildInfo
import SeedGateCore
import Testing

/// The `seedgate` client commands as a user runs them, against a `seedgate serve` that requires keys (embedded
/// mode: every provider emulated): submit with a local image and --download, jobs list/get/cancel, a wrong key.
@Suite(.timeLimit(.minutes(3))) struct CommandLineClientTests {
    static let key = "sg-cli-e2e-key-NEVER-PRINTED-5d1e"

    /// A smallest valid PNG (1×1, grey).
    static let png = Data(
        base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")!

    /// One run of the `seedgate` binary: exit status, standard output and standard error apart.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    /// Runs `seedgate ARGUMENTS` to its end, polling (not blocking a thread) for its exit.
    static func seedgate(_ arguments: [String], environment: [String: String] = [:], in directory: URL) async throws -> Run {
        let stem = directory.appendingPathComponent("run-\(UUID().uuidString)")
        let out = stem.appendingPathExtension("out")
        let err = stem.appendingPathExtension("err")
        // The CLI's own variables are cleared unless the test sets them, so the developer's shell does not leak in.
        var base = ProcessInfo.processInfo.environment
        for name in ["SEEDGATE_URL", "SEEDGATE_API_KEY", "SEEDGATE_API_KEY_FILE"] { base[name] = nil }
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", #"exec "$0" "$@" >"$SG_TEST_OUT" 2>"$SG_TEST_ERR""#, ServerProcess.binary.path] + arguments,
            environment: base.merging(environment) { $1 }.merging(["SG_TEST_OUT": out.path, "SG_TEST_ERR": err.path]) { $1 }, output: nil)
        while child.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        let status = child.waitUntilExit()
        return Run(
            status: status, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    @Test func submitWithALocalImageDownloadsTheVideoAndJobsCommandsWorkWithTheKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The server reads the client key from a file (SEEDGATE_TEST_CLI_KEY_FILE), as from a mounted secret.
        let keyFile = directory.appendingPathComponent("cli-key")
        try Data((Self.key + "\n").utf8).write(to: keyFile)
        let config = directory.appendingPathComponent("seedgate.yaml")
        try """
        store: {kind: sqlite, path: "\(directory.appendingPathComponent("jobs.sqlite").path)"}
        catalog_dir: "\(repositoryRoot.appendingPathComponent("Providers").path)"
        emulators: {queue_seconds: 0.2, run_seconds: 0.4}
        archive: {directory: "\(directory.appendingPathComponent("media").path)"}
        clients:
          - {name: cli, tenant: cli, key_env: SEEDGATE_TEST_CLI_KEY}
        log: {level: warning}
        """.write(to: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess(
            configFile: config.path, environment: ["SEEDGATE_TEST_CLI_KEY_FILE": keyFile.path, "SEEDGATE_DEMO": "1"], name: "cli")
        defer { server.terminate() }
        try await server.waitUntilReady()
        let image = directory.appendingPathComponent("photo.png")
        try Self.png.write(to: image)
        let video = directory.appendingPathComponent("out.mp4")
        let url = ["--url", server.baseURL]

        // submit: the local PNG goes as a data: URL; the command waits for success and the archive, then saves the file.
        let submitted = try await Self.seedgate(
            ["submit", "a kitten yawns at the camera", "--image", image.path, "--download", video.path, "--api-key", Self.key] + url,
            in: directory)
        #expect(submitted.status == 0, "\(submitted.all)\n\(server.logTail())")
        let bytes = try Data(contentsOf: video)
        #expect(bytes.count > 8)
        #expect(bytes.count > 8 && String(decoding: bytes[4..<8], as: UTF8.self) == "ftyp", "an MP4 file starts with its ftyp box")
        #expect(submitted.stdout.contains("succeeded"))
        #expect(!submitted.all.contains(Self.key), "the key is never echoed")
        let id = try #require(submitted.stdout.split(separator: "\n").first { $0.hasPrefix("id ") }?.split(separator: " ").last.map(String.init))

        // jobs list --json: the API's page, with the job in it (the key from SEEDGATE_API_KEY this time).
        let listed = try await Self.seedgate(["jobs", "list", "--json"] + url, environment: ["SEEDGATE_API_KEY": Self.key], in: directory)
        #expect(listed.status == 0, "\(listed.all)")
        let page = try Self.json(listed.stdout)
        let jobs = try #require(page["data"] as? [[String: Any]])
        #expect(jobs.contains { $0["id"] as? String == id && $0["status"] as? String == "succeeded" })
        #expect(page["has_more"] as? Bool == false)

        // jobs get --json: the job with its archived copy (the key from the file SEEDGATE_API_KEY_FILE names).
        let got = try await Self.seedgate(["jobs", "get", id, "--json"] + url, environment: ["SEEDGATE_API_KEY_FILE": keyFile.path], in: directory)
        #expect(got.status == 0, "\(got.all)")
        let job = try Self.json(got.stdout)
        #expect(job["status"] as? String == "succeeded")
        #expect((job["output"] as? [String: Any]).flatMap { $0["archive"] as? [String: Any] }?["state"] as? String == "archived")
        #expect(((job["request"] as? [String: Any])?["images"] as? [[String: Any]])?.first?["role"] as? String == "first_frame")

        // jobs cancel: a job no provider will take (every emulator answers its create as rate limited, so it waits in
        // SeedGate) is cancelled at once.
        let created = try await Self.seedgate(
            ["submit", "a queue that never clears [[reject:ratelimit]]", "--json", "--api-key", Self.key] + url, in: directory)
        #expect(created.status == 0, "\(created.all)")
        let pending = try #require(try Self.json(created.stdout)["id"] as? String)
        let cancelled = try await Self.seedgate(["jobs", "cancel", pending, "--api-key", Self.key] + url, in: directory)
        #expect(cancelled.status == 0, "\(cancelled.all)\n\(server.logTail())")
        #expect(cancelled.stdout.contains("\(pending)  cancelled"))
        let after = try await Self.seedgate(["jobs", "get", pending, "--json", "--api-key", Self.key] + url, in: directory)
        #expect(try Self.json(after.stdout)["status"] as? String == "cancelled")

        // A wrong key: the server's 401 detail on standard error, exit 1 (refused), and neither key printed.
        let wrongKey = "sg-wrong-key-3a7c"
        let refused = try await Self.seedgate(["jobs", "list", "--api-key", wrongKey] + url, in: directory)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("401 Unauthorized: send a valid API key"), "\(refused.all)")
        #expect(!refused.all.contains(wrongKey) && !refused.all.contains(Self.key))
        #expect(refused.stdout.isEmpty)

        // A job of another tenant, or none: 404 is a refusal too.
        let missing = try await Self.seedgate(["jobs", "get", "job_does_not_exist", "--api-key", Self.key] + url, in: directory)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("404"))
    }

    @Test func aServerThatIsNotThereIsExitThreeAndAMissingImageIsAUsageError() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Port 9 (discard) on loopback: nothing listens there in a test environment.
        let unreachable = try await Self.seedgate(["jobs", "list", "--url", "http://127.0.0.1:9"], in: directory)
        #expect(unreachable.status == 3, "\(unreachable.all)")
        #expect(unreachable.stderr.hasPrefix("seedgate: "))
        let noImage = try await Self.seedgate(
            ["submit", "x", "--image", directory.appendingPathComponent("nope.png").path, "--url", "http://127.0.0.1:9"], in: directory)
        #expect(noImage.status == 64, "\(noImage.all)")
        #expect(noImage.stderr.contains("nope.png"))
    }

    @Test func versionPrintsTheVersionAndRevision() async throws {
        let run = try await Self.seedgate(["--version"], in: FileManager.default.temporaryDirectory)
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("seedgate \(BuildInfo.version) (git "), "\(run.all)")
        #expect(!run.stdout.contains("(git )"), "a revision, or unknown")
    }
}
