import Synchronization

/// What the handler of one request did with the task book, as the fault middleware needs to know it: whether a
/// create made a task (only then are its answer faults due) and whether a read served tasks (only then are a
/// malformed body and a status override shown). The middleware binds one to the request's task; the book notes
/// into it, so handlers carry no fault code.
final class FaultWitness: Sendable {
    @TaskLocal static var current: FaultWitness?

    private let state = Mutex((created: String?.none, served: false))

    var createdTask: Bool { state.withLock { $0.created != nil } }
    /// The id of the task the create made, if it made one.
    var createdTaskID: String? { state.withLock { $0.created } }
    var servedTasks: Bool { state.withLock { $0.served } }

    func noteCreated(_ id: String) { state.withLock { $0.created = id } }
    func noteServed() { state.withLock { $0.served = true } }
}
