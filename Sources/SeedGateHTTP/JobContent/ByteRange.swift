/// One `Range: bytes=…` request against a file of known size (RFC 9110, section 14): `a-b`, `a-` or `-n`. Several ranges, or
/// another unit, are answered with the whole file (which the RFC allows); a range starting past the end is
/// unsatisfiable (416).
enum ByteRange: Equatable {
    case whole
    case part(ClosedRange<Int64>)
    case unsatisfiable

    init(header: String?, size: Int64) {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.lowercased().hasPrefix("bytes=") else {
            self = .whole
            return
        }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else {
            self = .whole
            return
        }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        switch (Int64(first), Int64(last)) {
        case (nil, let suffix?) where first.isEmpty:
            guard suffix > 0, size > 0 else {
                self = .unsatisfiable
                return
            }
            self = .part(max(0, size - suffix)...(size - 1))
        case (let start?, nil) where last.isEmpty:
            self = start < size ? .part(start...(size - 1)) : .unsatisfiable
        case (let start?, let end?) where start <= end:
            self = start < size ? .part(start...min(end, size - 1)) : .unsatisfiable
        default:
            // Not a valid byte-range-spec: ignore the header.
            self = .whole
        }
    }
}
