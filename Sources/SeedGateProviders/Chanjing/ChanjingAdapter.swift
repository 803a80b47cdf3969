import Foundation
import Logging
import SeedGateCore

/// Chanjing (蝉镜), `https://open-api.chanjing.cc`, a reseller that serves Seedance 1.0 through its "AI creation"
/// API. Flow (facts: docs/providers/chanjing.md, [S004]):
/// 1. `POST /open/v1/access_token` with `{"app_id", "secret_key"}` → `data.access_token`, valid one day, expiring at
///    the Unix time `data.expire_in`. Issuing a token invalidates the previous one, so the adapter keeps one token
///    per credential in a `ChanjingTokenCache`, refreshed 5 minutes early by one caller at a time; when the context
///    has shared state (the store), the token is shared by every replica (`ChanjingSharedToken`).
/// 2. `POST /open/v1/ai_creation/task/submit` (header `access_token`) with `creation_type` 4, `model_code`,
///    `ref_prompt`, `aspect_ratio`, `clarity` (720/1080), `video_duration` and the frames as `start_frame` /
///    `end_frame` (the manifest option `image_field: ref_img_url` sends the array instead) → `data` = the task's
///    `unique_id`.
/// 3. `GET /open/v1/ai_creation/task?unique_id=…` → the task, whose `progress_desc` goes
///    `Queued → Ready → Generating → Success | Error`; a succeeded task lists its video in `output_url`. Several
///    tasks are read at once with `POST /open/v1/ai_creation/task/page` (up to 50 `unique_ids`, [DOC-LIST]).
///
/// Every answer is HTTP 200 with an envelope `{"trace_id","code","msg","data"}`; `code` ≠ 0 is an error. A call
/// answered 10400 (token invalid, expired or superseded) refreshes the token once and is sent once more. There is
/// no cancel call, and the `callback` field's payload is undocumented, so SeedGate polls.
public struct ChanjingAdapter: ProviderAdapter {
    /// The provider's id, equal to its folder under `Providers/`.
    public static let providerID: ProviderID = "chanjing"

    static let tokenPath = "/open/v1/access_token"
    static let submitPath = "/open/v1/ai_creation/task/submit"
    static let taskPath = "/open/v1/ai_creation/task"
    static let pagePath = "/open/v1/ai_creation/task/page"

    /// Where the submit body carries the frames. [S004]'s parameter table and its JSON body example name
    /// `start_frame` / `end_frame`; only the page's code samples (copied from Chanjing's generic template, where
    /// `ref_img_url` is the reference-image array) send `ref_img_url`. The manifest's `options.image_field` chooses.
    public enum ImageField: String, Sendable {
        /// `start_frame` and `end_frame`, as in the parameter table and the body example (the default).
        case startEndFrame = "start_frame"
        /// `ref_img_url: [first, last]`, as in the code samples (`image_field: ref_img_url`).
        case refImgURL = "ref_img_url"

        /// The manifest option's key.
        static let option = "image_field"

        /// The field the context's options name; `start_frame` when they name none.
        static func from(_ options: [String: String]) throws(ProviderError) -> ImageField {
            guard let value = options[option] else { return .startEndFrame }
            guard let field = ImageField(rawValue: value) else {
                throw ProviderError(
                    .unsupported, providerMessage: "the chanjing manifest option image_field is start_frame or ref_img_url, not \(value)",
                    requestSent: false)
            }
            return field
        }
    }

    /// Task ids per page call: `unique_ids` takes at most 50 and `page_size` is at most 50. [DOC-LIST]
    static let pageLimit = 50

    private let now: @Sendable () -> Date
    private let tokens: ChanjingTokenCache

    /// - Parameter now: the clock deciding when a token is due for refresh (tests pass a manual one).
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
        self.tokens = ChanjingTokenCache()
    }

    public var id: ProviderID { Self.providerID }
    /// A batch is one `task/page` call (up to 50 `unique_ids`). [DOC-LIST]
    public var maxBatchSize: Int { Self.pageLimit }

    public func submit(_ request: SubmitRequest, context: ProviderContext) async throws(ProviderError) -> Submission {
        let body = try ChanjingMapping.submitBody(for: request, imageField: try ImageField.from(context.options))
        let (response, head) = try await call("POST", Self.submitPath, body: try JSONExchange.encode(body), context: context)
        if let code = head.code, code != 0 {
            throw ChanjingErrors.error(code: code, message: head.msg, httpStatus: response.status, call: .submit)
        }
        let envelope = try Self.decode(ChanjingEnvelope<String>.self, from: response, expected: "a task id in data")
        guard let taskID = envelope.data, !taskID.isEmpty else {
            throw ChanjingErrors.malformed(response, expected: "a task id in data")
        }
        return Submission(taskID: taskID)
    }

    /// One task is read with the single-task `GET`; several with one `task/page` call per 50, where an id the page
    /// does not list, or an item it lists unreadably, is read alone with the `GET`, and a page whose answer cannot be
    /// read at all falls back to single reads, so one bad item never stalls the others.
    public func fetch(_ targets: [FetchTarget], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult] {
        var seen = Set<String>()
        let ids = targets.map(\.taskID).filter { seen.insert($0).inserted }
        if ids.count == 1 { return [ids[0]: try await task(ids[0], context: context)] }
        var results: [String: FetchResult] = [:]
        for start in stride(from: 0, to: ids.count, by: Self.pageLimit) {
            let chunk = Array(ids[start..<min(start + Self.pageLimit, ids.count)])
            let listed = try await page(chunk, context: context)
            let missing = chunk.filter { listed?[$0] == nil }
            for (taskID, task) in listed ?? [:] { results[taskID] = .found(ChanjingMapping.snapshot(task, provider: id)) }
            results.merge(try await singles(missing, context: context)) { listed, _ in listed }
        }
        return results
    }

    /// The list echoes the prompt, model and creation time of every task, so a lost create's task can be found.
    public var listsRecentTasks: Bool { true }

    /// `POST /open/v1/ai_creation/task/page` with no `unique_ids` filter ([DOC-LIST]: every video task of the account,
    /// 50 a page). The order of the pages is undocumented, so page 1 is read and, when it holds nothing created since
    /// `createdSince` and there are more pages, the last page too.
    public func recentTasks(createdSince: Date, context: ProviderContext) async throws(ProviderError) -> [RecentTask] {
        let since = Int64(createdSince.timeIntervalSince1970.rounded(.down))
        func recent(_ tasks: [ChanjingTask]) -> [ChanjingTask] { tasks.filter { ($0.createTime ?? 0) >= since } }
        var (tasks, pages) = try await accountPage(1, context: context)
        if recent(tasks).isEmpty, let pages, pages > 1 { (tasks, _) = try await accountPage(pages, context: context) }
        return recent(tasks).map { task in
            RecentTask(
                taskID: task.uniqueID, createdAt: task.createTime.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                upstreamModel: task.modelCode, prompt: task.motionInfo?.refPrompt, snapshot: ChanjingMapping.snapshot(task, provider: id))
        }
    }

    /// One page of the account's video tasks, with the number of pages.
    private func accountPage(_ number: Int, context: ProviderContext) async throws(ProviderError) -> ([ChanjingTask], Int?) {
        let body = try JSONExchange.encode(
            ChanjingPageRequest(uniqueIDs: [], type: ChanjingMapping.videoCreationType, page: number, pageSize: Self.pageLimit, isSuccess: false))
        let (response, head) = try await call("POST", Self.pagePath, body: body, context: context)
        if let code = head.code, code != 0 {
            throw ChanjingErrors.error(code: code, message: head.msg, httpStatus: response.status, call: .task)
        }
        let page = try Self.decode(ChanjingEnvelope<ChanjingPageData>.self, from: response, expected: "a task page in data")
        guard let data = page.data else { throw ChanjingErrors.malformed(response, expected: "a task page in data") }
        return (data.list.compactMap { $0 }, data.totalPages)
    }

    /// Chanjing has no call to cancel or delete an ai_creation task (the manifest lists no cancellable status).
    public func cancel(taskID: String, context: ProviderContext) async throws(ProviderError) -> CancelOutcome {
        throw ProviderError(.unsupported, providerMessage: "Chanjing has no cancel operation for ai_creation tasks", requestSent: false)
    }

    /// Chanjing's callback payload is not documented, so SeedGate registers no callbacks and reads none.
    public func status(forWord word: String) -> UpstreamSnapshot.Status {
        ChanjingMapping.status(word)
    }

    public func decodeCallback(_ body: Data) throws(ProviderError) -> UpstreamSnapshot {
        throw ProviderError(
            .unsupported, providerMessage: "Chanjing's callback payload is undocumented; SeedGate polls instead", requestSent: false
        )
    }

    // MARK: calls

    /// `GET /open/v1/ai_creation/task?unique_id=…`. INFERRED (undocumented): `data: null` or a 40000 saying
    /// the task does not exist (不存在) means Chanjing no longer knows it.
    private func task(_ taskID: String, context: ProviderContext) async throws(ProviderError) -> FetchResult {
        let (response, head) = try await call("GET", Self.taskPath, query: [QueryItem("unique_id", taskID)], context: context)
        if let code = head.code, code != 0 {
            if ChanjingErrors.isMissingTask(code: code, message: head.msg) { return .notFound }
            throw ChanjingErrors.error(code: code, message: head.msg, httpStatus: response.status, call: .task)
        }
        let envelope = try Self.decode(ChanjingEnvelope<ChanjingTask>.self, from: response, expected: "a task object in data")
        guard let task = envelope.data else {
            if envelope.carriesData { throw ChanjingErrors.malformed(response, expected: "a task object in data") }
            return .notFound
        }
        guard task.uniqueID == taskID else {
            throw ChanjingErrors.malformed(response, expected: "task \(taskID), not \(task.uniqueID)")
        }
        return .found(ChanjingMapping.snapshot(task, provider: id))
    }

    /// `POST /open/v1/ai_creation/task/page` for up to 50 video tasks ([DOC-LIST]: `unique_ids`, `type` 4, `page` 1,
    /// `page_size` 50, `is_success` false = every task): the tasks it lists, by id. Nil when the answer cannot be
    /// read as a page, or Chanjing refuses the page call as a parameter error (400/40000): the caller then reads each
    /// task alone. Other refusals (rate limit, internal error, token) are the batch's failure, as for a single read.
    private func page(_ taskIDs: [String], context: ProviderContext) async throws(ProviderError) -> [String: ChanjingTask]? {
        let body = try JSONExchange.encode(
            ChanjingPageRequest(uniqueIDs: taskIDs, type: ChanjingMapping.videoCreationType, page: 1, pageSize: Self.pageLimit, isSuccess: false))
        let response: UpstreamResponse
        let head: ChanjingEnvelopeHead
        do throws(ProviderError) {
            (response, head) = try await call("POST", Self.pagePath, body: body, context: context)
        } catch  where error.kind == .malformedResponse {
            context.logger.notice("chanjing task page unreadable; reading the tasks one by one", metadata: ["count": "\(taskIDs.count)"])
            return nil
        }
        if let code = head.code, code != 0 {
            let error = ChanjingErrors.error(code: code, message: head.msg, httpStatus: response.status, call: .task)
            guard error.kind == .invalidRequest else { throw error }
            context.logger.notice(
                "chanjing refused the task page; reading the tasks one by one",
                metadata: ["provider.code": "\(code)", "trace_id": "\(head.traceID ?? "-")"])
            return nil
        }
        guard let list = (try? JSONDecoder().decode(ChanjingEnvelope<ChanjingPageData>.self, from: response.body))?.data?.list else {
            context.logger.notice("chanjing task page unreadable; reading the tasks one by one", metadata: ["count": "\(taskIDs.count)"])
            return nil
        }
        let wanted = Set(taskIDs)
        var tasks: [String: ChanjingTask] = [:]
        for case let task? in list where wanted.contains(task.uniqueID) && tasks[task.uniqueID] == nil { tasks[task.uniqueID] = task }
        return tasks
    }

    /// Single reads for the tasks a page did not answer. A task whose answer cannot be read is left out (its job
    /// alone records the failure); any other failure ends the reads: thrown when nothing was read yet, else the tasks
    /// not yet read are left out and checked again later.
    private func singles(_ taskIDs: [String], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult] {
        var results: [String: FetchResult] = [:]
        for taskID in taskIDs {
            do throws(ProviderError) {
                results[taskID] = try await task(taskID, context: context)
            } catch  where error.kind == .malformedResponse {
                continue
            } catch {
                if results.isEmpty { throw error }
                break
            }
        }
        return results
    }

    /// Sends a business call with the credential's token; on 10400/10401 replaces the token once and sends again.
    /// Returns the answer and its envelope head (whose code the caller interprets).
    private func call(
        _ method: String, _ path: String, query: [QueryItem] = [], body: Data? = nil, context: ProviderContext
    ) async throws(ProviderError) -> (UpstreamResponse, ChanjingEnvelopeHead) {
        let appID = try context.credentials.required("app_id")
        let secretKey = try context.credentials.required("secret_key")
        let key = ChanjingTokenCache.key(baseURL: context.baseURL, appID: appID, transport: context.transport)
        let clock = now
        let exchange: ChanjingTokenCache.Exchange = { () async throws(ProviderError) -> ChanjingToken in
            try await Self.exchangeToken(appID: appID, secretKey: secretKey, context: context, now: clock)
        }
        let shared = context.sharedState.map {
            ChanjingSharedToken(
                state: $0, key: ChanjingSharedToken.key(baseURL: context.baseURL, appID: appID), refreshMargin: tokens.refreshMargin, now: clock)
        }
        var obtain = exchange
        if let shared {
            obtain = { () async throws(ProviderError) -> ChanjingToken in try await shared.current(exchange: exchange) }
        }
        let token = try await tokens.token(for: key, transport: context.transport, now: now(), exchange: obtain)
        let (response, head) = try await send(method, path, query: query, body: body, token: token, context: context)
        guard let code = head.code, ChanjingErrors.tokenRejectedCodes.contains(code) else { return (response, head) }

        context.logger.notice(
            "chanjing rejected the access token; refreshing it once",
            metadata: [
                "provider.code": "\(code)", "trace_id": "\(head.traceID ?? "-")",
            ])
        var replace = exchange
        if let shared {
            replace = { () async throws(ProviderError) -> ChanjingToken in try await shared.replacement(for: token, exchange: exchange) }
        }
        let replacement = try await tokens.replacement(for: token, key: key, transport: context.transport, exchange: replace)
        return try await send(method, path, query: query, body: body, token: replacement, context: context)
    }

    private func send(
        _ method: String, _ path: String, query: [QueryItem], body: Data?, token: ChanjingToken, context: ProviderContext
    ) async throws(ProviderError) -> (UpstreamResponse, ChanjingEnvelopeHead) {
        var headers = ["access_token": token.value]
        if body != nil { headers["content-type"] = "application/json" }
        let request = UpstreamRequest(method: method, baseURL: context.baseURL, path: path, query: query, headers: headers, body: body)
        let response = try await Self.transmit(request, context: context)
        let head = try Self.decode(ChanjingEnvelopeHead.self, from: response, expected: "Chanjing's {code, msg, data} envelope")
        guard head.code != nil else { throw ChanjingErrors.malformed(response, expected: "Chanjing's {code, msg, data} envelope") }
        return (response, head)
    }

    /// `POST /open/v1/access_token`. Every failure is reported as not having sent the business call.
    static func exchangeToken(
        appID: String, secretKey: String, context: ProviderContext, now: @Sendable () -> Date
    ) async throws(ProviderError) -> ChanjingToken {
        do throws(ProviderError) {
            let body = try JSONExchange.encode(ChanjingTokenRequest(appID: appID, secretKey: secretKey))
            let request = UpstreamRequest(
                method: "POST", baseURL: context.baseURL, path: tokenPath, headers: ["content-type": "application/json"], body: body
            )
            let response = try await transmit(request, context: context)
            let head = try decode(ChanjingEnvelopeHead.self, from: response, expected: "Chanjing's {code, msg, data} envelope")
            guard let code = head.code else { throw ChanjingErrors.malformed(response, expected: "Chanjing's {code, msg, data} envelope") }
            guard code == 0 else { throw ChanjingErrors.error(code: code, message: head.msg, httpStatus: response.status, call: .token) }
            let envelope = try decode(ChanjingEnvelope<ChanjingTokenData>.self, from: response, expected: "data.access_token")
            guard let data = envelope.data, let value = data.accessToken, !value.isEmpty else {
                throw ChanjingErrors.malformed(response, expected: "data.access_token")
            }
            context.logger.debug("chanjing access token issued", metadata: ["trace_id": "\(head.traceID ?? "-")"])
            return ChanjingToken(value: value, expiresAt: expiry(data.expireIn, receivedAt: now()))
        } catch {
            throw ChanjingErrors.tokenFailure(error)
        }
    }

    /// When a token received at `receivedAt` stops working: `expire_in`, unless that is missing or not even past
    /// the refresh margin (clock skew, an odd answer), in which case the documented one day from receipt is assumed
    /// rather than exchanging on every call and invalidating the token each time. A token that really is dead is
    /// answered 10400 and replaced then.
    static func expiry(_ expireIn: Int64?, receivedAt: Date) -> Date {
        let oneDay = receivedAt.addingTimeInterval(24 * 60 * 60)
        guard let expireIn else { return oneDay }
        let stated = Date(timeIntervalSince1970: TimeInterval(expireIn))
        return stated.timeIntervalSince(receivedAt) > 300 ? stated : oneDay
    }

    // MARK: plumbing

    /// Sends one request; transport failures and non-2xx answers become `ProviderError`s.
    private static func transmit(_ request: UpstreamRequest, context: ProviderContext) async throws(ProviderError) -> UpstreamResponse {
        try await JSONExchange.transmit(request, context: context, classify: ChanjingErrors.error(for:))
    }

    private static func decode<Value: Decodable>(_ type: Value.Type, from response: UpstreamResponse, expected: String) throws(ProviderError) -> Value
    {
        guard let value = try? JSONDecoder().decode(type, from: response.body) else {
            throw ChanjingErrors.malformed(response, expected: expected)
        }
        return value
    }
}
