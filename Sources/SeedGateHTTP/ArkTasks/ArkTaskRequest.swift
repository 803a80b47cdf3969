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
    // Seedance 2.x. (seedance-2.md §3)
    var tools: [Tool]?
    var outputFormat: String?
    var omniReferenceTaskType: String?
    var priority: Int?
    var safetyIdentifier: String?
    /// SeedGate extension: pin a provider where configuration allows (`extra_body={"provider": …}` in the SDK).
    var provider: String?

    struct ContentItem: Decodable, Sendable {
        var type: String?
        var text: String?
        var imageURL: URLObject?
        var videoURL: URLObject?
        var audioURL: URLObject?
        var role: String?
        var draftTask: DraftReference?

        struct URLObject: Decodable, Sendable { var url: String? }
        struct DraftReference: Decodable, Sendable { var id: String? }

        enum CodingKeys: String, CodingKey {
            case type, text, role
            case imageURL = "image_url"
            case videoURL = "video_url"
            case audioURL = "audio_url"
            case draftTask = "draft_task"
        }
    }

    struct Tool: Decodable, Sendable { var type: String? }

    enum CodingKeys: String, CodingKey {
        case model, content, draft, resolution, ratio, duration, frames, seed, watermark, tools, provider, priority
        case safetyIdentifier = "safety_identifier"
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
    /// Returns the request and, for error messages, the `content[]` index each image, video and audio came from.
    func createJob(catalogue: ModelCatalogue) throws(ArkError) -> (CreateJob, indexes: ContentIndexes) {
        guard let model, !model.isEmpty else { throw .missingParameter("model") }
        guard let canonical = FacadeModels.canonical(model, in: catalogue) else { throw .modelNotFound(model, served: catalogue.modelNames) }
        guard let content, !content.isEmpty else { throw .missingParameter("content") }
        if callbackURL != nil {
            throw .invalidParameter("callback_url", "SeedGate does not send Ark-shaped callbacks; poll the task, or subscribe to SeedGate's webhooks")
        }
        var toolTypes: [ToolType]?
        if let tools {
            toolTypes = try tools.enumerated().map { (index, tool) throws(ArkError) -> ToolType in
                guard let type = tool.type.flatMap(ToolType.init(rawValue:)) else {
                    throw .invalidParameter("tools[\(index)].type", "must be web_search")
                }
                return type
            }
        }
        var taskType: TaskType?
        if let omniReferenceTaskType {
            guard let value = TaskType(rawValue: omniReferenceTaskType) else {
                throw .invalidParameter("omni_reference_task_type", "must be auto, reference, edit or extend")
            }
            taskType = value
        }
        var format: OutputFormat?
        if let outputFormat {
            guard let value = OutputFormat(rawValue: outputFormat) else { throw .invalidParameter("output_format", "must be mp4 or mov") }
            format = value
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
        var videos: [MediaInput] = []
        var audios: [MediaInput] = []
        var mediaIndexes: [String: [Int]] = [:]
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
            case "video_url", "audio_url":
                let video = item.type == "video_url"
                let kind = video ? "video" : "audio"
                guard let url = (video ? item.videoURL : item.audioURL)?.url, !url.isEmpty else {
                    throw .missingParameter("content[\(index)].\(kind)_url.url")
                }
                guard item.role == nil || item.role == "reference_\(kind)" else {
                    throw .invalidParameter("content[\(index)].role", "must be reference_\(kind)")
                }
                if video { videos.append(MediaInput(url: url)) } else { audios.append(MediaInput(url: url)) }
                mediaIndexes[video ? "videos" : "audios", default: []].append(index)
            case "draft_task":
                guard let id = item.draftTask?.id, !id.isEmpty else { throw .missingParameter("content[\(index)].draft_task.id") }
                draftJobID = id
            case nil:
                throw .missingParameter("content[\(index)].type")
            case let other?:
                throw .invalidParameter(
                    "content[\(index)].type", "\(other) is not a content type (text, image_url, video_url, audio_url or draft_task)")
            }
        }
        let spec = JobSpec(
            model: canonical, prompt: prompt, images: images, resolution: resolution, ratio: ratio, duration: duration,
            frames: frames, seed: seed, cameraFixed: cameraFixed, watermark: watermark, generateAudio: generateAudio,
            returnLastFrame: returnLastFrame, draft: draft, draftJobID: draftJobID, serviceTier: tier,
            expiresAfter: executionExpiresAfter, provider: provider, videos: videos, audios: audios, priority: priority,
            safetyIdentifier: safetyIdentifier, tools: toolTypes, taskType: taskType, outputFormat: format
        )
        return (
            CreateJob(spec: spec), ContentIndexes(images: imageIndexes, videos: mediaIndexes["videos"] ?? [], audios: mediaIndexes["audios"] ?? [])
        )
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

    /// Where each medium of the request sits in `content[]`.
    struct ContentIndexes: Sendable {
        var images: [Int] = []
        var videos: [Int] = []
        var audios: [Int] = []
    }

    /// The Ark parameter a SeedGate field came from (`images[1].url` → `content[2].image_url.url`,
    /// `videos[0].url` → `content[3].video_url.url`).
    static func param(forField field: String, indexes: ContentIndexes) -> String {
        for (prefix, list, urlKey) in [
            ("images[", indexes.images, "image_url"), ("videos[", indexes.videos, "video_url"), ("audios[", indexes.audios, "audio_url"),
        ]
        where field.hasPrefix(prefix) {
            let digits = field.dropFirst(prefix.count).prefix { $0.isNumber }
            if let index = Int(digits), index < list.count {
                let rest = field.dropFirst(prefix.count + digits.count + 1)
                return "content[\(list[index])]" + (rest == ".url" ? ".\(urlKey).url" : String(rest))
            }
        }
        switch field {
        case "images", "prompt", "videos", "audios": return "content"
        case "draft_job_id": return "content.draft_task.id"
        case "expires_after": return "execution_expires_after"
        case "task_type": return "omni_reference_task_type"
        default: return field
        }
    }
}
