import AsyncHTTPClient
import Foundation
import NIOCore
import SeedGateEmulators
import Testing

/// A request to a result URL (no credentials: the links are signed or public), read whole.
private func fetch(_ client: HTTPClient, _ url: String, method: String = "GET", headers: [(String, String)] = []) async throws -> Reply {
    try await loopbackSend(client, method, url, body: nil, authorization: nil, headers: headers)
}

/// Creates a 1.5 pro task on a manually clocked Ark emulator, lets it succeed, and returns its result URLs.
private func succeededTask(
    _ ark: ArkHarness, _ clock: ManualClock, prompt: String = "a kitten yawns at the camera", _ extra: [String: Any] = [:]
) async throws -> (id: String, video: String, lastFrame: String?) {
    let id = try await ark.createTask(textToVideo(prompt, model: ArkHarness.pro15, extra))
    clock.advance(1)
    let task = try await ark.task(id).json
    try #require(task["status"] as? String == "succeeded")
    let content = try #require(task["content"] as? [String: Any])
    return (id, try #require(content["video_url"] as? String), content["last_frame_url"] as? String)
}

private func bytes(_ data: Data) -> [UInt8] { Array(data) }

/// Bytes received so far by a body reader running in its own task.
private actor ByteTally {
    private(set) var count = 0

    func add(_ bytes: Int) { count += bytes }
}

@Suite("Emulator file server: real media, ranges, expiry, faults")
struct EmulatorFileServerTests {
    @Test("every ratio has a real MP4, QuickTime, PNG and JPEG of about that shape")
    func embeddedMedia() throws {
        #expect(EmulatorMedia.all.count == EmulatorMedia.Ratio.allCases.count * EmulatorMedia.Kind.allCases.count)
        for ratio in EmulatorMedia.Ratio.allCases {
            let parts = ratio.rawValue.split(separator: ":").compactMap { Double($0) }
            for kind in EmulatorMedia.Kind.allCases {
                let media = EmulatorMedia.file(kind, ratio)
                #expect(media.ratio == ratio && media.kind == kind)
                #expect((500..<8_000).contains(media.bytes.count), "\(ratio.rawValue) \(kind): \(media.bytes.count) bytes")
                #expect(media.width % 2 == 0 && media.height % 2 == 0 && media.width > 0)
                #expect(abs(Double(media.width) / Double(media.height) - parts[0] / parts[1]) < 0.1, "\(ratio.rawValue) \(kind)")
                #expect(media.md5.count == 32 && media.sha256.count == 64 && media.etag == "\"\(media.md5)\"")
                switch kind {
                case .mp4:
                    #expect(media.bytes[4..<12].elementsEqual(Array("ftypisom".utf8)))
                case .mov:
                    #expect(media.bytes[4..<12].elementsEqual(Array("ftypqt  ".utf8)))
                case .png:
                    #expect(media.bytes.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
                case .jpeg:
                    #expect(media.bytes.prefix(2).elementsEqual([0xFF, 0xD8]) && media.bytes.suffix(2).elementsEqual([0xFF, 0xD9]))
                }
            }
        }
        #expect(EmulatorMedia.Ratio(reported: "adaptive") == .landscape16x9 && EmulatorMedia.Ratio(reported: "5:4") == .landscape16x9)
        #expect(EmulatorMedia.file(.mp4, .portrait9x16).width == 36 && EmulatorMedia.file(.mp4, .portrait9x16).height == 64)
    }

    @Test("a 9:16 task's video is the 9:16 MP4 and its last frame the 9:16 PNG, with object-store headers")
    func mediaOfTheTasksRatio() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let task = try await succeededTask(ark, clock, ["ratio": "9:16", "return_last_frame": true])
            #expect(task.video == "\(ark.baseURL)/emulator/files/\(task.id).mp4")
            let expected = EmulatorMedia.file(.mp4, .portrait9x16)
            let video = try await fetch(ark.client, task.video)
            #expect(video.status == 200 && video.headers["content-type"] == "video/mp4")
            #expect(bytes(video.body) == expected.bytes)
            #expect(video.body[4..<8] == Data("ftyp".utf8))
            #expect(video.headers["content-length"] == String(expected.bytes.count))
            #expect(video.headers["accept-ranges"] == "bytes" && video.headers["etag"] == expected.etag)

            let frame = try await fetch(ark.client, try #require(task.lastFrame))
            #expect(frame.status == 200 && frame.headers["content-type"] == "image/png")
            #expect(bytes(frame.body) == EmulatorMedia.file(.png, .portrait9x16).bytes)

            let plain = try await succeededTask(ark, clock)
            let plainVideo = try await fetch(ark.client, plain.video)
            #expect(bytes(plainVideo.body) == EmulatorMedia.file(.mp4, .landscape16x9).bytes, "adaptive: 16:9")
            #expect(plain.lastFrame == nil)
            let noFrame = try await fetch(ark.client, "\(ark.baseURL)/emulator/files/\(plain.id).png")
            #expect(noFrame.status == 404, "no last frame was asked for")
        }
    }

    @Test("Range: bytes=0-99 and bytes=-10 answer 206 with exact bytes; past the end 416; several ranges the whole file")
    func ranges() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let url = try await succeededTask(ark, clock, ["ratio": "1:1"]).video
            let file = EmulatorMedia.file(.mp4, .square1x1).bytes
            let size = file.count

            let head = try await fetch(ark.client, url, headers: [("Range", "bytes=0-99")])
            #expect(head.status == 206 && bytes(head.body) == Array(file[0..<100]))
            #expect(head.headers["content-range"] == "bytes 0-99/\(size)" && head.headers["content-length"] == "100")
            #expect(head.headers["content-type"] == "video/mp4" && head.headers["accept-ranges"] == "bytes")

            let tail = try await fetch(ark.client, url, headers: [("Range", "bytes=-10")])
            #expect(tail.status == 206 && bytes(tail.body) == Array(file[(size - 10)...]))
            #expect(tail.headers["content-range"] == "bytes \(size - 10)-\(size - 1)/\(size)")

            let rest = try await fetch(ark.client, url, headers: [("Range", "bytes=\(size - 5)-")])
            #expect(rest.status == 206 && bytes(rest.body) == Array(file[(size - 5)...]))
            let cut = try await fetch(ark.client, url, headers: [("Range", "bytes=\(size - 3)-\(size + 100)")])
            #expect(cut.status == 206 && cut.headers["content-range"] == "bytes \(size - 3)-\(size - 1)/\(size)" && cut.body.count == 3)

            for beyond in ["bytes=\(size)-", "bytes=\(size + 10)-\(size + 20)", "bytes=-0"] {
                let refused = try await fetch(ark.client, url, headers: [("Range", beyond)])
                #expect(refused.status == 416, "\(beyond)")
                #expect(refused.headers["content-range"] == "bytes */\(size)", "\(beyond)")
            }
            for whole in ["bytes=0-1,5-6", "bytes=9-3", "items=0-5", "bytes=abc"] {
                let answer = try await fetch(ark.client, url, headers: [("Range", whole)])
                #expect(answer.status == 200 && bytes(answer.body) == file, "\(whole)")
            }
            let stale = try await fetch(ark.client, url, headers: [("Range", "bytes=0-9"), ("If-Range", "\"another\"")])
            #expect(stale.status == 200 && stale.body.count == size, "If-Range with another entity tag: the whole file")
            let fresh = try await fetch(
                ark.client, url, headers: [("Range", "bytes=0-9"), ("If-Range", EmulatorMedia.file(.mp4, .square1x1).etag)])
            #expect(fresh.status == 206 && fresh.body.count == 10)
        }
    }

    @Test("HEAD answers the GET's headers without a body")
    func head() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let url = try await succeededTask(ark, clock, ["ratio": "21:9"]).video
            let media = EmulatorMedia.file(.mp4, .wide21x9)
            let answer = try await fetch(ark.client, url, method: "HEAD")
            #expect(answer.status == 200 && answer.body.isEmpty)
            #expect(answer.headers["content-length"] == String(media.bytes.count) && answer.headers["content-type"] == "video/mp4")
            #expect(answer.headers["etag"] == media.etag && answer.headers["accept-ranges"] == "bytes")
            let part = try await fetch(ark.client, url, method: "HEAD", headers: [("Range", "bytes=0-99")])
            #expect(part.status == 206 && part.headers["content-length"] == "100" && part.body.isEmpty)
            let unknown = try await fetch(ark.client, "\(ark.baseURL)/emulator/files/cgt-nope.mp4", method: "HEAD")
            #expect(unknown.status == 404 && unknown.body.isEmpty)
        }
    }

    @Test("links expire fileLifetime after the task succeeded, on the emulator's clock: 403 AccessDenied")
    func expiry() async throws {
        let clock = ManualClock()
        var configuration = ArkHarness.configuration()
        configuration.fileLifetime = .seconds(60)
        try await withArkEmulator(configuration, now: clock.now) { ark in
            // The task succeeds 0.6 s after its creation; succeededTask reads it 1 s after.
            let url = try await succeededTask(ark, clock, ["return_last_frame": true]).video
            clock.advance(58)
            #expect(try await fetch(ark.client, url).status == 200)
            clock.advance(2)
            let expired = try await fetch(ark.client, url)
            #expect(expired.status == 403 && expired.headers["content-type"] == "application/xml")
            let text = String(decoding: expired.body, as: UTF8.self)
            #expect(text.contains("<Code>AccessDenied</Code>") && text.contains("<Message>Request has expired</Message>"), "\(text)")
            #expect(try await fetch(ark.client, url, method: "HEAD").status == 403)
        }
        try await withArkEmulator(now: clock.now) { ark in
            #expect(ark.emulator.configuration.fileLifetime == .seconds(86_400), "24 h by default")
            let url = try await succeededTask(ark, clock).video
            clock.advance(86_000)
            #expect(try await fetch(ark.client, url).status == 200)
            clock.advance(400)
            #expect(try await fetch(ark.client, url).status == 403)
        }
    }

    @Test("unknown, unfinished and failed tasks, and files a task does not have, are 404 NoSuchKey")
    func notFound() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let queued = try await ark.createTask(textToVideo())
            let failed = try await ark.createTask(textToVideo("a storm [[fail:moderation]]", [:]))
            let unknown = try await fetch(ark.client, "\(ark.baseURL)/emulator/files/cgt-20250101000000-nope.mp4")
            #expect(unknown.status == 404 && unknown.headers["content-type"] == "application/xml")
            #expect(String(decoding: unknown.body, as: UTF8.self).contains("<Code>NoSuchKey</Code>"))
            #expect(try await fetch(ark.client, "\(ark.baseURL)/emulator/files/\(queued).mp4").status == 404)
            clock.advance(10)
            #expect(try await fetch(ark.client, "\(ark.baseURL)/emulator/files/\(queued).mp4").status == 200)
            #expect(try await fetch(ark.client, "\(ark.baseURL)/emulator/files/\(queued).mov").status == 404, "an mp4 task has no mov")
            #expect(try await fetch(ark.client, "\(ark.baseURL)/emulator/files/\(queued).txt").status == 404)
            #expect(try await fetch(ark.client, "\(ark.baseURL)/emulator/files/\(failed).mp4").status == 404)
        }
    }

    @Test("[[file:html]] answers 200 text/html with an error page; [[file:missing]] 404 from the first request")
    func htmlAndMissing() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let html = try await succeededTask(ark, clock, prompt: "a lake [[file:html]]", ["return_last_frame": true])
            #expect(html.video.hasSuffix("/emulator/files/\(html.id).mp4?fault=html"))
            #expect(html.lastFrame?.hasSuffix("/emulator/files/\(html.id).png?fault=html") == true, "the last frame carries the fault too")
            let page = try await fetch(ark.client, html.video)
            #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(String(decoding: page.body, as: UTF8.self).hasPrefix("<!DOCTYPE html>"))

            let missing = try await succeededTask(ark, clock, prompt: "a lake [[file:missing]]")
            #expect(try await fetch(ark.client, missing.video).status == 404)
            let plain = try #require(missing.video.split(separator: "?").first.map(String.init))
            #expect(try await fetch(ark.client, plain).status == 200, "the fault lives in the URL")
        }
    }

    @Test("[[file:flaky]]: the first 2 GETs of each file answer 503, later ones succeed")
    func flaky() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let task = try await succeededTask(ark, clock, prompt: "[[file:flaky]] a lake", ["return_last_frame": true])
            #expect(try await fetch(ark.client, task.video, method: "HEAD").status == 503)
            #expect(try await fetch(ark.client, task.video).status == 503)
            #expect(try await fetch(ark.client, task.video).status == 503)
            let third = try await fetch(ark.client, task.video)
            #expect(third.status == 200 && bytes(third.body) == EmulatorMedia.file(.mp4, .landscape16x9).bytes)
            #expect(try await fetch(ark.client, task.video, method: "HEAD").status == 200)
            let frame = try #require(task.lastFrame)
            #expect(try await fetch(ark.client, frame).status == 503, "counted per file")
        }
    }

    @Test("[[file:truncate]] announces the full length, then closes after half the bytes")
    func truncate() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let url = try await succeededTask(ark, clock, prompt: "a lake [[file:truncate]]").video
            let size = EmulatorMedia.file(.mp4, .landscape16x9).bytes.count
            let response = try await ark.client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            #expect(response.status == .ok && response.headers.first(name: "content-length") == String(size))
            var received: [UInt8] = []
            var closed = false
            do {
                for try await chunk in response.body { received += chunk.readableBytesView }
            } catch {
                closed = true
            }
            #expect(closed, "the body ends in an error, not at the announced length")
            #expect(received == Array(EmulatorMedia.file(.mp4, .landscape16x9).bytes.prefix(size / 2)))
            let resumed = try await fetch(ark.client, url, headers: [("Range", "bytes=\(received.count)-")])
            #expect(resumed.status == 206 && received + bytes(resumed.body) == EmulatorMedia.file(.mp4, .landscape16x9).bytes)
        }
    }

    @Test("[[file:stall]] sends the headers and a first chunk, then nothing")
    func stall() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let url = try await succeededTask(ark, clock, prompt: "a lake [[file:stall]]").video
            let size = EmulatorMedia.file(.mp4, .landscape16x9).bytes.count
            let response = try await ark.client.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
            #expect(response.status == .ok && response.headers.first(name: "content-length") == String(size))
            // The client's own deadline covers only the headers: the body is read in a task this test gives up on.
            let tally = ByteTally()
            let body = response.body
            let reader = Task {
                for try await chunk in body { await tally.add(chunk.readableBytes) }
            }
            #expect(try await pollUntil(within: 5) { await tally.count > 0 }, "the first chunk arrives")
            let first = await tally.count
            try await Task.sleep(for: .seconds(1))
            #expect(await tally.count == first, "then nothing more")
            #expect(first <= 1024 && first < size, "only the first chunk (\(first) bytes)")
            reader.cancel()
            _ = await reader.result
        }
    }

    @Test("[[file:oversize]] streams a valid-looking 64 MiB video/mp4")
    func oversize() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let url = try await succeededTask(ark, clock, prompt: "a lake [[file:oversize]]").video
            let size = 64 << 20
            let head = try await fetch(ark.client, url, method: "HEAD")
            #expect(head.status == 200 && head.headers["content-length"] == String(size) && head.headers["content-type"] == "video/mp4")
            let response = try await ark.client.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
            #expect(response.status == .ok && response.headers.first(name: "content-length") == String(size))
            var received = 0
            var start: [UInt8] = []
            for try await chunk in response.body {
                if start.count < 64 { start += chunk.readableBytesView.prefix(64 - start.count) }
                received += chunk.readableBytes
            }
            #expect(received == size)
            #expect(start[4..<8].elementsEqual(Array("ftyp".utf8)))
            let media = EmulatorMedia.file(.mp4, .landscape16x9).bytes
            let padding = try await fetch(ark.client, url, headers: [("Range", "bytes=\(media.count)-\(media.count + 15)")])
            // After the real file, one `free` box fills the rest, so the file stays well-formed.
            let box = UInt32(size - media.count)
            let boxHeader = [UInt8(box >> 24), UInt8((box >> 16) & 0xFF), UInt8((box >> 8) & 0xFF), UInt8(box & 0xFF)] + Array("free".utf8)
            #expect(padding.status == 206 && bytes(padding.body.prefix(8)) == boxHeader)
            #expect(padding.body.count == 16 && padding.body.dropFirst(8).allSatisfy { $0 == 0 })
        }
    }

    @Test("every emulator hands out file URLs of its tasks, carrying the prompt's file marker", arguments: EmulatorProbe.all)
    func everyEmulator(_ probe: EmulatorProbe) async throws {
        try await withProbedEmulator(probe) { emulator in
            let plain = try await emulator.createTask("a kitten yawns at the camera")
            let flaky = try await emulator.createTask("a kitten yawns at the camera [[file:flaky]]")
            let done = try await pollUntil(within: 20) {
                try await emulator.emulatedTasks().allSatisfy { $0["status"] as? String == "succeeded" }
            }
            try #require(done)
            let answer = String(decoding: try await emulator.send(probe.read(flaky)).body, as: UTF8.self)
            #expect(answer.contains("\(flaky).mp4?fault=flaky"), "\(probe.id): \(answer)")
            let video = try await emulator.helper("GET", "/emulator/files/\(plain).mp4")
            #expect(video.status == 200 && video.headers["content-type"] == "video/mp4", "\(probe.id)")
            #expect(bytes(video.body) == EmulatorMedia.file(.mp4, .landscape16x9).bytes, "\(probe.id)")
            #expect(try await emulator.helper("GET", "/emulator/files/\(flaky).mp4?fault=flaky").status == 503, "\(probe.id)")
        }
    }
}
