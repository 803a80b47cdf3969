import Foundation
import SeedGateCore
import SeedGateEmulators
import Testing

/// Sends a cassette's recorded requests to a fresh emulator of its provider and says where the answers differ from
/// the recorded ones in HTTP status or JSON shape. What a fresh emulator lacks is made first, honestly:
/// - a task a recorded read or cancel refers to is created (resembling the recorded task, steered by failure markers
///   to the recorded status; a cancelled one is created and cancelled), and its id substituted in the request;
///   ids the cassette expects not to be found are sent as recorded;
/// - a draft a create refers to is created and finished first;
/// - the emulator's credentials replace the recorded ones, except where the recorded answer is an authentication
///   error (then a wrong key or token is sent);
/// - a recorded 429/500 (Chanjing: code 40001/50000) is armed through the fault plan, as is a status word SeedGate
///   does not recognise (`status_override`).
struct CassetteReplay {
    let provider: ProviderID
    let cassette: ContractCassette
    /// Exchange indexes not sent (see `CassetteEmulatorTests.skipped`).
    let skippedExchanges: Set<Int>

    /// What the recorded task is: its SeedGate status (or `unrecognised`, or `draft`) and the provider's word.
    struct Target {
        var status: String
        var rawStatus: String

        /// Must still be queued when read (Chanjing's `Ready` is timed instead): made after the others.
        var isLate: Bool { (status == "queued" && rawStatus != "Ready") || status == "cancelled" }
    }

    var targets: [String: Target] {
        var targets: [String: Target] = [:]
        for (id, result) in cassette.expect.fetch ?? [:] {
            if let found = result.found { targets[id] = Target(status: found.status, rawStatus: found.rawStatus) }
        }
        if cassette.operation == .cancel, let id = cassette.input.taskID, let cancel = cassette.expect.cancel {
            if cancel.outcome == "cancelled" {
                targets[id] = Target(status: "queued", rawStatus: "")
            } else if let snapshot = cancel.snapshot {
                targets[id] = Target(status: snapshot.status, rawStatus: snapshot.rawStatus)
            } else if case .string(let word)? = cassette.exchanges.first?.response.json?["status"] {
                // A refusal: the task is in the state the adapter's first read found it in.
                targets[id] = Target(status: word, rawStatus: word)
            }
        }
        if let draft = cassette.input.draftTaskID { targets[draft] = Target(status: "draft", rawStatus: "") }
        return targets
    }

    /// Timings that let every target be reached and held: queued tasks wait a minute (3 s when other tasks must move
    /// on first; the queued ones are then made last), Chanjing's `Ready` is the second half of the queue time, running tasks run a minute (finishing ones are hurried by `[[slow:0.1]]`);
    /// creates (AceData's blocking mode holds its answer until the end) run briefly.
    var configuration: EmulatorConfiguration {
        let statuses = targets.values
        let queue: Double =
            if statuses.contains(where: \.isLate) {
                statuses.allSatisfy(\.isLate) ? 60 : 3
            } else {
                statuses.contains { $0.rawStatus == "Ready" } ? 2.4 : 0.05
            }
        let run: Double = cassette.operation == .submit ? 0.3 : 60
        return EmulatorConfiguration(queueSeconds: queue, runSeconds: run, logLevel: .warning)
    }

    /// Every difference found, one line each (empty when the emulator answered every exchange as recorded).
    func run(on emulator: CassetteEmulator) async throws -> [String] {
        var token: String?
        if emulator.credentials["app_id"] != nil { token = try await exchangeToken(emulator) }
        let ids = try await makeTargets(on: emulator, token: token)
        var differences: [String] = []
        for (index, exchange) in cassette.exchanges.enumerated() where !skippedExchanges.contains(index) {
            let recorded = exchange.response
            var request = exchange.request
            for (old, new) in ids { request.path = request.path.replacingOccurrences(of: old, with: new) }
            let query = (request.query ?? []).compactMap { pair in pair.count == 2 ? QueryItem(pair[0], ids[pair[1]] ?? pair[1]) : nil }
            var json = request.json?.replacingStrings(ids)
            let authFailure = recorded.status == 401 || recorded.json?["code"] == .integer(10400)
            if request.path == Self.tokenPath, recorded.json?["code"] == .integer(0), case .object(var fields)? = json {
                fields["app_id"] = emulator.credentials["app_id"].map(JSONValue.string)
                fields["secret_key"] = emulator.credentials["secret_key"].map(JSONValue.string)
                json = .object(fields)
            }
            var headers: [String: String] = [:]
            for case (let name, let value?) in request.headers ?? [:] { headers[name] = value }
            if let value = headers["authorization"] {
                headers["authorization"] = value.replacingOccurrences(
                    of: "<redacted>", with: authFailure ? "wrong-key" : emulator.credentials["api_key"] ?? "")
            }
            if headers["access_token"] != nil { headers["access_token"] = authFailure ? "not-the-current-token" : token ?? "" }
            try await armFaults(for: exchange, recordedIDs: Array(ids.keys), on: emulator)

            let answer = try await emulator.send(request.method, request.path, query: query, headers: headers, json: json)
            if request.path == Self.tokenPath, let fresh = JSONValue(data: answer.body)?["data"]?["access_token"]?.string { token = fresh }
            let label = "#\(index) \(request.method) \(request.path)"
            if answer.status != recorded.status { differences.append("\(label): HTTP \(answer.status), recorded \(recorded.status)") }
            if let shape = recorded.json {
                if let got = JSONValue(data: answer.body) {
                    differences += JSONShape.differences(recorded: shape, actual: got).map { "\(label): \($0)" }
                } else {
                    differences.append("\(label): the answer is not JSON: \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
                }
            }
        }
        return differences
    }

    static let tokenPath = "/open/v1/access_token"

    private func exchangeToken(_ emulator: CassetteEmulator) async throws -> String {
        let body: JSONValue = .object([
            "app_id": .string(emulator.credentials["app_id"] ?? ""), "secret_key": .string(emulator.credentials["secret_key"] ?? ""),
        ])
        let answer = try await emulator.send("POST", Self.tokenPath, json: body)
        return try #require(JSONValue(data: answer.body)?["data"]?["access_token"]?.string, "no Chanjing token")
    }

    /// Creates every target task and waits until each stands where the recording found it; recorded id → new id.
    /// Tasks that must still be queued are made last, once the others have moved on (see `configuration`).
    private func makeTargets(on emulator: CassetteEmulator, token: String?) async throws -> [String: String] {
        var ids: [String: String] = [:]
        let all = targets
        let late = all.filter { $0.value.isLate }
        for phase in [all.filter { !$0.value.isLate }, late] where !phase.isEmpty {
            let started = ContinuousClock.now
            for (recordedID, target) in phase.sorted(by: { $0.key < $1.key }) {
                ids[recordedID] = try await makeTask(recordedID, target, on: emulator, token: token)
            }
            try await wait(for: phase, ids: ids, since: started, on: emulator)
        }
        return ids
    }

    private func makeTask(_ recordedID: String, _ target: Target, on emulator: CassetteEmulator, token: String?) async throws -> String {
        let markers =
            switch target.status {
            case "succeeded", "draft": " [[slow:0.1]]"
            case "failed": " [[fail:moderation]] [[slow:0.1]]"
            case "expired": " [[expire]] [[slow:0.1]]"
            default: ""
            }
        let create = CassetteTaskMaker.create(
            provider, prompt: "a paper boat drifts down a gutter stream" + markers, resembling: recordedTask(recordedID),
            draft: target.status == "draft")
        let headers = token.map { ["access_token": $0] } ?? ["authorization": "Bearer \(emulator.credentials["api_key"] ?? "")"]
        let answer = try await emulator.send("POST", create.path, headers: headers, json: create.json)
        let id = try #require(
            CassetteTaskMaker.createdID(provider, JSONValue(data: answer.body)),
            "\(provider) refused the task for \(recordedID): \(String(decoding: answer.body, as: UTF8.self))")
        if target.status == "cancelled" { _ = try await emulator.send("DELETE", create.path + "/" + id, headers: headers) }
        return id
    }

    private func wait(for phase: [String: Target], ids: [String: String], since started: ContinuousClock.Instant, on emulator: CassetteEmulator)
        async throws
    {
        let deadline = started + .seconds(20)
        while ContinuousClock.now < deadline {
            let statuses = try await emulator.neutralStatuses()
            let reached = phase.allSatisfy { recordedID, target in
                guard let id = ids[recordedID], let status = statuses[id] else { return false }
                switch target.status {
                case "draft": return status == "succeeded"
                case "unrecognised": return status == "running"
                case "queued" where target.rawStatus == "Ready": return ContinuousClock.now - started > .milliseconds(1_300)
                default: return status == target.status
                }
            }
            if reached { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(provider): the target tasks did not reach their recorded statuses: \(try await emulator.neutralStatuses())")
    }

    /// The recorded task object of `id` (a task, a record or a list item carrying it), else the whole answer about it.
    private func recordedTask(_ id: String) -> JSONValue? {
        func search(_ value: JSONValue) -> JSONValue? {
            switch value {
            case .object(let members):
                if members["id"]?.string == id || members["unique_id"]?.string == id { return value }
                return members.values.lazy.compactMap(search).first
            case .array(let elements): return elements.lazy.compactMap(search).first
            default: return nil
            }
        }
        let answers = cassette.exchanges.compactMap(\.response.json)
        return answers.lazy.compactMap(search).first
            ?? answers.first { $0.data().range(of: Data(id.utf8)) != nil }
    }

    /// Arms the fault that makes the emulator answer as recorded, where the recorded answer is an injected kind.
    private func armFaults(for exchange: ContractCassette.Exchange, recordedIDs: [String], on emulator: CassetteEmulator) async throws {
        let recorded = exchange.response
        let code = recorded.json?["code"]
        let isCreate = exchange.request.method == "POST" && Self.createPaths.contains(exchange.request.path)
        if isCreate, recorded.status == 429 || code == .integer(40001) { try await emulator.arm(["create_rate_limited": 1]) }
        if isCreate, recorded.status == 500 || code == .integer(50000) { try await emulator.arm(["create_server_error": 1]) }
        guard !isCreate, exchange.request.path != Self.tokenPath, exchange.request.method != "DELETE" else { return }
        if recorded.status == 500 { try await emulator.arm(["read_server_error": 1]) }
        let mentioned = exchange.request.path + (exchange.request.query ?? []).flatMap { $0 }.joined() + (exchange.request.json?.description ?? "")
        for id in recordedIDs where mentioned.contains(id) {
            if let target = targets[id], target.status == "unrecognised" {
                try await emulator.arm(["status_override": .string(target.rawStatus)])
            }
        }
    }

    static let createPaths: Set<String> = [
        "/api/v3/contents/generations/tasks", "/v1/tasks/submit", "/seedance/videos", "/open/v1/ai_creation/task/submit",
    ]
}
