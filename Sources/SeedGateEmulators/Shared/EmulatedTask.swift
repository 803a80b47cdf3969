import Foundation
import SeedGateCore

/// How an emulated task ends once its running time is over.
public enum PlannedOutcome: Sendable, Equatable {
    case succeed
    /// Ends `failed` with the provider's own error code and message.
    case fail(code: String, message: String)
    case expire

    /// The outcome a prompt's ending marker asks for; `moderated` is how this provider fails a task its output
    /// moderation stopped.
    public init(_ ending: FailurePlan.Ending, moderated: @autoclosure () -> PlannedOutcome) {
        switch ending {
        case .succeed: self = .succeed
        case .expire: self = .expire
        case .failModeration: self = moderated()
        }
    }

    /// Ark's output-moderation failure (`error.code` and `error.message` of the task), which the resellers of Ark's
    /// models relay; Ark itself ends the message with the request id (`suffix`).
    public static func arkOutputModerated(suffix: String = "") -> PlannedOutcome {
        .fail(
            code: "OutputVideoSensitiveContentDetected",
            message: "The request failed because the output video may contain sensitive information.\(suffix)")
    }
}

/// What a provider emulator decided when it accepted a create: provider-neutral facts the book needs.
public struct EmulatedTaskPlan: Sendable {
    public var model: String
    /// The tier the task runs in (`default`, `flex`, …); list calls may filter by it.
    public var serviceTier: String
    /// Where status changes are pushed, if anywhere.
    public var callbackURL: String?
    /// Identifies "the same request": creates with equal fingerprints count towards one task's create count.
    public var fingerprint: String
    public var queueSeconds: Double
    public var runSeconds: Double
    /// Seconds after creation at which an unfinished task becomes `expired`.
    public var expiresAfter: Double?
    public var outcome: PlannedOutcome

    public init(
        model: String, serviceTier: String = "default", callbackURL: String? = nil, fingerprint: String,
        queueSeconds: Double, runSeconds: Double, expiresAfter: Double? = nil, outcome: PlannedOutcome = .succeed
    ) {
        self.model = model
        self.serviceTier = serviceTier
        self.callbackURL = callbackURL
        self.fingerprint = fingerprint
        self.queueSeconds = queueSeconds
        self.runSeconds = runSeconds
        self.expiresAfter = expiresAfter
        self.outcome = outcome
    }
}

/// One status a task enters, and when.
public struct EmulatedTransition: Sendable, Equatable {
    public var status: JobStatus
    public var at: Date

    public init(_ status: JobStatus, at: Date) {
        self.status = status
        self.at = at
    }
}

/// A task held by an emulator. Its status is never stored: it follows from the clock and the plan.
public struct EmulatedTask<Spec: Sendable>: Sendable {
    public let id: String
    /// Creation order inside the book (newest has the highest number).
    public let sequence: Int
    public let createdAt: Date
    public let plan: EmulatedTaskPlan
    /// The provider-specific request, as the emulator resolved it.
    public let spec: Spec
    public internal(set) var cancelledAt: Date?
    public internal(set) var deleted = false

    /// Every status the task enters, in order: `queued`, `running`, a terminal status; a cancel cuts it short.
    /// A deadline (`expiresAfter`) that falls before the planned end turns the end into `expired`.
    public var timeline: [EmulatedTransition] {
        let planned = plannedTimeline
        guard let cancelledAt else { return planned }
        return planned.filter { $0.at < cancelledAt || $0.status == .queued } + [EmulatedTransition(.cancelled, at: cancelledAt)]
    }

    private var plannedTimeline: [EmulatedTransition] {
        var steps = [EmulatedTransition(.queued, at: createdAt)]
        let runningAt = createdAt.addingTimeInterval(max(0, plan.queueSeconds))
        let endAt = runningAt.addingTimeInterval(max(0, plan.runSeconds))
        if let expiresAfter = plan.expiresAfter {
            let deadline = createdAt.addingTimeInterval(expiresAfter)
            if deadline < endAt {
                if deadline > runningAt { steps.append(EmulatedTransition(.running, at: runningAt)) }
                steps.append(EmulatedTransition(.expired, at: max(deadline, createdAt)))
                return steps
            }
        }
        steps.append(EmulatedTransition(.running, at: runningAt))
        switch plan.outcome {
        case .succeed: steps.append(EmulatedTransition(.succeeded, at: endAt))
        case .fail: steps.append(EmulatedTransition(.failed, at: endAt))
        case .expire: steps.append(EmulatedTransition(.expired, at: endAt))
        }
        return steps
    }

    /// The task as it stands at `date` (before creation it reads as just created).
    public func state(at date: Date) -> EmulatedTaskState<Spec> {
        let steps = timeline
        let current = steps.last { $0.at <= date } ?? steps[0]
        return EmulatedTaskState(task: self, status: current.status, updatedAt: current.at)
    }
}

/// A task seen at one moment: its status then and when it entered that status.
public struct EmulatedTaskState<Spec: Sendable>: Sendable {
    public var task: EmulatedTask<Spec>
    public var status: JobStatus
    public var updatedAt: Date

    public var id: String { task.id }
    /// The planned failure, when the task has failed.
    public var failure: (code: String, message: String)? {
        guard status == .failed, case .fail(let code, let message) = task.plan.outcome else { return nil }
        return (code, message)
    }
}
