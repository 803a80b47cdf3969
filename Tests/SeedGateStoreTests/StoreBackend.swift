import Foundation
import SeedGateCore
import SeedGateStoreSQLite
import Testing

/// The `JobStore` implementations the behaviour suite runs against. A new backend adds a case here.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inMemory
    case sqlite
    /// A fresh database per test on the server in `POSTGRES_URL`.
    case postgres

    /// The backends the suite runs on: `postgres` only when `POSTGRES_URL` is set. Its absence is not silent:
    /// `PostgresJobStoreTests.postgresBackendRuns` then reports a skip ("POSTGRES_URL not set").
    static var allCases: [StoreBackend] {
        PostgresTestDatabase.isAvailable ? [.inMemory, .sqlite, .postgres] : [.inMemory, .sqlite]
    }

    var testDescription: String { rawValue }

    /// Runs `body` against a fresh, empty store, then disposes of it.
    func withStore(_ body: (any JobStore) async throws -> Void) async throws {
        switch self {
        case .inMemory:
            try await body(InMemoryJobStore())
        case .sqlite:
            try await TemporaryDirectory.with { directory in
                let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
                defer { try? store.close() }
                try await body(store)
            }
        case .postgres:
            try await PostgresTestDatabase.withStore(body)
        }
    }
}

/// A directory under the system temporary directory that is removed after use.
enum TemporaryDirectory {
    static func with<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("seedgate-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url)
    }
}
