import Foundation

/// The little XML S3 speaks to us, read and written by hand: FoundationXML needs libxml2 at run time, which the
/// server's image does not carry, and S3's answers are flat documents of a few known elements. Reading finds the
/// root element's name and the text of the first element with a given name (entities decoded); writing escapes text.
enum S3XML {
    /// The name of the document's root element (after any `<?xml …?>` prolog, comments and doctype), or nil.
    static func rootElement(_ document: String) -> String? {
        var rest = Substring(document)
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            if after.hasPrefix("?") || after.hasPrefix("!") {
                guard let close = after.firstIndex(of: ">") else { return nil }
                rest = after[after.index(after: close)...]
                continue
            }
            let name = after.prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
            return name.isEmpty ? nil : String(name)
        }
        return nil
    }

    /// The decoded text of the first `<name>…</name>` (or "" for `<name/>`), or nil when there is none.
    static func firstValue(_ name: String, in document: String) -> String? {
        values(name, in: document, limit: 1).first
    }

    /// The decoded text of every `<name>…</name>`, in document order (up to `limit`).
    static func values(_ name: String, in document: String, limit: Int = .max) -> [String] {
        var found: [String] = []
        var rest = Substring(document)
        let open = "<" + name
        let close = "</" + name + ">"
        while found.count < limit, let start = rest.range(of: open) {
            let afterName = rest[start.upperBound...]
            guard let next = afterName.first else { break }
            guard next == ">" || next == "/" || next.isWhitespace, let tagEnd = afterName.firstIndex(of: ">") else {
                // A longer name that starts the same (`<Code` in `<CodeX>`): keep looking after it.
                rest = afterName
                continue
            }
            if afterName[..<tagEnd].hasSuffix("/") {
                found.append("")
                rest = afterName[afterName.index(after: tagEnd)...]
                continue
            }
            let content = afterName[afterName.index(after: tagEnd)...]
            guard let end = content.range(of: close) else { break }
            found.append(decode(content[..<end.lowerBound]))
            rest = content[end.upperBound...]
        }
        return found
    }

    /// Replaces the five predefined entities and numeric character references; CDATA sections are taken verbatim.
    static func decode(_ text: Substring) -> String {
        if text.hasPrefix("<![CDATA["), text.hasSuffix("]]>") { return String(text.dropFirst(9).dropLast(3)) }
        guard text.contains("&") else { return String(text) }
        var decoded = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            decoded += rest[..<amp]
            let entity = rest[rest.index(after: amp)...]
            guard let semicolon = entity.firstIndex(of: ";"), entity.distance(from: entity.startIndex, to: semicolon) <= 10 else {
                decoded += "&"
                rest = entity
                continue
            }
            let name = entity[..<semicolon]
            if let replacement = Self.character(forEntity: name) {
                decoded.append(replacement)
            } else {
                decoded += "&" + name + ";"
            }
            rest = entity[entity.index(after: semicolon)...]
        }
        return decoded + rest
    }

    private static func character(forEntity name: Substring) -> Character? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            let number: UInt32?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                number = UInt32(name.dropFirst(2), radix: 16)
            } else if name.hasPrefix("#") {
                number = UInt32(name.dropFirst(1))
            } else {
                number = nil
            }
            return number.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }

    /// Text escaped for element content and attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
