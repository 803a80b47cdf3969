import Foundation
import SeedGateCore
import Yams

/// Reads `Providers/<id>/manifest.yaml` files.
public enum ManifestLoader {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Decodes one manifest file.
    public static func load(file: URL) throws -> ProviderManifest {
        do {
            let text = try String(contentsOf: file, encoding: .utf8)
            let manifest = try YAMLDecoder().decode(ProviderManifest.self, from: text)
            for offering in manifest.models where offering.retiredFrom != nil && offering.retirementDate == nil {
                throw Failure(description: "\(offering.name): retired_from must be a day written YYYY-MM-DD, not \(offering.retiredFrom ?? "")")
            }
            return manifest
        } catch let failure as Failure {
            throw Failure(description: "cannot read provider manifest \(file.path): \(failure.description)")
        } catch {
            throw Failure(description: "cannot read provider manifest \(file.path): \(error)")
        }
    }

    /// Decodes every `<dir>/*/manifest.yaml`; a folder's name must equal its manifest's `id`.
    public static func loadAll(directory: URL) throws -> [ProviderManifest] {
        let folders: [URL]
        do {
            folders = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("manifest.yaml").path) }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw Failure(description: "cannot list provider manifests in \(directory.path): \(error.localizedDescription)")
        }
        return try folders.map { folder in
            let manifest = try load(file: folder.appendingPathComponent("manifest.yaml"))
            guard manifest.id.rawValue == folder.lastPathComponent else {
                throw Failure(description: "\(folder.path)/manifest.yaml has id \(manifest.id), not \(folder.lastPathComponent)")
            }
            return manifest
        }
    }
}
