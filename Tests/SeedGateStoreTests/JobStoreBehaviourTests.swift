import SeedGateCore
import Testing

/// The shared `JobStore` behaviour, run against every backend.
@Suite struct JobStoreBehaviourTests {
    @Test(arguments: StoreBackend.allCases)
    func insertAndGet(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.insertAndGet)
    }

    @Test(arguments: StoreBackend.allCases)
    func insertSetsVersionOne(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.insertSetsVersionOne)
    }

    @Test(arguments: StoreBackend.allCases)
    func compareAndSet(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.compareAndSet)
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentCompareAndSet(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.concurrentCompareAndSet)
    }

    @Test(arguments: StoreBackend.allCases)
    func eventsInOrder(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.eventsInOrder)
    }

    @Test(arguments: StoreBackend.allCases)
    func updateRefreshesQueriedFields(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.updateRefreshesQueriedFields)
    }

    @Test(arguments: StoreBackend.allCases)
    func listNewestFirst(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.listNewestFirst)
    }

    @Test(arguments: StoreBackend.allCases)
    func listFilters(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.listFilters)
    }

    @Test(arguments: StoreBackend.allCases)
    func cursorPaging(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.cursorPaging)
    }

    @Test(arguments: StoreBackend.allCases)
    func awaitingSubmission(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.awaitingSubmission)
    }

    @Test(arguments: StoreBackend.allCases)
    func dueForCheck(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.dueForCheck)
    }

    @Test(arguments: StoreBackend.allCases)
    func ping(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.ping)
    }
}
