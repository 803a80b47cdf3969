import Foundation
import SeedGateServer
import Testing

/// `X_FILE=/run/secrets/x`: X's value is that file's content, for the variables SeedGate reads secrets from.
@Suite struct SecretFilesTests {
    /// A temporary folder, removed at the end of the test.
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("secret-files-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }

        func file(_ name: String, _ text: String) throws -> String {
            let path = url.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    @Test func aFileGivesTheValueWithoutItsTrailingLineBreak() throws {
        let folder = try Folder()
        let environment = try SecretFiles.resolve(
            [
                "SEEDGATE_WEBHOOK_SECRET_FILE": try folder.file("webhook", "whsec_abc\n"),
                "SEEDGATE_DATABASE_URL_FILE": try folder.file("db", "postgres://u:p@db/x\r\n"),
                "AWS_SECRET_ACCESS_KEY_FILE": try folder.file("aws", "  spaced  \n\n"),
                "OTHER": "kept",
            ], names: [])
        #expect(environment["SEEDGATE_WEBHOOK_SECRET"] == "whsec_abc")
        #expect(environment["SEEDGATE_DATABASE_URL"] == "postgres://u:p@db/x")
        #expect(environment["AWS_SECRET_ACCESS_KEY"] == "  spaced  ", "only line breaks are trimmed, and only at the end")
        #expect(environment["OTHER"] == "kept")
    }

    @Test func namesFromTheConfigurationAreResolvedAndOthersLeftAlone() throws {
        let folder = try Folder()
        let key = try folder.file("key", "sg-key-1\n")
        let environment = try SecretFiles.resolve(
            ["TEAM_KEY_FILE": key, "VOLCENGINE_ARK_API_KEY_FILE": key, "AWS_CONFIG_FILE": "/nonexistent/aws-config"], names: ["TEAM_KEY"])
        #expect(environment["TEAM_KEY"] == "sg-key-1")
        #expect(environment["VOLCENGINE_ARK_API_KEY"] == nil, "not named: nothing says it is a secret SeedGate reads")
        #expect(environment["AWS_CONFIG"] == nil, "the AWS SDK's own *_FILE variables are paths, not values")
    }

    @Test func anyStarSecretIsASecret() throws {
        let folder = try Folder()
        let environment = try SecretFiles.resolve(["PARTNER_HOOK_SECRET_FILE": try folder.file("s", "x")], names: [])
        #expect(environment["PARTNER_HOOK_SECRET"] == "x")
    }

    @Test func bothSetIsAnErrorNamingBoth() throws {
        let folder = try Folder()
        let path = try folder.file("s", "from-file")
        #expect {
            try SecretFiles.resolve(["SEEDGATE_WEBHOOK_SECRET": "direct", "SEEDGATE_WEBHOOK_SECRET_FILE": path], names: [])
        } throws: { error in
            let text = "\(error)"
            return text.contains("SEEDGATE_WEBHOOK_SECRET and SEEDGATE_WEBHOOK_SECRET_FILE") && !text.contains("direct")
                && !text.contains("from-file")
        }
    }

    @Test func anUnreadableFileIsAnErrorNamingTheVariableAndPath() throws {
        let folder = try Folder()
        let missing = folder.url.appendingPathComponent("missing").path
        #expect {
            try SecretFiles.resolve(["TEAM_KEY_FILE": missing], names: ["TEAM_KEY"])
        } throws: { error in
            "\(error)".contains("TEAM_KEY_FILE") && "\(error)".contains(missing)
        }
        #expect {
            try SecretFiles.resolve(["TEAM_KEY_FILE": folder.url.path], names: ["TEAM_KEY"])
        } throws: { error in
            "\(error)".contains("is a directory")
        }
    }

    @Test func theContentIsInNoError() throws {
        let folder = try Folder()
        var bytes = Data("sg-very-secret-value ".utf8)
        bytes.append(contentsOf: [0xFF, 0xFE]) // not UTF-8
        let path = folder.url.appendingPathComponent("binary").path
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect {
            try SecretFiles.resolve(["TEAM_KEY_FILE": path], names: ["TEAM_KEY"])
        } throws: { error in
            "\(error)".contains("TEAM_KEY_FILE") && !"\(error)".contains("sg-very-secret-value")
        }
    }

    @Test func anEmptyFileVariableCountsAsUnset() throws {
        let environment = try SecretFiles.resolve(["SEEDGATE_WEBHOOK_SECRET": "direct", "SEEDGATE_WEBHOOK_SECRET_FILE": ""], names: [])
        #expect(environment["SEEDGATE_WEBHOOK_SECRET"] == "direct")
    }

    /// `serve` and `check-config`: secrets the configuration names (a client's key_env, a provider's credentials)
    /// are read from their files too.
    @Test func loadResolvesTheVariablesTheConfigurationNames() throws {
        let folder = try Folder()
        let config = try folder.file(
            "seedgate.yaml",
            """
            catalog_dir: "\(repositoryRoot.appendingPathComponent("Providers").path)"
            providers:
              volcengine-ark: {credentials: {api_key: ARK_KEY_FOR_TESTS}}
            clients:
              - {name: ops, tenant: ops, admin: true, key_env: OPS_CLIENT_KEY}
            """)
        let (configuration, environment) = try SecretFiles.load(
            file: config,
            environment: [
                "OPS_CLIENT_KEY_FILE": try folder.file("ops", "sg-ops\n"), "ARK_KEY_FOR_TESTS_FILE": try folder.file("ark", "ark-secret\n"),
                "SEEDGATE_DATABASE_URL_FILE": try folder.file("db", "postgres://seedgate@db:5432/seedgate\n"),
            ])
        #expect(environment["OPS_CLIENT_KEY"] == "sg-ops")
        #expect(environment["ARK_KEY_FOR_TESTS"] == "ark-secret")
        #expect(configuration.databaseURL == "postgres://seedgate@db:5432/seedgate", "resolved before the configuration is read")
        #expect(configuration.storeKind == .postgres)
    }

    /// Without `providers:` every provider's manifest credential names are secrets.
    @Test func manifestCredentialNamesAreResolvedWithoutProviders() throws {
        let folder = try Folder()
        let config = try folder.file("seedgate.yaml", "catalog_dir: \"\(repositoryRoot.appendingPathComponent("Providers").path)\"\n")
        let (_, environment) = try SecretFiles.load(
            file: config, environment: ["MODELVERSE_API_KEY_FILE": try folder.file("mv", "mv-key\n")])
        #expect(environment["MODELVERSE_API_KEY"] == "mv-key")
    }
}

/// The repository's root (tests run from anywhere).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
