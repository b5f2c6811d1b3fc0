/// Name/value pairs of an `application/x-www-form-urlencoded` body or a
/// query string (WHATWG URL Standard, "application/x-www-form-urlencoded
/// parsing": split on `&`, then on the first `=`, `+` is a space, then
/// percent-decoding), kept as bytes so a signature can be checked before the
/// text is known to be UTF-8.
struct RawFormParameters: Sendable {
    var pairs: [(name: [UInt8], value: [UInt8])]

    init(pairs: [(name: [UInt8], value: [UInt8])]) { self.pairs = pairs }

    /// Nil when a `%` is not followed by two hex digits: providers encode
    /// strictly, so a broken escape means a broken request.
    init?(decoding input: some Collection<UInt8>) {
        pairs = []
        for field in Array(input).split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let separator = field.firstIndex(of: UInt8(ascii: "="))
            let name = separator.map { field[field.startIndex..<$0] } ?? field[...]
            let value = separator.map { field[field.index(after: $0)...] } ?? []
            guard let decodedName = Self.percentDecode(name), let decodedValue = Self.percentDecode(value) else { return nil }
            pairs.append((decodedName, decodedValue))
        }
    }

    init?(decoding query: String) { self.init(decoding: Array(query.utf8)) }

    private static func percentDecode(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.endIndex,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 2
            default:
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The pairs as text; nil when any name or value is not valid UTF-8.
    func validatedUTF8() -> FormParameters? {
        var out = [(name: String, value: String)]()
        out.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let name = String(validating: pair.name, as: UTF8.self),
                  let value = String(validating: pair.value, as: UTF8.self) else { return nil }
            out.append((name, value))
        }
        return FormParameters(pairs: out)
    }
}

/// Decoded, UTF-8-validated form parameters.
struct FormParameters: Sendable {
    var pairs: [(name: String, value: String)]

    /// The first value of `name`.
    subscript(_ name: String) -> String? {
        pairs.first(where: { $0.name == name })?.value
    }
}

extension FormParameters {
    /// Reads a form body strictly: bad escapes are malformed, bytes that are
    /// not UTF-8 are `invalidUTF8`.
    static func decode(_ bytes: some Collection<UInt8>) -> Result<FormParameters, WebhookParseError> {
        guard let raw = RawFormParameters(decoding: bytes) else { return .failure(.malformed("bad percent-escape in form data")) }
        guard let parameters = raw.validatedUTF8() else { return .failure(.invalidUTF8) }
        return .success(parameters)
    }
}
