import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Create a job on a running SeedGate and print it; with --wait, follow it to the end."
    )

    @Argument(help: "The prompt.")
    var prompt: String

    @Option(help: "Canonical model name (see GET /v1/models).")
    var model: String = "seedance-1.5-pro"

    @Option(help: "SeedGate's base URL.")
    var server: String = ProcessInfo.processInfo.environment["SEEDGATE_URL"] ?? "http://127.0.0.1:8080"

    @Option(help: "Pin a provider (where the configuration allows it).")
    var provider: String?

    @Option(help: "480p, 720p or 1080p.")
    var resolution: String?

    @Option(help: "16:9, 4:3, 1:1, 3:4, 9:16, 21:9 or adaptive.")
    var ratio: String?

    @Option(help: "Seconds.")
    var duration: Int?

    @Option(name: .customLong("image"), help: "An image URL (first frame; give two for first + last frame).")
    var images: [String] = []

    @Flag(help: "Follow the job with a live progress line until it ends.")
    var wait = false

    func run() async throws {
        var body: [String: Any] = ["model": model, "prompt": prompt]
        if let provider { body["provider"] = provider }
        if let resolution { body["resolution"] = resolution }
        if let ratio { body["ratio"] = ratio }
        if let duration { body["duration"] = duration }
        if !images.isEmpty {
            body["images"] = images.enumerated().map { ["url": $1, "role": $0 == 0 ? "first_frame" : "last_frame"] }
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await follow(client, body: body)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func follow(_ client: HTTPClient, body: [String: Any]) async throws {
        let (status, created) = try await send(client, method: .POST, path: "/v1/jobs", body: JSONSerialization.data(withJSONObject: body))
        guard status == 202, let id = created["id"] as? String else {
            print(pretty(created))
            throw ExitCode(1)
        }
        guard wait else {
            print(pretty(created))
            return
        }
        let started = Date()
        var job = created
        while true {
            let state = job["status"] as? String ?? "?"
            let upstream = (job["upstream"] as? [String: Any])?["status"] as? String
            let line =
                "\(id)  \(state)  \(Int(Date().timeIntervalSince(started)))s  provider=\(job["provider"] as? String ?? "-")  upstream=\(upstream ?? "-")"
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            if ["succeeded", "failed", "cancelled", "expired"].contains(state) { break }
            try await Task.sleep(for: .seconds(1))
            job = try await send(client, method: .GET, path: "/v1/jobs/\(id)", body: nil).1
        }
        FileHandle.standardError.write(Data("\n".utf8))
        print(pretty(job))
        if job["status"] as? String != "succeeded" { throw ExitCode(2) }
    }

    func send(_ client: HTTPClient, method: HTTPMethod, path: String, body: Data?) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: server + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 4 * 1024 * 1024)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    func pretty(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
