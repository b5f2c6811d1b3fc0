/// The request line and header section of one request.
public struct RequestHead: Sendable, Equatable {
    public var method: String
    public var target: String
    public var version: HTTPVersion
    public var headers: [(name: String, value: String)]

    public static func == (lhs: RequestHead, rhs: RequestHead) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

/// A strict, incremental parser for an HTTP/1.1 request head (RFC 9112),
/// working on raw bytes. It is pure: give it what has arrived so far and it
/// says "incomplete", "complete after N bytes" or why the request is refused.
///
/// Strictness matters because Kawan sits on the open internet behind a
/// reverse proxy: any ambiguity a proxy and this server could read
/// differently (request smuggling) is refused rather than guessed.
public enum RequestHeadParser {
    public struct Limits: Sendable {
        public var maxRequestLineBytes: Int
        public var maxHeaderBytes: Int
        public var maxHeaderCount: Int

        public init(maxRequestLineBytes: Int = 8192, maxHeaderBytes: Int = 16384, maxHeaderCount: Int = 100) {
            self.maxRequestLineBytes = maxRequestLineBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
        }
    }

    public enum Outcome: Equatable, Sendable {
        case incomplete
        case complete(RequestHead, consumed: Int)
        case failure(HTTPParseError)
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let colon = UInt8(ascii: ":")

    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) -> Outcome {
        bytes.withUnsafeBufferPointer { parse($0, limits: limits) }
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, limits: Limits) -> Outcome {
        var start = 0
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line
        // (CRLF) received before the request line.
        while start + 1 < buffer.count, buffer[start] == cr, buffer[start + 1] == lf, start < 8 { start += 2 }

        // Request line.
        guard let lineEnd = findLF(buffer, from: start, limit: limits.maxRequestLineBytes + 2) else {
            return buffer.count - start > limits.maxRequestLineBytes + 1 ? .failure(.uriTooLong) : .incomplete
        }
        guard lineEnd > start, buffer[lineEnd - 1] == cr else {
            return .failure(.badRequest("request line not terminated by CRLF"))
        }
        let lineLength = lineEnd - 1 - start
        if lineLength > limits.maxRequestLineBytes { return .failure(.uriTooLong) }
        let requestLine: (method: String, target: String, version: HTTPVersion)
        switch parseRequestLine(buffer, start, lineEnd - 1) {
        case .success(let parsed): requestLine = parsed
        case .failure(let error): return .failure(error)
        }

        // Header section.
        let headerStart = lineEnd + 1
        var position = headerStart
        var headers: [(name: String, value: String)] = []
        while true {
            let remainingBudget = limits.maxHeaderBytes - (position - headerStart)
            guard let end = findLF(buffer, from: position, limit: remainingBudget + 1) else {
                return buffer.count - headerStart > limits.maxHeaderBytes ? .failure(.headerFieldsTooLarge) : .incomplete
            }
            guard end > position, buffer[end - 1] == cr else {
                return .failure(.badRequest("header line not terminated by CRLF"))
            }
            if end + 1 - headerStart > limits.maxHeaderBytes { return .failure(.headerFieldsTooLarge) }
            if end - 1 == position {
                return .complete(RequestHead(method: requestLine.method, target: requestLine.target,
                                             version: requestLine.version, headers: headers),
                                 consumed: end + 1)
            }
            if headers.count == limits.maxHeaderCount { return .failure(.headerFieldsTooLarge) }
            switch parseField(buffer, position, end - 1) {
            case .success(let field): headers.append(field)
            case .failure(let error): return .failure(error)
            }
            position = end + 1
        }
    }

    private static func findLF(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, limit: Int) -> Int? {
        let end = min(buffer.count, from + max(0, limit))
        var index = from
        while index < end {
            if buffer[index] == lf { return index }
            index += 1
        }
        return nil
    }

    private static func parseRequestLine(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int)
        -> Result<(method: String, target: String, version: HTTPVersion), HTTPParseError> {
        // method SP request-target SP HTTP-version, single spaces only.
        var firstSpace = -1, secondSpace = -1
        var index = start
        while index < end {
            let byte = buffer[index]
            if byte == space {
                if firstSpace < 0 { firstSpace = index } else if secondSpace < 0 { secondSpace = index } else {
                    return .failure(.badRequest("request line has more than three parts"))
                }
            } else if byte < 0x21 || byte == 0x7f {
                return .failure(.badRequest("control character in request line"))
            }
            index += 1
        }
        guard firstSpace > start, secondSpace > firstSpace + 1, secondSpace < end - 1 else {
            return .failure(.badRequest("malformed request line"))
        }
        for i in start..<firstSpace where !isTokenChar(buffer[i]) {
            return .failure(.badRequest("method is not a token"))
        }
        let method = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<firstSpace]), as: UTF8.self)
        let targetBytes = UnsafeBufferPointer(rebasing: buffer[(firstSpace + 1)..<secondSpace])
        for byte in targetBytes where byte >= 0x80 {
            _ = byte
            return .failure(.badRequest("non-ASCII byte in request target"))
        }
        let target = String(decoding: targetBytes, as: UTF8.self)
        if target.first != "/" {
            if target == "*" && method == "OPTIONS" {
                // asterisk-form is valid for OPTIONS only.
            } else if target.contains("://") {
                return .failure(.badRequest("absolute-form request target"))
            } else {
                return .failure(.badRequest("request target must start with /"))
            }
        }
        let versionBytes = Array(UnsafeBufferPointer(rebasing: buffer[(secondSpace + 1)..<end]))
        // HTTP-version = "HTTP" "/" DIGIT "." DIGIT
        guard versionBytes.count == 8, versionBytes.starts(with: Array("HTTP/".utf8)),
              isDigit(versionBytes[5]), versionBytes[6] == UInt8(ascii: "."), isDigit(versionBytes[7]) else {
            return .failure(.badRequest("malformed HTTP version"))
        }
        let version: HTTPVersion
        switch (versionBytes[5], versionBytes[7]) {
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): version = .http11
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): version = .http10
        default: return .failure(.versionNotSupported)
        }
        return .success((method, target, version))
    }

    private static func parseField(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int)
        -> Result<(name: String, value: String), HTTPParseError> {
        let first = buffer[start]
        if first == space || first == tab {
            return .failure(.badRequest("obsolete line folding"))
        }
        var colonIndex = -1
        var index = start
        while index < end {
            let byte = buffer[index]
            if byte == colon { colonIndex = index; break }
            if !isTokenChar(byte) { return .failure(.badRequest("invalid character in header name")) }
            index += 1
        }
        guard colonIndex > start else { return .failure(.badRequest("header line without a name and colon")) }
        var valueStart = colonIndex + 1
        var valueEnd = end
        while valueStart < valueEnd, buffer[valueStart] == space || buffer[valueStart] == tab { valueStart += 1 }
        while valueEnd > valueStart, buffer[valueEnd - 1] == space || buffer[valueEnd - 1] == tab { valueEnd -= 1 }
        var i = valueStart
        while i < valueEnd {
            let byte = buffer[i]
            if (byte < 0x20 && byte != tab) || byte == 0x7f {
                return .failure(.badRequest("control character in header value"))
            }
            i += 1
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<colonIndex]), as: UTF8.self)
        let value = String(decoding: UnsafeBufferPointer(rebasing: buffer[valueStart..<valueEnd]), as: UTF8.self)
        return .success((name, value))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    /// tchar (RFC 9110 §5.6.2).
    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
