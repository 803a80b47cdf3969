import SeedGateTesting

@testable import SeedGateCore

/// Validation suites check a spec's shape, then normalise it against their fixture manifest's offering of its model.
protocol ValidationHarness {
    var manifest: ProviderManifest { get }
}

extension ValidationHarness {
    func normalise(_ spec: JobSpec) throws(ValidationFailure) -> JobSpec {
        try JobValidator.checkShape(spec, callbackURL: nil, metadata: [:])
        return try JobValidator.normalise(spec, offering: manifest.offering(for: spec.model)!, manifest: manifest)
    }

    /// Why the spec is refused; nil when it is accepted.
    func failure(_ spec: JobSpec) -> ValidationFailure? {
        do {
            _ = try normalise(spec)
            return nil
        } catch {
            return error
        }
    }
}
