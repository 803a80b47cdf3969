import Synchronization

/// Wakes one waiting loop early: `ring()` from anywhere, `wait(upTo:)` in the loop. A ring with nobody
/// waiting is remembered, so the next wait returns at once.
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var timedOut: UInt64?
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns when rung, after `timeout`, or when the task is cancelled.
    public func wait(upTo timeout: Duration) async {
        let id = state.withLock { state -> UInt64? in
            if state.rung {
                state.rung = false
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.rung || state.timedOut == id {
                            state.rung = false
                            return true
                        }
                        state.waiter = (id, continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func expire(_ id: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.id == id else {
                state.timedOut = id
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
