import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its parts: enough for the form the OpenAI SDK sends to
/// `POST /v1/videos` (text fields plus at most a few file parts), with the whole body already in memory.
struct MultipartForm: Sendable {
    struct Part: Sendable {
        var name: String
        var filename: String?
        var contentType: String?
        var data: Data

        /// The part as text (form fields are UTF-8).
        var text: String { String(decoding: data, as: UTF8.self) }
    }

    var parts: [Part]

    /// The first part named `name`.
    func part(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// The boundary of a `multipart/form-data` content type, or nil for any other content type.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    enum ParseError: Error, Equatable {
        case malformed(String)
    }

    /// Splits `body` on `boundary`. Throws for a body that is not a well-formed form.
    init(body: Data, boundary: String) throws(ParseError) {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard var cursor = Self.find(delimiter, in: bytes, from: 0) else { throw .malformed("no boundary found in the body") }
        var parts: [Part] = []
        while true {
            cursor += delimiter.count
            if bytes[cursor...].starts(with: Array("--".utf8)) { break }
            guard bytes[cursor...].starts(with: crlf) else { throw .malformed("a boundary line does not end with CRLF") }
            cursor += 2
            guard let headerEnd = Self.find(crlf + crlf, in: bytes, from: cursor) else { throw .malformed("a part has no header end") }
            let headers = String(decoding: bytes[cursor..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = Self.find(crlf + delimiter, in: bytes, from: contentStart) else { throw .malformed("a part is not closed") }
            parts.append(try Self.part(headers: headers, data: Data(bytes[contentStart..<next])))
            cursor = next + 2
        }
        self.parts = parts
    }

    private static func part(headers: String, data: Data) throws(ParseError) -> Part {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if field == "content-type" { contentType = value }
            if field == "content-disposition" {
                let parameters = dispositionParameters(value)
                name = parameters["name"]
                filename = parameters["filename"]
            }
        }
        guard let name else { throw .malformed("a part has no Content-Disposition name") }
        return Part(name: name, filename: filename, contentType: contentType, data: data)
    }

    /// `form-data; name="x"; filename="y.png"` → `["name": "x", "filename": "y.png"]`; quoted values may hold `;`
    /// and backslash escapes.
    static func dispositionParameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        var key = ""
        var current = ""
        var inQuotes = false
        var escaped = false
        var readingValue = false
        func finish() {
            let name = key.trimmingCharacters(in: .whitespaces).lowercased()
            if readingValue, !name.isEmpty { result[name] = current }
            key = ""
            current = ""
            readingValue = false
        }
        for character in value {
            if escaped {
                current.append(character)
                escaped = false
            } else if inQuotes {
                if character == "\\" { escaped = true } else if character == "\"" { inQuotes = false } else { current.append(character) }
            } else if character == ";" {
                finish()
            } else if character == "=", !readingValue {
                readingValue = true
            } else if readingValue {
                if character == "\"" { inQuotes = true } else if !character.isWhitespace { current.append(character) }
            } else {
                key.append(character)
            }
        }
        finish()
        return result
    }

    /// The index where `needle` first occurs in `haystack` at or after `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
