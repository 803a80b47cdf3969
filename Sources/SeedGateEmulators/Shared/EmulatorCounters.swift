/// What an emulator has seen, for tests and load checks. Served as JSON by `GET /emulator/stats`.
public struct EmulatorCounters: Sendable, Codable, Equatable {
    /// Creates that produced a task.
    public var creates: Int
    /// Every create call that passed authentication, accepted or not.
    public var createAttempts: Int
    /// Status reads: one per single-task GET and one per list call.
    public var statusReads: Int
    /// Tasks currently held (deleted ones excluded).
    public var tasks: Int
    /// The highest number of creates sharing one request fingerprint (1 means no request was submitted twice).
    public var maxCreatesPerTask: Int
    /// Queued tasks cancelled through the API.
    public var cancels: Int
    /// Finished tasks deleted through the API.
    public var deletes: Int
    /// Callback events a receiver acknowledged with 2xx.
    public var callbacksDelivered: Int
    /// Callback events given up after every attempt failed.
    public var callbacksAbandoned: Int

    public init(
        creates: Int = 0, createAttempts: Int = 0, statusReads: Int = 0, tasks: Int = 0, maxCreatesPerTask: Int = 0,
        cancels: Int = 0, deletes: Int = 0, callbacksDelivered: Int = 0, callbacksAbandoned: Int = 0
    ) {
        self.creates = creates
        self.createAttempts = createAttempts
        self.statusReads = statusReads
        self.tasks = tasks
        self.maxCreatesPerTask = maxCreatesPerTask
        self.cancels = cancels
        self.deletes = deletes
        self.callbacksDelivered = callbacksDelivered
        self.callbacksAbandoned = callbacksAbandoned
    }

    enum CodingKeys: String, CodingKey {
        case creates
        case createAttempts = "create_attempts"
        case statusReads = "status_reads"
        case tasks
        case maxCreatesPerTask = "max_creates_per_task"
        case cancels
        case deletes
        case callbacksDelivered = "callbacks_delivered"
        case callbacksAbandoned = "callbacks_abandoned"
    }
}
