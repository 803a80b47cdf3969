import Foundation
import SeedGateCore

/// `POST /api/v3/contents/generations/tasks` as Ark reads it. Every field is optional so that missing fields and
/// JSON `null` (the Ark SDK sends `null` for everything unset) read alike. Unknown fields are ignored.
struct ArkTaskRequest: Decodable, Sendable {
    var model: String?
    var content: [ContentItem]?
    var callbackURL: String?
    var returnLastFrame: Bool?
    var serviceTier: String?
    var executionExpiresAfter: Int?
    var generateAudio: Bool?
    var draft: Bool?
    var cameraFixed: Bool?
    var watermark: Bool?
    var seed: Int64?
    var resolution: String?
    var ratio: String?
    var duration: Int?
    var frames: Int?
    /// Fields of Seedance 2.x that the models SeedGate serves do not take: refused when set.
    var tools: [JSONIgnored]?
    var outputFormat: String?
    var omniReferenceTaskType: String?
    /// SeedGate extension: pin a provider where configuration allows (`extra_body={"provider": …}` in the SDK).
    var provider: String?

    struct ContentItem: Decodable, Sendable {
        var type: String?
        var text: String?
        var imageURL: URLObject?
        var role: String?
        var draftTask: DraftReference?

        struct URLObject: Decodable, Sendable { var url: String? }
        struct DraftReference: Decodable, Sendable { var id: String? }

        enum CodingKeys: String, CodingKey {
            case type, text, role
            case imageURL = "image_url"
            case draftTask = "draft_task"
        }
    }

    /// Any JSON value, only noticed for being there.
    struct JSONIgnored: Decodable, Sendable {
        init(from decoder: any Decoder) throws {}
    }

    enum CodingKeys: String, CodingKey {
        case model, content, draft, resolution, ratio, duration, frames, seed, watermark, tools, provider
        case callbackURL = "callback_url"
        case returnLastFrame = "return_last_frame"
        case serviceTier = "service_tier"
        case executionExpiresAfter = "execution_expires_after"
        case generateAudio = "generate_audio"
        case cameraFixed = "camera_fixed"
        case outputFormat = "output_format"
        case omniReferenceTaskType = "omni_reference_task_type"
    }

    /// The SeedGate request, after the checks only this facade can make. `model` may be a canonical name or any
    /// provider's model id (`doubao-seedance-1-5-pro-251215`, `seedance-1-5-pro-251215`, …).
    /// Returns the request and, for error messages, the `content[]` index each image came from.
    func createJob(catalogue: ModelCatalogue) throws(ArkError) -> (CreateJob, imageIndexes: [Int]) {
        guard let model, !model.isEmpty else { throw .missingParameter("model") }
        guard let canonical = FacadeModels.canonical(model, in: catalogue) else { throw .modelNotFound(model, served: catalogue.modelNames) }
        guard let content, !content.isEmpty else { throw .missingParameter("content") }
        if callbackURL != nil {
            throw .invalidParameter("callback_url", "SeedGate does not send Ark-shaped callbacks; poll the task, or subscribe to SeedGate's webhooks")
        }
        for (name, set) in [
            ("tools", tools != nil), ("output_format", outputFormat != nil), ("omni_reference_task_type", omniReferenceTaskType != nil),
        ] where set {
            throw .invalidParameter(name, "is not supported by the models SeedGate serves")
        }
        var tier: ServiceTier?
        if let serviceTier {
            guard let value = ServiceTier(rawValue: serviceTier) else { throw .invalidParameter("service_tier", "must be default or flex") }
            tier = value
        }
        var prompt: String?
        var images: [ImageInput] = []
        var imageIndexes: [Int] = []
        var draftJobID: String?
        for (index, item) in content.enumerated() {
            switch item.type {
            case "text":
                guard let text = item.text else { throw .missingParameter("content[\(index)].text") }
                guard prompt == nil else { throw .invalidParameter("content[\(index)]", "only one text item is allowed") }
                prompt = text
            case "image_url":
                guard let url = item.imageURL?.url, !url.isEmpty else {
                    throw ArkError(
                        status: 400, code: "InvalidImageURL.EmptyURL", message: "The image URL is empty.", param: "content[\(index)].image_url.url")
                }
                guard let role = Self.role(item.role) else {
                    throw .invalidParameter("content[\(index)].role", "must be first_frame, last_frame or reference_image")
                }
                images.append(ImageInput(url: url, role: role))
                imageIndexes.append(index)
            case "draft_task":
                guard let id = item.draftTask?.id, !id.isEmpty else { throw .missingParameter("content[\(index)].draft_task.id") }
                draftJobID = id
            case nil:
                throw .missingParameter("content[\(index)].type")
            case let other?:
                throw .invalidParameter(
                    "content[\(index)].type", "\(other) is not supported by the models SeedGate serves (text, image_url or draft_task)")
            }
        }
        let spec = JobSpec(
            model: canonical, prompt: prompt, images: images, resolution: resolution, ratio: ratio, duration: duration,
            frames: frames, seed: seed, cameraFixed: cameraFixed, watermark: watermark, generateAudio: generateAudio,
            returnLastFrame: returnLastFrame, draft: draft, draftJobID: draftJobID, serviceTier: tier,
            expiresAfter: executionExpiresAfter, provider: provider
        )
        return (CreateJob(spec: spec), imageIndexes)
    }

    /// Ark's image roles; an image without a role is a first frame.
    static func role(_ role: String?) -> ImageRole? {
        switch role {
        case nil, "first_frame": .firstFrame
        case "last_frame": .lastFrame
        case "reference_image": .reference
        default: nil
        }
    }

    /// The Ark parameter a SeedGate field came from (`images[1].url` → `content[2].image_url.url`).
    static func param(forField field: String, imageIndexes: [Int]) -> String {
        if field.hasPrefix("images[") {
            let digits = field.dropFirst("images[".count).prefix { $0.isNumber }
            if let index = Int(digits), index < imageIndexes.count {
                let rest = field.dropFirst("images[".count + digits.count + 1)
                return "content[\(imageIndexes[index])]" + (rest == ".url" ? ".image_url.url" : String(rest))
            }
        }
        switch field {
        case "images", "prompt": return "content"
        case "draft_job_id": return "content.draft_task.id"
        case "expires_after": return "execution_expires_after"
        default: return field
        }
    }
}
