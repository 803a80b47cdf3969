import Foundation
import SeedGateAPI
import SeedGateCore

extension Components.Schemas.ModelList {
    /// Each canonical model with what the configured providers offer for it.
    init(_ providers: ProviderDirectory) {
        let catalogue = providers.catalogue
        let models = catalogue.modelNames.map { name -> Components.Schemas.Model in
            let offerings = catalogue.providers(serving: name).compactMap { id in
                catalogue.offering(model: name, provider: id).map { (id, $0) }
            }
            let capabilities = Set(offerings.flatMap(\.1.capabilities)).sorted().map(\.rawValue)
            let serving = Set(offerings.map(\.0))
            let notOffered = providers.all.map(\.manifest.id).filter { !serving.contains($0) }.map(\.rawValue).sorted()
            return .init(
                id: name, object: .model, capabilities: capabilities,
                providers: offerings.map { id, offering in
                    .init(
                        provider: id.rawValue, upstreamModel: offering.upstream, capabilities: offering.capabilities.map(\.rawValue),
                        resolutions: offering.resolutions, defaultResolution: offering.defaultResolution, ratios: offering.ratios,
                        durations: .init(
                            min: offering.durations.min, max: offering.durations.max, values: offering.durations.values,
                            auto: offering.durations.auto, _default: offering.durations.default
                        ),
                        referenceImages: offering.referenceImages, referenceVideos: offering.referenceVideos.map(Self.limits),
                        referenceAudios: offering.referenceAudios.map(Self.limits), audioNeedsVisual: offering.audioNeedsVisual,
                        limits: offering.limits.map { .init(rpm: $0.rpm, concurrency: $0.concurrency) },
                        resolutionLimits: offering.resolutionLimits.map { limits in
                            .init(additionalProperties: limits.mapValues { .init(rpm: $0.rpm, concurrency: $0.concurrency) })
                        },
                        retiredFrom: offering.retiredFrom
                    )
                },
                notOfferedBy: notOffered.isEmpty ? nil : notOffered
            )
        }
        self.init(object: .list, data: models)
    }

    private static func limits(_ rule: MediaRule) -> Components.Schemas.MediaLimits {
        .init(max: rule.max, minSeconds: rule.minSeconds, maxSeconds: rule.maxSeconds, totalSeconds: rule.totalSeconds, formats: rule.formats)
    }
}

extension Components.Schemas.ProviderList {
    /// The configured providers; credentials are never part of this.
    init(_ providers: ProviderDirectory, emulated: Set<ProviderID>) {
        self.init(
            object: .list,
            data: providers.all.map { provider in
                let manifest = provider.manifest
                return .init(
                    id: manifest.id.rawValue, displayName: manifest.displayName,
                    baseUrlHost: URL(string: provider.context.baseURL)?.host ?? provider.context.baseURL,
                    emulated: emulated.contains(manifest.id), models: manifest.models.map(\.name), callbacks: manifest.callbacks,
                    cancellableStatuses: manifest.cancellableStatuses.map { .init($0) },
                    limits: .init(rpm: manifest.limits.rpm, concurrency: manifest.limits.concurrency)
                )
            })
    }
}
