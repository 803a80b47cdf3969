import Foundation

// Chanjing Open API JSON, field for field as on the wire (facts: docs/providers/chanjing.md, [S004] [DOC-LIST]
// [CJ-SKILLS]). Every answer is the envelope `{"trace_id", "code", "msg", "data"}` with `code == 0` on success.
// Requests encode an optional only when it is set. Responses are read tolerantly: only a task's `unique_id` and
// `progress_desc` are required; any other field that is missing, null or of an unexpected type reads as absent,
// and unknown fields are ignored.

/// The envelope's status part, read before `data`: `code` decides how the rest is read.
struct ChanjingEnvelopeHead: Decodable, Equatable, Sendable {
    /// `0` on success; nil when the body carries no readable code (then it is not Chanjing's envelope).
    var code: Int?
    var msg: String?
    var traceID: String?

    enum CodingKeys: String, CodingKey {
        case code, msg
        case traceID = "trace_id"
    }

    init(code: Int?, msg: String? = nil, traceID: String? = nil) {
        self.code = code
        self.msg = msg
        self.traceID = traceID
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // `code` is an integer on every documented answer; a numeric string is read too.
        let number: Int? = container.lenient(.code)
        let text: String? = container.lenient(.code)
        code = number ?? text.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        msg = container.lenient(.msg)
        traceID = container.lenient(.traceID)
    }
}

/// The envelope's `data`, read as one call's payload: nil when it is missing, null or of another shape;
/// `carriesData` tells "null or missing" apart from "there, but not what the call returns".
struct ChanjingEnvelope<Payload: Decodable & Sendable>: Decodable, Sendable {
    var data: Payload?
    var carriesData: Bool

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        data = container.lenient(.data)
        carriesData = container.contains(.data) && !((try? container.decodeNil(forKey: .data)) ?? true)
    }

    enum CodingKeys: String, CodingKey {
        case data
    }
}

/// Body of `POST /open/v1/access_token`.
struct ChanjingTokenRequest: Encodable, Sendable {
    var appID: String
    var secretKey: String

    enum CodingKeys: String, CodingKey {
        case appID = "app_id"
        case secretKey = "secret_key"
    }
}

/// `data` of the token answer. `expire_in` is the Unix time (seconds) of expiry, not a lifetime.
struct ChanjingTokenData: Decodable, Equatable, Sendable {
    var accessToken: String?
    var expireIn: Int64?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expireIn = "expire_in"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = container.lenient(.accessToken)
        expireIn = container.lenient(.expireIn)
    }
}

/// Body of `POST /open/v1/ai_creation/task/submit` for a video (`creation_type` 4). [S004]
struct ChanjingSubmitBody: Encodable, Equatable, Sendable {
    var creationType: Int
    var modelCode: String
    var refPrompt: String
    var aspectRatio: String
    /// Output height in pixels (720 or 1080), not `720p`.
    var clarity: Int
    var videoDuration: Int
    /// The optional first and last frame, as [S004]'s parameter table and JSON body example name them (the default).
    var startFrame: String?
    var endFrame: String?
    /// First frame, then last frame, as [S004]'s code samples send them; only with the manifest option
    /// `image_field: ref_img_url`.
    var refImgURL: [String]?

    enum CodingKeys: String, CodingKey {
        case creationType = "creation_type"
        case modelCode = "model_code"
        case refPrompt = "ref_prompt"
        case aspectRatio = "aspect_ratio"
        case clarity
        case videoDuration = "video_duration"
        case refImgURL = "ref_img_url"
        case startFrame = "start_frame"
        case endFrame = "end_frame"
    }
}

/// Body of `POST /open/v1/ai_creation/task/page`: every field [DOC-LIST] lists, all sent explicitly.
struct ChanjingPageRequest: Encodable, Equatable, Sendable {
    /// At most 50; an empty array means "no filter" (every task of the account), which only the search for the task
    /// of a lost create sends.
    var uniqueIDs: [String]
    /// 3 image, 4 video.
    var type: Int
    /// From 1.
    var page: Int
    /// At most 50.
    var pageSize: Int
    /// `false`: every task, not only the successful ones.
    var isSuccess: Bool

    enum CodingKeys: String, CodingKey {
        case type, page
        case uniqueIDs = "unique_ids"
        case pageSize = "page_size"
        case isSuccess = "is_success"
    }
}

/// `data` of the page answer: `{"list": [task], "total", "page_info"}` ([DOC-LIST]). Only `list` is read; an item
/// that is not a readable task reads as nil (its task is then read alone), and a missing `list` fails the decode.
struct ChanjingPageData: Decodable, Sendable {
    var list: [ChanjingTask?]
    /// `page_info.total_page` (nil when absent or unreadable).
    var totalPages: Int?

    enum CodingKeys: String, CodingKey {
        case list
        case pageInfo = "page_info"
    }

    private struct PageInfo: Decodable {
        var totalPage: Int?

        enum CodingKeys: String, CodingKey {
            case totalPage = "total_page"
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        list = try container.decode([LenientTask].self, forKey: .list).map(\.task)
        totalPages = (try? container.decodeIfPresent(PageInfo.self, forKey: .pageInfo))??.totalPage
    }

    private struct LenientTask: Decodable {
        var task: ChanjingTask?

        init(from decoder: any Decoder) throws {
            task = try? ChanjingTask(from: decoder)
        }
    }
}

/// One task as `GET /open/v1/ai_creation/task` returns it in `data` (and as list items carry it). [DOC-LIST]
struct ChanjingTask: Decodable, Equatable, Sendable {
    var uniqueID: String
    /// The status word: `Queued`, `Ready`, `Generating`, `Success`, `Error`.
    var progressDesc: String
    var id: Int64?
    var createTime: Int64?
    var type: Int?
    var errMsg: String?
    var aspectRatio: String?
    /// Result URLs; for a video task the video, once `Success`.
    var outputURL: [String]?
    var motionInfo: ChanjingMotionInfo?
    var refImgURL: [String]?
    var modelCode: String?
    var modelName: String?

    enum CodingKeys: String, CodingKey {
        case id, type
        case uniqueID = "unique_id"
        case progressDesc = "progress_desc"
        case createTime = "create_time"
        case errMsg = "err_msg"
        case aspectRatio = "aspect_ratio"
        case outputURL = "output_url"
        case motionInfo = "motion_info"
        case refImgURL = "ref_img_url"
        case modelCode = "model_code"
        case modelName = "model_name"
    }

    init(uniqueID: String, progressDesc: String) {
        self.uniqueID = uniqueID
        self.progressDesc = progressDesc
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        uniqueID = try container.decode(String.self, forKey: .uniqueID)
        progressDesc = try container.decode(String.self, forKey: .progressDesc)
        id = container.lenient(.id)
        createTime = container.lenient(.createTime)
        type = container.lenient(.type)
        errMsg = container.lenient(.errMsg)
        aspectRatio = container.lenient(.aspectRatio)
        outputURL = container.lenientStrings(.outputURL)
        motionInfo = container.lenient(.motionInfo)
        refImgURL = container.lenientStrings(.refImgURL)
        modelCode = container.lenient(.modelCode)
        modelName = container.lenient(.modelName)
    }
}

/// A video task's parameters as Chanjing echoes them (`motion_info`).
struct ChanjingMotionInfo: Decodable, Equatable, Sendable {
    var refPrompt: String?
    var clarity: Int?
    var aspectRatio: String?
    var videoDuration: Int?

    enum CodingKeys: String, CodingKey {
        case clarity
        case refPrompt = "ref_prompt"
        case aspectRatio = "aspect_ratio"
        case videoDuration = "video_duration"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        refPrompt = container.lenient(.refPrompt)
        clarity = container.lenient(.clarity)
        aspectRatio = container.lenient(.aspectRatio)
        videoDuration = container.lenient(.videoDuration)
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or nil when it is missing, null or not of the expected type.
    fileprivate func lenient<Value: Decodable>(_ key: Key) -> Value? {
        (try? decodeIfPresent(Value.self, forKey: key)) ?? nil
    }

    /// A string array whose null or non-string items are dropped; nil when the field is not an array.
    fileprivate func lenientStrings(_ key: Key) -> [String]? {
        let items: [LenientString]? = lenient(key)
        return items?.compactMap(\.value)
    }
}

/// One array item that may be anything; only strings are kept.
private struct LenientString: Decodable {
    var value: String?

    init(from decoder: any Decoder) throws {
        value = try? decoder.singleValueContainer().decode(String.self)
    }
}
