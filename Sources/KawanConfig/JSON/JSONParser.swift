/// A strict RFC 8259 parser producing a `JSONValue` tree with positions.
///
/// Strict because configuration mistakes should fail loudly: duplicate keys,
/// trailing commas, comments, text after the value, invalid UTF-8 and
/// absurd nesting are all errors with a line and column. A leading UTF-8 byte
/// order mark is skipped, because some Windows editors add one.
struct JSONParser {
    /// Deep enough for any sane configuration, shallow enough that recursion
    /// cannot exhaust the stack.
    static let defaultMaxDepth = 64

    private let bytes: [UInt8]
    private let maxDepth: Int
    private var index = 0
    private var line = 1
    private var lineStart = 0

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses one JSON document; `maxDepth` bounds the nesting of arrays and objects.
    static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        try parser.validateUTF8()
        parser.resetPosition()
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            parser.index = 3
            parser.lineStart = 3
        }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index < parser.bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the JSON value")
        }
        return value
    }

    // MARK: - Positions and errors

    private mutating func resetPosition() {
        index = 0
        line = 1
        lineStart = 0
    }

    /// The column of `index`, counting characters rather than bytes.
    private var column: Int {
        var count = 1
        var i = lineStart
        while i < index {
            if bytes[i] & 0xC0 != 0x80 { count += 1 }
            i += 1
        }
        return count
    }

    private func error(_ message: String) -> JSONParseError {
        JSONParseError(line: line, column: column, message: message)
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of file" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        index += 1
    }

    // MARK: - UTF-8

    /// Checks the whole input up front so the first bad byte is reported with
    /// its position and the string scanner can copy bytes unchecked.
    private mutating func validateUTF8() throws(JSONParseError) {
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                advance()
                continue
            }
            let (continuationCount, secondRange): (Int, ClosedRange<UInt8>)
            switch lead {
            case 0xC2...0xDF: (continuationCount, secondRange) = (1, 0x80...0xBF)
            case 0xE0: (continuationCount, secondRange) = (2, 0xA0...0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (continuationCount, secondRange) = (2, 0x80...0xBF)
            case 0xED: (continuationCount, secondRange) = (2, 0x80...0x9F)
            case 0xF0: (continuationCount, secondRange) = (3, 0x90...0xBF)
            case 0xF1...0xF3: (continuationCount, secondRange) = (3, 0x80...0xBF)
            case 0xF4: (continuationCount, secondRange) = (3, 0x80...0x8F)
            default: throw error("invalid UTF-8 byte 0x" + String(lead, radix: 16, uppercase: true))
            }
            for offset in 1...continuationCount {
                let position = index + offset
                let allowed: ClosedRange<UInt8> = offset == 1 ? secondRange : 0x80...0xBF
                guard position < bytes.count, allowed.contains(bytes[position]) else {
                    throw error("invalid UTF-8 sequence")
                }
            }
            index += continuationCount + 1
        }
    }

    // MARK: - Values

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): advance()
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of file, expected a value") }
        let startLine = line
        let startColumn = column
        let kind: JSONValue.Kind
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
            kind = .object(try parseObjectMembers(depth: depth + 1))
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
            kind = .array(try parseArrayElements(depth: depth + 1))
        case UInt8(ascii: "\""):
            kind = .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            kind = .number(try parseNumber())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            kind = .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            kind = .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            kind = .null
        default:
            throw error("unexpected \(describeCurrent()), expected a value")
        }
        return JSONValue(kind: kind, line: startLine, column: startColumn)
    }

    private mutating func expectLiteral(_ literal: String) throws(JSONParseError) {
        for expected in literal.utf8 {
            guard index < bytes.count, bytes[index] == expected else {
                throw error("unexpected \(describeCurrent()), expected \(literal)")
            }
            index += 1
        }
    }

    private mutating func parseObjectMembers(depth: Int) throws(JSONParseError) -> [JSONMember] {
        advance() // {
        var members: [JSONMember] = []
        var firstLineOfKey: [String: Int] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            advance()
            return members
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                if index < bytes.count, bytes[index] == UInt8(ascii: "}"), !members.isEmpty {
                    throw error("trailing comma before '}'")
                }
                throw error("unexpected \(describeCurrent()), expected a string key")
            }
            let keyLine = line
            let keyColumn = column
            let key = try parseString()
            if let firstLine = firstLineOfKey[key] {
                throw JSONParseError(line: keyLine, column: keyColumn,
                                     message: "duplicate key \"\(key)\" (first on line \(firstLine))")
            }
            firstLineOfKey[key] = keyLine
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()), expected ':' after key \"\(key)\"")
            }
            advance()
            let value = try parseValue(depth: depth)
            members.append(JSONMember(key: key, value: value, line: keyLine, column: keyColumn))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file, expected ',' or '}'") }
            switch bytes[index] {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "}"):
                advance()
                return members
            default: throw error("unexpected \(describeCurrent()), expected ',' or '}'")
            }
        }
    }

    private mutating func parseArrayElements(depth: Int) throws(JSONParseError) -> [JSONValue] {
        advance() // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            advance()
            return elements
        }
        while true {
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]"), !elements.isEmpty {
                throw error("trailing comma before ']'")
            }
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file, expected ',' or ']'") }
            switch bytes[index] {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "]"):
                advance()
                return elements
            default: throw error("unexpected \(describeCurrent()), expected ',' or ']'")
            }
        }
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSONParseError) -> String {
        advance() // opening quote
        var utf8: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                let scalar = try parseEscape()
                utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
            case 0x00..<0x20:
                throw error(byte == UInt8(ascii: "\n") ? "unterminated string (line break inside a string)"
                                                       : "control character in a string must be escaped")
            default:
                // Input was validated as UTF-8 before parsing began.
                utf8.append(byte)
                index += 1
            }
        }
    }

    /// Decodes one escape sequence at `index` (a backslash), joining a
    /// `\uD83D\uDE00` surrogate pair into one scalar.
    private mutating func parseEscape() throws(JSONParseError) -> Unicode.Scalar {
        index += 1
        guard index < bytes.count else { throw error("unterminated string") }
        let letter = bytes[index]
        index += 1
        switch letter {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try parseHex4()
            switch first {
            case 0xD800...0xDBFF:
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("high surrogate \\u\(hex4(first)) not followed by a low surrogate")
                }
                index += 2
                let second = try parseHex4()
                guard (0xDC00...0xDFFF).contains(second) else {
                    throw error("high surrogate \\u\(hex4(first)) followed by \\u\(hex4(second)), not a low surrogate")
                }
                let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                return Unicode.Scalar(value)!
            case 0xDC00...0xDFFF:
                throw error("lone low surrogate \\u\(hex4(first))")
            default:
                return Unicode.Scalar(first)!
            }
        default:
            index -= 1
            throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(letter)))'")
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error("unterminated \\u escape") }
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("\\u escape needs four hex digits")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: - Numbers

    /// Scans `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` and
    /// returns the literal text.
    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("invalid number: leading zero") }
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error("invalid number: expected a digit after '.'")
            }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error("invalid number: expected a digit in the exponent")
            }
            skipDigits()
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
}
