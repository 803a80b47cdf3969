import Foundation
import SeedGateCore

/// `POST /v1/videos` as the OpenAI SDK sends it (always `multipart/form-data`; JSON is accepted too), turned into
/// a SeedGate create request.
///
/// - `model`: a canonical SeedGate model or any provider's model id; `sora-*` and other names are refused, listing
///   the models served.
/// - `seconds`: a whole number of seconds as a string ("4", "8", "12", or any other the model allows, such as "5");
///   passed on as `duration`, so the model and the providers of its route decide (4 s on a 5-or-10 s provider is
///   refused, naming `seconds`). Absent: the model's default duration.
/// - `size`: see `OpenAIVideoSizes`. Absent: the model's default resolution and ratio.
/// - `input_reference`: an uploaded image file (sent on as a `data:` URL), an `image_url` (URL or data URL) or a
///   plain URL string; it becomes the first frame. `file_id` is refused (SeedGate has no Files API).
/// - `provider` (a SeedGate extension, e.g. via the SDK's `extra_body`): pin a provider where configuration allows.
struct OpenAIVideoRequest: Sendable, Equatable {
    var model: String?
    var prompt: String?
    var seconds: String?
    var size: String?
    var imageURL: String?
    var fileID: String?
    var provider: String?

    /// Reads the body according to its content type.
    init(contentType: String?, body: Data) throws(OpenAIError) {
        let type = contentType ?? "application/json"
        if let boundary = MultipartForm.boundary(contentType: type) {
            let form: MultipartForm
            do {
                form = try MultipartForm(body: body, boundary: boundary)
            } catch {
                switch error {
                case .malformed(let reason):
                    throw OpenAIError(status: 400, message: "The multipart body could not be read: \(reason).", code: "invalid_body")
                }
            }
            try self.init(form: form)
        } else if type.lowercased().hasPrefix("application/json") {
            try self.init(json: body)
        } else {
            throw OpenAIError(status: 415, message: "Send the body as multipart/form-data or application/json.", code: "unsupported_media_type")
        }
    }

    init(form: MultipartForm) throws(OpenAIError) {
        func text(_ name: String) -> String? { form.part(name).map(\.text) }
        model = text("model")
        prompt = text("prompt")
        seconds = text("seconds")
        size = text("size")
        provider = text("provider")
        imageURL = text("input_reference[image_url]")
        fileID = text("input_reference[file_id]")
        if let reference = form.part("input_reference") {
            imageURL =
                reference.filename == nil && reference.contentType == nil
                ? reference.text : try Self.dataURL(reference)
        }
    }

    init(json body: Data) throws(OpenAIError) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw OpenAIError(status: 400, message: "The body is not a JSON object.", code: "invalid_json")
        }
        func string(_ key: String) throws(OpenAIError) -> String? {
            switch object[key] {
            case nil, is NSNull: return nil
            case let value as String: return value
            case let value as NSNumber where key == "seconds": return value.stringValue
            default: throw OpenAIError.invalid(key, "Invalid type for '\(key)': expected a string.", code: "invalid_type")
            }
        }
        model = try string("model")
        prompt = try string("prompt")
        seconds = try string("seconds")
        size = try string("size")
        provider = try string("provider")
        switch object["input_reference"] {
        case nil, is NSNull: break
        case let url as String: imageURL = url
        case let reference as [String: Any]:
            imageURL = reference["image_url"] as? String
            fileID = reference["file_id"] as? String
        default:
            throw OpenAIError.invalid("input_reference", "Invalid type for 'input_reference': expected an object or a URL.", code: "invalid_type")
        }
    }

    /// The SeedGate request, after the checks only this facade can make (model name, seconds, size, file ids).
    func createJob(catalogue: ModelCatalogue) throws(OpenAIError) -> CreateJob {
        guard let name = model?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw OpenAIError.invalid(
                "model", "Missing required parameter: 'model'. SeedGate serves \(catalogue.modelNames.joined(separator: ", ")).",
                code: "missing_required_parameter")
        }
        guard let canonical = FacadeModels.canonical(name, in: catalogue) else {
            let served = catalogue.modelNames.joined(separator: ", ")
            let message =
                name.lowercased().hasPrefix("sora")
                ? "The model '\(name)' is not available here: SeedGate generates videos with ByteDance Seedance models. Use one of: \(served)."
                : "The model '\(name)' does not exist. Use one of: \(served)."
            throw OpenAIError.invalid("model", message, code: "model_not_found")
        }
        var duration: Int?
        if let seconds {
            guard let value = Int(seconds.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw OpenAIError.invalid("seconds", "Invalid 'seconds': '\(seconds)'. Expected a whole number of seconds such as '4', '8' or '12'.")
            }
            duration = value
        }
        var resolution: String?
        var ratio: String?
        if let size {
            guard let mapped = OpenAIVideoSizes.resolutionAndRatio(for: size) else {
                throw OpenAIError.invalid("size", "Invalid 'size': '\(size)'. Expected \(OpenAIVideoSizes.acceptedSummary).")
            }
            (resolution, ratio) = mapped
        }
        if fileID != nil, imageURL == nil {
            throw OpenAIError.invalid(
                "input_reference", "input_reference.file_id is not supported: upload the image, or give input_reference.image_url.",
                code: "unsupported_value")
        }
        let images = imageURL.map { [ImageInput(url: $0, role: .firstFrame)] } ?? []
        let spec = JobSpec(
            model: canonical, prompt: prompt, images: images, resolution: resolution, ratio: ratio, duration: duration, provider: provider
        )
        return CreateJob(spec: spec)
    }

    /// An uploaded image as `data:image/<format>;base64,…`, the format taken from the part's type, else its bytes.
    static func dataURL(_ part: MultipartForm.Part) throws(OpenAIError) -> String {
        guard !part.data.isEmpty else { throw OpenAIError.invalid("input_reference", "The uploaded input_reference is empty.") }
        let declared = part.contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var format = declared.flatMap { $0.hasPrefix("image/") ? String($0.dropFirst(6)) : nil }
        if format == "jpg" { format = "jpeg" }
        if format == nil || !DataImageFormats.known.contains(format!) { format = DataImageFormats.sniff(part.data) }
        guard let format else {
            throw OpenAIError.invalid(
                "input_reference", "input_reference must be an image (jpeg, png, webp, bmp, tiff, gif, heic or heif).", code: "unsupported_file")
        }
        return "data:image/\(format);base64,\(part.data.base64EncodedString())"
    }
}

/// Image formats providers accept, recognised from their first bytes.
enum DataImageFormats {
    static let known: Set<String> = ["jpeg", "png", "webp", "bmp", "tiff", "gif", "heic", "heif"]

    static func sniff(_ data: Data) -> String? {
        let head = [UInt8](data.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpeg" }
        if head.starts(with: Array("GIF8".utf8)) { return "gif" }
        if head.starts(with: Array("BM".utf8)) { return "bmp" }
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return "tiff" }
        if head.count >= 12, head[0..<4].elementsEqual(Array("RIFF".utf8)), head[8..<12].elementsEqual(Array("WEBP".utf8)) { return "webp" }
        if head.count >= 12, head[4..<8].elementsEqual(Array("ftyp".utf8)) {
            let brand = String(decoding: head[8..<12], as: UTF8.self)
            if ["heic", "heix", "heim", "heis"].contains(brand) { return "heic" }
            if ["mif1", "msf1"].contains(brand) { return "heif" }
        }
        return nil
    }
}
