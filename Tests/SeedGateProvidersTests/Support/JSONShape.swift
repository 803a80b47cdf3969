import Foundation
import SeedGateCore

/// The shape of a JSON document: its keys (recursively) and the JSON type of every value, not the values.
enum JSONShape {
    /// Where `actual` differs in shape from `recorded`: a key on one side only, or a value of another JSON type
    /// (integers and decimals are both numbers). Arrays: every element of each side is compared with the first
    /// element of the other (lengths may differ; an empty array has no element shape).
    static func differences(recorded: JSONValue, actual: JSONValue, at path: String = "$") -> [String] {
        switch (recorded, actual) {
        case (.object(let expected), .object(let got)):
            var found: [String] = []
            for key in expected.keys.sorted() where got[key] == nil { found.append("\(path).\(key): recorded, not answered") }
            for key in got.keys.sorted() where expected[key] == nil { found.append("\(path).\(key): answered, not recorded") }
            for (key, value) in expected.sorted(by: { $0.key < $1.key }) {
                if let other = got[key] { found += differences(recorded: value, actual: other, at: "\(path).\(key)") }
            }
            return found
        case (.array(let expected), .array(let got)):
            guard let firstExpected = expected.first, let firstGot = got.first else { return [] }
            var found: [String] = []
            for element in got { found += differences(recorded: firstExpected, actual: element, at: "\(path)[]") }
            for element in expected.dropFirst() { found += differences(recorded: element, actual: firstGot, at: "\(path)[]") }
            return Array(NSOrderedSet(array: found).array.compactMap { $0 as? String })
        default:
            let (expected, got) = (typeName(recorded), typeName(actual))
            return expected == got ? [] : ["\(path): recorded \(expected), answered \(got)"]
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
