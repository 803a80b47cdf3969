import AsyncHTTPClient
import Foundation
import NIOCore
import SeedGateCore
import Testing

@testable import SeedGateHTTP

/// The OpenAI Videos and Volcengine Ark facades over real loopback HTTP (client → SeedGate → Ark emulator): their
/// field mappings, status mappings and error shapes. The official SDKs are exercised in tests/clients.
@Suite(.timeLimit(.minutes(2))) struct CompatibilityFacadeTests {
    static let videos = "/v1/videos"
    static let tasks = "/api/v3/contents/generations/tasks"

    /// A SeedGate on an Ark emulator, torn down after `body`.
    func withServer(queueSeconds: Double = 0.3, runSeconds: Double = 0.6, _ body: (RunningServer, HTTPClient) async throws -> Void) async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: queueSeconds, runSeconds: runSeconds)
        let server = try await RunningServer.start(RunningServer.configuration(emulator: emulator, database: temporaryDatabase()))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do { try await body(server, client) } catch {
            try? await client.shutdown()
            try? await server.stop()
            try? await emulator.stop()
            throw error
        }
        try await client.shutdown()
        try await server.stop()
        try await emulator.stop()
    }

    @Test func secondsAndSizeMapOntoResolutionRatioAndDuration() async throws {
        try await withServer { server, client in
            let created = try await client.json(
                .POST, server.baseURL + Self.videos, body: ["model": "seedance-1.5-pro", "prompt": "a fox", "seconds": "8", "size": "1792x1024"])
            #expect(created.status == 200)
            #expect(created.body["object"] as? String == "video")
            #expect(created.body["seconds"] as? String == "8")
            #expect(created.body["size"] as? String == "1920x1080")
            let id = try #require(created.body["id"] as? String)
            let job = try await client.json(.GET, server.baseURL + "/v1/jobs/\(id)").body
            #expect(job[path: "request.duration"] as? Int == 8)
            #expect(job[path: "request.resolution"] as? String == "1080p")
            #expect(job[path: "request.ratio"] as? String == "16:9")

            // Multipart as the SDK sends it, with an uploaded first frame; no seconds: the model's default.
            let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")!
            let form = try await client.multipart(
                server.baseURL + Self.videos,
                fields: [
                    ("model", nil, Data("seedance-1.0-pro".utf8)), ("prompt", nil, Data("a boat".utf8)), ("size", nil, Data("720x1280".utf8)),
                    ("input_reference", "frame.png", png),
                ])
            #expect(form.status == 200)
            #expect(form.body["size"] as? String == "704x1248")
            #expect(form.body["seconds"] as? String == "5")
            let formJob = try await client.json(.GET, server.baseURL + "/v1/jobs/\(form.body["id"] as? String ?? "")").body
            #expect(formJob[path: "request.ratio"] as? String == "9:16")
            let image = try #require((formJob[path: "request.images"] as? [[String: Any]])?.first)
            #expect(image["role"] as? String == "first_frame")
            #expect((image["url"] as? String)?.hasPrefix("data:image/png;base64,iVBOR") == true)
        }
    }

    @Test func sizeTableAndStatusMapping() {
        #expect(OpenAIVideoSizes.resolutionAndRatio(for: "1280x720")! == ("720p", "16:9"))
        #expect(OpenAIVideoSizes.resolutionAndRatio(for: "1024x1792")! == ("1080p", "9:16"))
        #expect(OpenAIVideoSizes.resolutionAndRatio(for: "960x960")! == ("720p", "1:1"))
        #expect(OpenAIVideoSizes.resolutionAndRatio(for: "1088x1920")! == ("1080p", "9:16"))
        #expect(OpenAIVideoSizes.resolutionAndRatio(for: "640x480") == nil)
        #expect(OpenAIVideoSizes.render(model: "seedance-1.5-pro", resolution: "720p", ratio: "adaptive") == "720p")
        let statuses = JobStatus.allCases.map { (OpenAIVideo.status($0), OpenAIVideo.progress($0)) }
        #expect(statuses.map(\.0) == ["queued", "in_progress", "completed", "failed", "failed", "failed"])
        #expect(statuses.map(\.1) == [0, 50, 100, 0, 0, 0])
        #expect(OpenAIError.param(forField: "images[0].url") == "input_reference")
        #expect(ArkTaskRequest.param(forField: "images[1].url", indexes: .init(images: [1, 2])) == "content[2].image_url.url")
        #expect(ArkTaskRequest.param(forField: "videos[0].url", indexes: .init(images: [1], videos: [3])) == "content[3].video_url.url")
        #expect(ArkTaskRequest.param(forField: "audios", indexes: .init()) == "content")
        #expect(OpenAIVideoSizes.resolutionAndRatio(for: "3840x2160")! == ("4k", "16:9"))
        #expect(OpenAIVideoSizes.render(model: "seedance-2.5", resolution: "480p", ratio: "16:9") == "854x480")
        #expect(MultipartForm.dispositionParameters(#"form-data; name="a"; filename="x; \"y\".png""#) == ["name": "a", "filename": #"x; "y".png"#])
    }

    @Test func openAIErrorsUseOpenAIsShape() async throws {
        try await withServer { server, client in
            let cases: [([String: Any], String, String)] = [
                (["model": "sora-2", "prompt": "x"], "model", "model_not_found"),
                (["prompt": "x"], "model", "missing_required_parameter"),
                (["model": "seedance-1.5-pro", "prompt": "x", "seconds": "3"], "seconds", "invalid_value"),
                (["model": "seedance-1.5-pro", "prompt": "x", "seconds": "four"], "seconds", "invalid_value"),
                (["model": "seedance-1.5-pro", "prompt": "x", "size": "640x480"], "size", "invalid_value"),
                (
                    ["model": "seedance-1.0-lite-t2v", "prompt": "x", "input_reference": "https://example.com/a.png"], "input_reference",
                    "unsupported_value"
                ),
            ]
            for (body, param, code) in cases {
                let answer = try await client.json(.POST, server.baseURL + Self.videos, body: body)
                #expect(answer.status == 400, "\(body)")
                #expect(answer.headers.first(name: "content-type") == "application/json")
                #expect(answer.body[path: "error.type"] as? String == "invalid_request_error")
                #expect(answer.body[path: "error.param"] as? String == param, "\(answer.text)")
                #expect(answer.body[path: "error.code"] as? String == code, "\(answer.text)")
            }
            let sora = try await client.json(.POST, server.baseURL + Self.videos, body: ["model": "sora-2", "prompt": "x"])
            #expect((sora.body[path: "error.message"] as? String)?.contains("seedance-1.5-pro") == true)
            let missing = try await client.json(.GET, server.baseURL + Self.videos + "/job_0000000000000000000000000z")
            #expect(missing.status == 404 && missing.body[path: "error.code"] as? String == "not_found")
            let text = try await client.json(.POST, server.baseURL + Self.videos, rawBody: "x", headers: [("Content-Type", "text/plain")])
            #expect(text.status == 415 && text.body[path: "error.type"] as? String == "invalid_request_error")
            for query in ["limit=0", "order=sideways", "after=nope"] {
                let list = try await client.json(.GET, server.baseURL + Self.videos + "?" + query)
                #expect(list.status == 400 && list.body[path: "error.param"] as? String == String(query.prefix { $0 != "=" }))
            }
        }
    }

    @Test func openAIStatusesProgressContentAndFailures() async throws {
        try await withServer { server, client in
            let created = try await client.json(
                .POST, server.baseURL + Self.videos, body: ["model": "seedance-1.5-pro", "prompt": "a lake", "seconds": "4"])
            let id = try #require(created.body["id"] as? String)
            #expect(created.body["status"] as? String == "queued" && created.body["progress"] as? Int == 0)
            let early = try await client.json(.GET, server.baseURL + Self.videos + "/\(id)")
            if early.body["status"] as? String != "completed" {
                #expect(Int(early.headers.first(name: "openai-poll-after-ms") ?? "") ?? 0 >= 500)
                let notReady = try await client.json(.GET, server.baseURL + Self.videos + "/\(id)/content")
                #expect(notReady.status == 400 && notReady.body[path: "error.code"] as? String == "video_not_ready")
            }
            let done = try await client.waitForVideo(server, id)
            #expect(done.body["status"] as? String == "completed" && done.body["progress"] as? Int == 100)
            #expect((done.body["completed_at"] as? Int ?? 0) >= (done.body["created_at"] as? Int ?? .max))
            #expect(done.headers.first(name: "openai-poll-after-ms") == nil)
            let bytes = try await client.execute(HTTPClientRequest(url: server.baseURL + Self.videos + "/\(id)/content"), timeout: .seconds(10))
            #expect(bytes.status == .ok && bytes.headers.first(name: "content-type") == "video/mp4")
            let data = try await bytes.body.collect(upTo: 1 << 20)
            #expect(Array(data.readableBytesView.dropFirst(4).prefix(4)) == Array("ftyp".utf8))
            let thumbnail = try await client.json(.GET, server.baseURL + Self.videos + "/\(id)/content?variant=thumbnail")
            #expect(thumbnail.status == 404 && thumbnail.body[path: "error.param"] as? String == "variant")

            let moderated = try await client.json(
                .POST, server.baseURL + Self.videos, body: ["model": "seedance-1.5-pro", "prompt": "[[fail:moderation]] a storm"])
            let failed = try await client.waitForVideo(server, moderated.body["id"] as? String ?? "")
            #expect(failed.body["status"] as? String == "failed")
            #expect(failed.body[path: "error.code"] as? String == "moderation_blocked")
            let noContent = try await client.json(.GET, server.baseURL + Self.videos + "/\(moderated.body["id"] as? String ?? "")/content")
            #expect(noContent.status == 404)
        }
    }

    @Test func openAIDeleteCancelsAndListPagesBothWays() async throws {
        try await withServer(queueSeconds: 60, runSeconds: 60) { server, client in
            var ids: [String] = []
            for n in 0..<3 {
                let created = try await client.json(.POST, server.baseURL + Self.videos, body: ["model": "seedance-1.0-pro", "prompt": "video \(n)"])
                ids.append(try #require(created.body["id"] as? String))
            }
            let desc = try await client.json(.GET, server.baseURL + Self.videos + "?limit=2").body
            #expect((desc["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[2], ids[1]])
            #expect(desc["has_more"] as? Bool == true && desc["last_id"] as? String == ids[1] && desc["object"] as? String == "list")
            let rest = try await client.json(.GET, server.baseURL + Self.videos + "?limit=2&after=\(ids[1])").body
            #expect((rest["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[0]] && rest["has_more"] as? Bool == false)
            let asc = try await client.json(.GET, server.baseURL + Self.videos + "?order=asc&limit=2&after=\(ids[0])").body
            #expect((asc["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[1], ids[2]] && asc["has_more"] as? Bool == false)

            _ = try await client.waitForJob(server, ids[0]) { $0[path: "upstream.task_id"] != nil }
            let deleted = try await client.json(.DELETE, server.baseURL + Self.videos + "/\(ids[0])")
            #expect(deleted.status == 200 && deleted.body["object"] as? String == "video.deleted" && deleted.body["deleted"] as? Bool == true)
            let after = try await client.json(.GET, server.baseURL + Self.videos + "/\(ids[0])").body
            #expect(after["status"] as? String == "failed" && after[path: "error.code"] as? String == "cancelled")
            #expect(try await client.json(.GET, server.baseURL + "/v1/jobs/\(ids[0])").body["status"] as? String == "cancelled")
            let again = try await client.json(.DELETE, server.baseURL + Self.videos + "/\(ids[0])")
            #expect(again.status == 200 && again.body["deleted"] as? Bool == false)
        }
    }

    @Test func arkFacadeSpeaksArksTaskAPI() async throws {
        try await withServer { server, client in
            let body: [String: Any] = [
                "model": "doubao-seedance-1-0-pro-250528", "content": [["type": "text", "text": "a windmill"]],
                "callback_url": NSNull(), "tools": NSNull(), "seed": 7, "ratio": "4:3", "duration": 3, "return_last_frame": true,
            ]
            let created = try await client.json(.POST, server.baseURL + Self.tasks, body: body)
            #expect(created.status == 200)
            let id = try #require(created.body["id"] as? String)
            let job = try await client.waitForJob(server, id, until: isTerminal)
            #expect(job["model"] as? String == "seedance-1.0-pro" && job["status"] as? String == "succeeded")
            let task = try await client.json(.GET, server.baseURL + Self.tasks + "/\(id)").body
            #expect(task["status"] as? String == "succeeded" && task["error"] is NSNull)
            let video = task[path: "content.video_url"] as? String
            #expect(video?.hasSuffix(".mp4") == true || video?.hasSuffix("/v1/jobs/\(id)/content") == true, "\(video ?? "-")")
            #expect(task[path: "content.last_frame_url"] != nil && task[path: "usage.total_tokens"] != nil)
            #expect(task["seed"] as? Int == 7 && task["ratio"] as? String == "4:3" && task["duration"] as? Int == 3)
            #expect(task["framespersecond"] as? Int == 24 && task["service_tier"] as? String == "default")

            let second = try await client.json(
                .POST, server.baseURL + Self.tasks, body: ["model": "seedance-1.5-pro", "content": [["type": "text", "text": "x"]]])
            let secondID = try #require(second.body["id"] as? String)
            let listed = try await client.json(.GET, server.baseURL + Self.tasks + "?filter.task_ids=\(id)&filter.task_ids=\(secondID)&page_size=1")
                .body
            #expect(listed["total"] as? Int == 2 && (listed["items"] as? [[String: Any]])?.first?["id"] as? String == secondID)
            let succeeded = try await client.json(
                .GET, server.baseURL + Self.tasks + "?filter.status=succeeded&filter.model=doubao-seedance-1-0-pro-250528"
            ).body
            #expect((succeeded["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            let deleted = try await client.json(.DELETE, server.baseURL + Self.tasks + "/\(id)")
            #expect(deleted.status == 200 && deleted.text == "{}")

            let moderated = try await client.json(
                .POST, server.baseURL + Self.tasks,
                body: ["model": "seedance-1.5-pro", "content": [["type": "text", "text": "[[fail:moderation]]"]]])
            _ = try await client.waitForJob(server, moderated.body["id"] as? String ?? "", until: isTerminal)
            let failed = try await client.json(.GET, server.baseURL + Self.tasks + "/\(moderated.body["id"] as? String ?? "")").body
            #expect(failed["status"] as? String == "failed" && failed[path: "error.code"] as? String == "OutputVideoSensitiveContentDetected")
        }
    }

    @Test func arkErrorsUseArksShape() async throws {
        try await withServer { server, client in
            let text: [String: Any] = ["type": "text", "text": "x"]
            let cases: [([String: Any], Int, String, String)] = [
                (["model": "ep-20250101-x", "content": [text]], 404, "InvalidEndpointOrModel.NotFound", "model"),
                (["model": "seedance-1.5-pro"], 400, "MissingParameter", "content"),
                (["model": "seedance-1.5-pro", "content": [text], "duration": 99], 400, "InvalidParameter", "duration"),
                (
                    [
                        "model": "seedance-1.5-pro",
                        "content": [text, ["type": "image_url", "image_url": ["url": "https://e.x/a.png"], "role": "middle"]],
                    ], 400, "InvalidParameter", "content[1].role"
                ),
                (["model": "seedance-1.5-pro", "content": [text], "callback_url": "https://e.x/hook"], 400, "InvalidParameter", "callback_url"),
                (["model": "seedance-1.5-pro", "content": [text], "seed": "seven"], 400, "InvalidParameter", "seed"),
            ]
            for (body, status, code, param) in cases {
                let answer = try await client.json(.POST, server.baseURL + Self.tasks, body: body)
                #expect(answer.status == status, "\(body)")
                #expect(answer.body[path: "error.code"] as? String == code && answer.body[path: "error.param"] as? String == param, "\(answer.text)")
                #expect((answer.body[path: "error.message"] as? String)?.contains("Request ID: ") == true)
                #expect(answer.body[path: "error.type"] as? String == (status == 404 ? "NotFound" : "BadRequest"))
            }
            let missing = try await client.json(.GET, server.baseURL + Self.tasks + "/job_0000000000000000000000000z")
            #expect(missing.status == 404 && missing.body[path: "error.code"] as? String == "ResourceNotFound")
            for query in ["page_size=0", "page_num=501", "filter.status=sleeping"] {
                let list = try await client.json(.GET, server.baseURL + Self.tasks + "?" + query)
                #expect(list.status == 400 && list.body[path: "error.param"] as? String == String(query.prefix { $0 != "=" }))
            }
        }
    }

    @Test func facadesSitBehindAuthenticationAndTenancy() async throws {
        let emulator = try await RunningEmulator.start()
        var configuration = RunningServer.configuration(emulator: emulator, database: temporaryDatabase())
        configuration.clients = [
            .init(name: "alice", tenant: "team-a", keySHA256: APIKeys.digest("alice-key")),
            .init(name: "bob", tenant: "team-b", keySHA256: APIKeys.digest("bob-key")),
        ]
        let server = try await RunningServer.start(configuration)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let alice = [("Authorization", "Bearer alice-key")]
        let bob = [("Authorization", "Bearer bob-key")]
        let anonymous = try await client.json(.POST, server.baseURL + Self.videos, body: ["model": "seedance-1.5-pro", "prompt": "x"])
        #expect(anonymous.status == 401)
        #expect(anonymous.headers.first(name: "WWW-Authenticate") == #"Bearer realm="seedgate""#)
        let arkAnonymous = try await client.json(.GET, server.baseURL + Self.tasks)
        #expect(arkAnonymous.status == 401 && arkAnonymous.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
        let created = try await client.json(.POST, server.baseURL + Self.videos, body: ["model": "seedance-1.5-pro", "prompt": "x"], headers: alice)
        let id = try #require(created.body["id"] as? String)
        #expect(try await client.json(.GET, server.baseURL + Self.tasks + "/\(id)", headers: alice).status == 200)
        let hidden = try await client.json(.GET, server.baseURL + Self.videos + "/\(id)", headers: bob)
        #expect(hidden.status == 404 && hidden.body[path: "error.code"] as? String == "not_found")
        #expect(try await client.json(.DELETE, server.baseURL + Self.videos + "/\(id)", headers: bob).status == 404)
        #expect(
            try await client.json(.GET, server.baseURL + Self.tasks + "/\(id)", headers: bob).body[path: "error.code"] as? String
                == "ResourceNotFound")
        let listed = try await client.json(.GET, server.baseURL + Self.videos, headers: bob).body
        #expect((listed["data"] as? [Any])?.isEmpty == true)
        try await client.shutdown()
        try await server.stop()
        try await emulator.stop()
    }
}

extension HTTPClient {
    /// Polls `GET /v1/videos/{id}` until the video is completed or failed.
    func waitForVideo(_ server: RunningServer, _ id: String) async throws -> JSONResponse {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let video = try await json(.GET, server.baseURL + "/v1/videos/\(id)")
            if ["completed", "failed"].contains(video.body["status"] as? String ?? "") { return video }
            if ContinuousClock.now > deadline { throw HarnessError("video \(id) never finished: \(video.text)") }
            try await _Concurrency.Task.sleep(for: .milliseconds(100))
        }
    }

    /// POSTs a `multipart/form-data` body: (name, filename, bytes) per part; a part with a filename is an image/png file.
    func multipart(_ url: String, fields: [(String, String?, Data)]) async throws -> JSONResponse {
        let boundary = "seedgate-\(UUID().uuidString)"
        var body = Data()
        for (name, filename, data) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"".utf8))
            if let filename { body.append(Data("; filename=\"\(filename)\"\r\nContent-Type: image/png".utf8)) }
            body.append(Data("\r\n\r\n".utf8) + data + Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let data = Data(bytes.readableBytesView)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return JSONResponse(status: Int(response.status.code), headers: response.headers, body: object, text: String(decoding: data, as: UTF8.self))
    }
}
