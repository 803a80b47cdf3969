import Foundation
import PostgresNIO
import SeedGateCore

@testable import SeedGateStorePostgres

/// Throwaway PostgreSQL databases for the store tests, on the server named by `POSTGRES_URL`
/// (start one with `eval "$(scripts/postgres-test-server.sh start)"`). Each test gets its own database,
/// `seedgate_test_<uuid>`, created through a maintenance connection to the URL's database and dropped afterwards.
enum PostgresTestDatabase {
    /// The server to test against, or nil when `POSTGRES_URL` is unset or empty (the PostgreSQL tests are then
    /// skipped, visibly: see `PostgresJobStoreTests`).
    static let url: String? = ProcessInfo.processInfo.environment["POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether the PostgreSQL tests can run.
    static var isAvailable: Bool { url != nil }

    /// A quiet logger: the tests check results, and the driver's warnings would only add noise.
    static var logger: Logger {
        var logger = Logger(label: "seedgate.tests.postgres")
        logger.logLevel = .error
        return logger
    }

    /// Creates a fresh database, runs `body` with a client configuration for it, then drops it (even on failure).
    static func withDatabase<T>(_ body: (PostgresClient.Configuration) async throws -> T) async throws -> T {
        guard let url else { throw PostgresJobStoreError.invalidURL(reason: "POSTGRES_URL not set") }
        let maintenance = PostgresClient(configuration: try PostgresJobStore.configuration(url: url), backgroundLogger: logger)
        let name = "seedgate_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return try await running([maintenance]) {
            try await maintenance.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
            var configuration = try PostgresJobStore.configuration(url: url)
            configuration.database = name
            configuration.options.maximumConnections = 4
            // A claim that blocks on a lock instead of skipping it fails the test rather than hanging it.
            configuration.options.additionalStartupParameters = [("lock_timeout", "10s")]
            do {
                let result = try await body(configuration)
                try await maintenance.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"), logger: logger)
                return result
            } catch {
                _ = try? await maintenance.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"), logger: logger)
                throw error
            }
        }
    }

    /// Runs `body` with `count` stores on one fresh database, their clients running meanwhile.
    static func withStores<T>(_ count: Int, _ body: ([PostgresJobStore]) async throws -> T) async throws -> T {
        try await withDatabase { configuration in
            let stores = (0..<count).map { _ in PostgresJobStore(configuration: configuration, logger: logger) }
            return try await running(stores.map(\.client)) { try await body(stores) }
        }
    }

    /// Runs `body` with one store on a fresh database.
    static func withStore(_ body: (any JobStore) async throws -> Void) async throws {
        try await withStores(1) { stores in try await body(stores[0]) }
    }

    /// Runs `clients` (as a service group would) while `body` runs, then shuts them down.
    static func running<T>(_ clients: [PostgresClient], _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            for client in clients { group.addTask { await client.run() } }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Builds the schema up to migration `version` by hand, as a store of an earlier release would have left it.
    static func buildSchema(_ store: PostgresJobStore, upTo version: Int) async throws {
        try await store.client.withConnection { connection in
            try await connection.query(
                """
                CREATE TABLE seedgate_migrations (
                    version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger)
            for migration in PostgresJobStore.migrations where migration.version <= version {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO seedgate_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
            }
        }
    }
}
