import Foundation
import SeedGateCore

/// Which tasks a list call wants. Nil fields do not filter.
public struct EmulatedTaskQuery: Sendable {
    public var ids: [String]?
    public var statuses: Set<JobStatus>?
    public var model: String?
    public var serviceTier: String?

    public init(ids: [String]? = nil, statuses: Set<JobStatus>? = nil, model: String? = nil, serviceTier: String? = nil) {
        self.ids = ids
        self.statuses = statuses
        self.model = model
        self.serviceTier = serviceTier
    }
}

/// What a provider's cancel/delete rule decides for a task in a given status.
public enum RemovalDecision: Sendable {
    /// The task becomes `cancelled` and stays readable.
    case cancel
    /// The record goes away; later reads do not find it.
    case delete
    /// Nothing changes; the provider answers with an error.
    case refuse
}

public enum RemovalResult<Spec: Sendable>: Sendable {
    case cancelled(EmulatedTaskState<Spec>)
    case deleted
    case refused(JobStatus)
    case notFound
}

/// Status changes of one task that its callback URL has not been told about yet, oldest first.
public struct CallbackWork<Spec: Sendable>: Sendable {
    public var taskID: String
    public var url: String
    /// The task as it was at each change (status and `updatedAt` of that moment).
    public var events: [EmulatedTaskState<Spec>]
}

/// The tasks of one emulator, provider-neutral. Statuses are computed lazily from the clock and each task's
/// plan, so nothing ticks in here; the counters record what clients did.
public actor EmulatedTaskBook<Spec: Sendable> {
    private var tasks: [String: EmulatedTask<Spec>] = [:]
    private var order: [String] = []
    private var createsByFingerprint: [String: Int] = [:]
    private var counts = EmulatorCounters()
    /// Tasks with a callback URL whose pushes are not finished: how many pushed changes were handed out.
    private var callbackProgress: [String: (handedOut: Int, inFlight: Bool)] = [:]
    private let now: @Sendable () -> Date
    /// The emulator's injected faults (`/emulator/faults`), consulted by the shared fault middleware
    /// (`EmulatorFaultInjection`, which every emulator installs) and the callback sender: every kind is honoured.
    public nonisolated let faults = FaultPlan(honoured: .all)
    /// Client references of the tasks made while recording is on (`/emulator/references`), off by default.
    public nonisolated let references = TaskReferences()
    /// The `traceparent` of the last creates and status reads received (`/emulator/traces`).
    public nonisolated let traceHeaders = ReceivedTraceHeaders()

    /// - Parameter now: the clock; tests pass a manual one to step through statuses without waiting.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// The book's current time.
    public func currentDate() -> Date { now() }

    /// Counts a create call that passed authentication, whatever its outcome.
    public func recordCreateAttempt() { counts.createAttempts += 1 }

    /// Adds a task. `makeID` gets the creation time and is called again until it yields an id not in use.
    public func create(_ plan: EmulatedTaskPlan, spec: Spec, makeID: @Sendable (Date) -> String) -> EmulatedTaskState<Spec> {
        let createdAt = now()
        var id = makeID(createdAt)
        while tasks[id] != nil { id = makeID(createdAt) }
        let task = EmulatedTask(id: id, sequence: order.count, createdAt: createdAt, plan: plan, spec: spec)
        tasks[id] = task
        order.append(id)
        counts.creates += 1
        let sameRequest = (createsByFingerprint[plan.fingerprint] ?? 0) + 1
        createsByFingerprint[plan.fingerprint] = sameRequest
        counts.maxCreatesPerTask = max(counts.maxCreatesPerTask, sameRequest)
        if plan.callbackURL != nil { callbackProgress[id] = (0, false) }
        FaultWitness.current?.noteCreated(id)
        return task.state(at: task.createdAt)
    }

    /// A status read by a client (counted). Creates, found reads and lists are noted in the request's `FaultWitness`.
    public func read(_ id: String) -> EmulatedTaskState<Spec>? {
        counts.statusReads += 1
        guard let state = peek(id) else { return nil }
        FaultWitness.current?.noteServed()
        return state
    }

    /// Counts a status read that an injected fault answered without looking at the tasks.
    public func recordStatusRead() { counts.statusReads += 1 }

    /// Every task held (deleted ones excluded) as it stands now, oldest first; not counted as a read.
    public func allStates() -> [EmulatedTaskState<Spec>] {
        let date = now()
        return order.compactMap { tasks[$0] }.filter { !$0.deleted }.map { $0.state(at: date) }
    }

    /// The task now, without counting a read (for internal lookups such as files or drafts).
    public func peek(_ id: String) -> EmulatedTaskState<Spec>? {
        guard let task = tasks[id], !task.deleted else { return nil }
        return task.state(at: now())
    }

    /// One page of matching tasks, newest first, and how many match in all (counted as one status read).
    public func list(_ query: EmulatedTaskQuery, offset: Int, limit: Int) -> (items: [EmulatedTaskState<Spec>], total: Int) {
        counts.statusReads += 1
        FaultWitness.current?.noteServed()
        let date = now()
        let candidates: [EmulatedTask<Spec>]
        if let ids = query.ids {
            candidates = Set(ids).compactMap { tasks[$0] }.sorted { $0.sequence > $1.sequence }
        } else {
            candidates = order.reversed().compactMap { tasks[$0] }
        }
        let matching = candidates.lazy.filter { !$0.deleted }.map { $0.state(at: date) }.filter { state in
            (query.statuses?.contains(state.status) ?? true)
                && (query.model.map { $0 == state.task.plan.model } ?? true)
                && (query.serviceTier.map { $0 == state.task.plan.serviceTier } ?? true)
        }
        let all = Array(matching)
        let start = min(max(0, offset), all.count)
        return (Array(all[start..<min(all.count, start + max(0, limit))]), all.count)
    }

    /// Cancels or deletes a task as `decide` rules for its current status, atomically.
    public func remove(_ id: String, decide: @Sendable (JobStatus) -> RemovalDecision) -> RemovalResult<Spec> {
        guard var task = tasks[id], !task.deleted else { return .notFound }
        let date = now()
        let status = task.state(at: date).status
        switch decide(status) {
        case .cancel where !status.isTerminal:
            task.cancelledAt = date
            tasks[id] = task
            counts.cancels += 1
            return .cancelled(task.state(at: date))
        case .delete:
            task.deleted = true
            tasks[id] = task
            callbackProgress[id] = nil
            counts.deletes += 1
            return .deleted
        case .cancel, .refuse:
            return .refused(status)
        }
    }

    /// Hands out, once, the changes not yet pushed for every task with a callback URL that has no delivery in
    /// flight. Only statuses in `pushing` are pushed. Call `finishCallbackWork` when a delivery ends.
    public func takeCallbackWork(pushing: Set<JobStatus>) -> [CallbackWork<Spec>] {
        let date = now()
        var work: [CallbackWork<Spec>] = []
        for (id, progress) in callbackProgress where !progress.inFlight {
            guard let task = tasks[id], let url = task.plan.callbackURL else { continue }
            let timeline = task.timeline
            let pushed = timeline.filter { pushing.contains($0.status) }
            let due = pushed.filter { $0.at <= date }
            if due.count > progress.handedOut {
                let events = due[progress.handedOut...].map { EmulatedTaskState(task: task, status: $0.status, updatedAt: $0.at) }
                work.append(CallbackWork(taskID: id, url: url, events: events))
                callbackProgress[id] = (due.count, true)
            } else if let last = timeline.last, last.at <= date, last.status.isTerminal, progress.handedOut == pushed.count {
                callbackProgress[id] = nil
            }
        }
        return work.sorted { (tasks[$0.taskID]?.sequence ?? 0) < (tasks[$1.taskID]?.sequence ?? 0) }
    }

    /// Ends a delivery begun by `takeCallbackWork`, recording how its events fared.
    public func finishCallbackWork(_ id: String, delivered: Int, abandoned: Int) {
        counts.callbacksDelivered += delivered
        counts.callbacksAbandoned += abandoned
        if let progress = callbackProgress[id] { callbackProgress[id] = (progress.handedOut, false) }
    }

    /// A copy of the counters.
    public func counters() -> EmulatorCounters {
        var snapshot = counts
        snapshot.tasks = order.count - counts.deletes
        return snapshot
    }

    /// How many creates carried this request fingerprint.
    public func createCount(fingerprint: String) -> Int { createsByFingerprint[fingerprint] ?? 0 }
}
