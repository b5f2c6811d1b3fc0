import Testing
@testable import KawanConfig

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    private func failure(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(bytes, maxDepth: maxDepth)
            return nil
        } catch {
            return error
        }
    }

    private func failure(_ text: String) -> JSONParseError? { failure(Array(text.utf8)) }

    private func string(_ value: JSONValue) -> String? {
        if case .string(let text) = value.kind { return text }
        return nil
    }

    @Test func objectKeepsKeyOrderAndPositions() throws {
        let value = try parse("{\n  \"b\": 1,\n  \"a\": [true, false, null],\n  \"c\": {}\n}")
        guard case .object(let members) = value.kind else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a", "c"])
        #expect(members.map(\.line) == [2, 3, 4])
        #expect(members.map(\.column) == [3, 3, 3])
        #expect(members[1].value.column == 8)
        guard case .array(let elements) = members[1].value.kind else {
            Issue.record("not an array")
            return
        }
        #expect(elements.map(\.typeDescription) == ["a boolean", "a boolean", "null"])
    }

    @Test func escapes() throws {
        #expect(string(try parse(#""a\"b\\c\/d\b\f\n\r\t""#)) == "a\"b\\c/d\u{08}\u{0C}\n\r\t")
        #expect(string(try parse(#""\u0041\u00e9\u65e5""#)) == "Aé日")
        #expect(string(try parse("\"Tiếng Việt 日本語\"")) == "Tiếng Việt 日本語")
    }

    @Test func surrogatePairs() throws {
        #expect(string(try parse(#""\uD83D\uDE00""#)) == "😀")
        #expect(failure(#""\uD83D""#)?.message == "high surrogate \\uD83D not followed by a low surrogate")
        #expect(failure(#""\uD83D\u0041""#)?.message == "high surrogate \\uD83D followed by \\u0041, not a low surrogate")
        #expect(failure(#""\uDE00""#)?.message == "lone low surrogate \\uDE00")
        #expect(failure(#""\x""#)?.message == "invalid escape sequence '\\x'")
        #expect(failure(#""\u12""#)?.message == "\\u escape needs four hex digits")
    }

    @Test func numbersKeepTheirLiteral() throws {
        for literal in ["0", "-0", "42", "-7", "3.25", "1e3", "2E-2", "-0.5e+10"] {
            guard case .number(let text) = try parse(literal).kind else {
                Issue.record("\(literal) is not a number")
                continue
            }
            #expect(text == literal)
        }
        #expect(failure("01")?.message == "invalid number: leading zero")
        #expect(failure("1.")?.message == "invalid number: expected a digit after '.'")
        #expect(failure("1e")?.message == "invalid number: expected a digit in the exponent")
        #expect(failure("-")?.message == "invalid number: expected a digit")
        #expect(failure("+1")?.message == "unexpected character '+', expected a value")
    }

    @Test func depthIsBounded() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONParser.parse(Array(ok.utf8)) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(failure(deep) == JSONParseError(line: 1, column: 65, message: "nesting deeper than 64 levels"))
        #expect(failure(Array("[[[]]]".utf8), maxDepth: 2)?.message == "nesting deeper than 2 levels")
    }

    @Test func invalidUTF8IsRejectedWithPosition() {
        #expect(failure([0x7B, 0x0A, 0x22, 0x61, 0xFF, 0x22]) == JSONParseError(line: 2, column: 3, message: "invalid UTF-8 byte 0xFF"))
        // Truncated sequence, overlong encoding and an encoded surrogate.
        #expect(failure([0x22, 0xE6, 0x97, 0x22])?.message == "invalid UTF-8 sequence")
        #expect(failure([0x22, 0xC0, 0xAF, 0x22])?.message == "invalid UTF-8 byte 0xC0")
        #expect(failure([0x22, 0xED, 0xA0, 0x80, 0x22])?.message == "invalid UTF-8 sequence")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(string(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("\"x\"".utf8))) == "x")
    }

    @Test func structuralErrors() {
        #expect(failure("{\"a\": 1} x") == JSONParseError(line: 1, column: 10, message: "unexpected character 'x' after the end of the JSON value"))
        #expect(failure("{\"a\": 1,\n\"a\": 2}") == JSONParseError(line: 2, column: 1, message: "duplicate key \"a\" (first on line 1)"))
        #expect(failure("{\"a\": 1,}")?.message == "trailing comma before '}'")
        #expect(failure("[1,]")?.message == "trailing comma before ']'")
        #expect(failure("{\"a\" 1}")?.message == "unexpected character '1', expected ':' after key \"a\"")
        #expect(failure("{a: 1}")?.message == "unexpected character 'a', expected a string key")
        #expect(failure("[1 2]")?.message == "unexpected character '2', expected ',' or ']'")
        #expect(failure("\"abc")?.message == "unterminated string")
        #expect(failure("\"a\nb\"")?.message == "unterminated string (line break inside a string)")
        #expect(failure("\"a\u{01}\"")?.message == "control character in a string must be escaped")
        #expect(failure("")?.message == "unexpected end of file, expected a value")
        #expect(failure("tru")?.message == "unexpected end of file, expected true")
        #expect(failure("// comment\n{}")?.message == "unexpected character '/', expected a value")
    }

    @Test func columnsCountCharactersNotBytes() {
        #expect(failure("[\"日本\", x]") == JSONParseError(line: 1, column: 8, message: "unexpected character 'x', expected a value"))
    }
}
