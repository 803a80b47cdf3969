import Foundation
import SeedGateCore
import Testing

/// Makes, in a fresh emulator, the task a recorded read refers to: a create built from what the recorded answer
/// shows of the task (model, resolution, ratio, …, so the emulator's answer can carry the same fields), with
/// failure markers in the prompt to steer it to the recorded status.
enum CassetteTaskMaker {
    /// The create request for `provider`, resembling the task of the recorded read `recorded` (nil: a plain one).
    static func create(_ provider: ProviderID, prompt: String, resembling recorded: JSONValue?, draft: Bool = false) -> (
        path: String, json: JSONValue
    ) {
        switch provider.rawValue {
        case "volcengine-ark", "byteplus-modelark": arkCreate(provider, prompt: prompt, recorded: recorded, draft: draft)
        case "modelverse": modelVerseCreate(prompt: prompt, recorded: recorded, draft: draft)
        case "acedata": aceDataCreate(prompt: prompt, recorded: recorded)
        default: chanjingCreate(prompt: prompt, recorded: recorded)
        }
    }

    /// The id in a create answer.
    static func createdID(_ provider: ProviderID, _ answer: JSONValue?) -> String? {
        switch provider.rawValue {
        case "volcengine-ark", "byteplus-modelark": answer?["id"]?.string
        case "modelverse": answer?["output"]?["task_id"]?.string
        case "acedata": answer?["task_id"]?.string
        default: answer?["data"]?.string
        }
    }

    private static func arkCreate(_ provider: ProviderID, prompt: String, recorded: JSONValue?, draft: Bool) -> (path: String, json: JSONValue) {
        let prefix = provider.rawValue == "byteplus-modelark" ? "" : "doubao-"
        var fields: [String: JSONValue] = ["model": .string(recorded?["model"]?.string ?? "\(prefix)seedance-1-0-pro-250528")]
        var content: [JSONValue] = [.object(["type": "text", "text": .string(prompt)])]
        if fields["model"]?.string?.contains("i2v") == true {
            content.append(.object(["type": "image_url", "image_url": .object(["url": "https://example.com/first.png"]), "role": "first_frame"]))
        }
        fields["content"] = .array(content)
        // Seedance 2.x takes no service_tier (its tasks still report the online tier) and echoes priority,
        // safety_identifier and the tools it used.
        let twoX = fields["model"]?.string?.contains("seedance-2-") == true
        let keys = ["resolution", "ratio", "duration", "frames", "seed", "execution_expires_after", "generate_audio", "draft"]
        for key in keys + (twoX ? ["priority", "safety_identifier", "tools"] : ["service_tier"]) {
            if let value = recorded?[key], value != .null { fields[key] = value }
        }
        if recorded?["content"]?["last_frame_url"] != nil { fields["return_last_frame"] = true }
        if draft {
            fields["model"] = .string("\(prefix)seedance-1-5-pro-251215")
            fields["draft"] = true
            fields["resolution"] = "480p"
        }
        return ("/api/v3/contents/generations/tasks", .object(fields))
    }

    private static func modelVerseCreate(prompt: String, recorded: JSONValue?, draft: Bool) -> (path: String, json: JSONValue) {
        var parameters: [String: JSONValue] = ["duration": recorded?["usage"]?["duration"] ?? 5]
        if draft {
            parameters["draft"] = true
            parameters["resolution"] = "480p"
        }
        let body: JSONValue = .object([
            "model": "doubao-seedance-1-5-pro-251215", "input": .object(["content": .array([.object(["type": "text", "text": .string(prompt)])])]),
            "parameters": .object(parameters),
        ])
        return ("/v1/tasks/submit", body)
    }

    /// AceData echoes the create body as a record's `request`: the recorded one is sent again, prompt replaced.
    private static func aceDataCreate(prompt: String, recorded: JSONValue?) -> (path: String, json: JSONValue) {
        var fields: [String: JSONValue] = ["model": "doubao-seedance-1-0-pro-250528"]
        if case .object(let request)? = recorded?["request"] { fields = request }
        fields["content"] = .array([.object(["type": "text", "text": .string(prompt)])])
        if fields["callback_url"] == nil { fields["async"] = true }
        return ("/seedance/videos", .object(fields))
    }

    private static func chanjingCreate(prompt: String, recorded: JSONValue?) -> (path: String, json: JSONValue) {
        let motion = recorded?["motion_info"]
        var fields: [String: JSONValue] = [
            "creation_type": 4, "model_code": recorded?["model_code"] ?? "Doubao-Seedance-1.0-pro", "ref_prompt": .string(prompt),
            "aspect_ratio": motion?["aspect_ratio"] ?? "16:9", "clarity": motion?["clarity"] ?? 1080,
            "video_duration": motion?["video_duration"] ?? 5,
        ]
        // The frames as the documented table sends them ([S004]): start_frame, then end_frame.
        if case .array(let images)? = recorded?["ref_img_url"], !images.isEmpty {
            fields["start_frame"] = images[0]
            if images.count > 1 { fields["end_frame"] = images[1] }
        }
        for key in ["start_frame", "end_frame"] { if let frame = recorded?[key], frame != .null { fields[key] = frame } }
        return ("/open/v1/ai_creation/task/submit", .object(fields))
    }
}
