import Foundation

/// Every Chanjing answer: `{"trace_id","code","msg","data"}`; `data` is written as `null` when absent.
struct ChanjingEnvelopeBody<Payload: Encodable>: Encodable {
    var traceID: String
    var code: Int
    var msg: String
    var data: Payload?

    enum CodingKeys: String, CodingKey {
        case code, msg, data
        case traceID = "trace_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(traceID, forKey: .traceID)
        try container.encode(code, forKey: .code)
        try container.encode(msg, forKey: .msg)
        if let data { try container.encode(data, forKey: .data) } else { try container.encodeNil(forKey: .data) }
    }
}

/// `POST /open/v1/access_token` body.
struct ChanjingTokenRequestBody: Decodable {
    var appID: String?
    var secretKey: String?

    enum CodingKeys: String, CodingKey {
        case appID = "app_id"
        case secretKey = "secret_key"
    }
}

/// `data` of the token answer; `expire_in` is the Unix time of expiry.
struct ChanjingTokenAnswer: Encodable {
    var accessToken: String
    var expireIn: Int64

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expireIn = "expire_in"
    }
}

/// `POST /open/v1/ai_creation/task/submit` body as Chanjing reads it: the fields of [S004]'s parameter table (and
/// `ref_img_url`, taken only with `acceptsRefImgURL`), every one optional so that missing and `null` read alike
/// (validation decides); a wrong type is a format error (400). Fields outside the table are refused before this is
/// read (`ChanjingValidation.submitFields`). Encoding it (sorted keys) gives a canonical form of the request.
struct ChanjingSubmitRequestBody: Codable {
    var creationType: Int?
    var modelCode: String?
    var refPrompt: String?
    var aspectRatio: String?
    var clarity: Int?
    var videoDuration: Int?
    var startFrame: String?
    var endFrame: String?
    var refImgURL: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case clarity
        case creationType = "creation_type"
        case modelCode = "model_code"
        case refPrompt = "ref_prompt"
        case aspectRatio = "aspect_ratio"
        case videoDuration = "video_duration"
        case startFrame = "start_frame"
        case endFrame = "end_frame"
        case refImgURL = "ref_img_url"
    }
}

/// `POST /open/v1/ai_creation/task/page` body: the five fields [DOC-LIST] lists. [DOC-LIST]
struct ChanjingPageRequestBody: Decodable {
    var uniqueIDs: [String]?
    var type: Int?
    var page: Int?
    var pageSize: Int?
    var isSuccess: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, page
        case uniqueIDs = "unique_ids"
        case pageSize = "page_size"
        case isSuccess = "is_success"
    }
}

/// `data` of the list answer. [DOC-LIST]
struct ChanjingPageAnswer: Encodable {
    var list: [ChanjingTaskObject]
    var total: Int
    var pageInfo: PageInfo

    struct PageInfo: Encodable {
        var page: Int
        var size: Int
        var totalCount: Int
        var totalPage: Int

        enum CodingKeys: String, CodingKey {
            case page, size
            case totalCount = "total_count"
            case totalPage = "total_page"
        }
    }

    enum CodingKeys: String, CodingKey {
        case list, total
        case pageInfo = "page_info"
    }
}

/// A task as get and list return it, field for field as in [DOC-LIST]'s example. EMULATOR ASSUMPTION: `id` is the
/// task's creation order (1, 2, …), `number_ai_creation` is 1 and `model_name` is empty, as in the example.
struct ChanjingTaskObject: Encodable {
    var id: Int
    var uniqueID: String
    var createTime: Int
    var numberAICreation = 1
    var type = 4
    var progressDesc: String
    var errMsg: String
    var aspectRatio: String
    var outputURL: [String]
    var photoInfo = PhotoInfo()
    var motionInfo: MotionInfo
    var refImgURL: [String]
    var modelCode: String
    var modelName = ""

    /// Image-task parameters; zeroed on a video task (EMULATOR ASSUMPTION: [DOC-LIST] shows the mirror case, an
    /// image task with `motion_info` zeroed).
    struct PhotoInfo: Encodable {
        var refImgURL: [String] = []
        var refPrompt = ""
        var clarity = 0
        var aspectRatio = ""
        var qualityMode = ""
        var numberOfImages = 0

        enum CodingKeys: String, CodingKey {
            case clarity
            case refImgURL = "ref_img_url"
            case refPrompt = "ref_prompt"
            case aspectRatio = "aspect_ratio"
            case qualityMode = "quality_mode"
            case numberOfImages = "number_of_images"
        }
    }

    struct MotionInfo: Encodable {
        var photoPathURL: String?
        var refPrompt: String
        var clarity: Int
        var qualityMode = ""
        var style = ""
        var aspectRatio: String
        var videoDuration: Int

        enum CodingKeys: String, CodingKey {
            case clarity, style
            case photoPathURL = "photo_path_url"
            case refPrompt = "ref_prompt"
            case qualityMode = "quality_mode"
            case aspectRatio = "aspect_ratio"
            case videoDuration = "video_duration"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(photoPathURL, forKey: .photoPathURL) // null, as in [DOC-LIST]
            try container.encode(refPrompt, forKey: .refPrompt)
            try container.encode(clarity, forKey: .clarity)
            try container.encode(qualityMode, forKey: .qualityMode)
            try container.encode(style, forKey: .style)
            try container.encode(aspectRatio, forKey: .aspectRatio)
            try container.encode(videoDuration, forKey: .videoDuration)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, type
        case uniqueID = "unique_id"
        case createTime = "create_time"
        case numberAICreation = "number_ai_creation"
        case progressDesc = "progress_desc"
        case errMsg = "err_msg"
        case aspectRatio = "aspect_ratio"
        case outputURL = "output_url"
        case photoInfo = "photo_info"
        case motionInfo = "motion_info"
        case refImgURL = "ref_img_url"
        case modelCode = "model_code"
        case modelName = "model_name"
    }
}
