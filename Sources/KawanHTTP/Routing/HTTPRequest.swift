/// A fully received request, handed to a route's handler.
public struct HTTPRequest: Sendable {
    public let method: String
    /// The decoded path, without the query.
    public let path: String
    /// The raw query string after `?`, or "" when there is none.
    public let query: String
    /// The request target exactly as received (path and query).
    public let target: String
    public let version: HTTPVersion
    public let headers: HTTPHeaders
    public let body: [UInt8]
    /// Values of the route template's `{name}` segments.
    public internal(set) var pathParameters: [String: String]
    /// The route template that matched, e.g. `/webhooks/{tenant}/{channel}`.
    public internal(set) var routeTemplate: String
    /// The peer's IP address (the reverse proxy's, behind one).
    public let remoteAddress: String

    public init(method: String, target: String, version: HTTPVersion = .http11, headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = [], remoteAddress: String = "127.0.0.1") {
        self.method = method
        self.target = target
        if let mark = target.firstIndex(of: "?") {
            self.path = HTTPRequest.percentDecode(String(target[..<mark])) ?? String(target[..<mark])
            self.query = String(target[target.index(after: mark)...])
        } else {
            self.path = HTTPRequest.percentDecode(target) ?? target
            self.query = ""
        }
        self.version = version
        self.headers = headers
        self.body = body
        self.pathParameters = [:]
        self.routeTemplate = ""
        self.remoteAddress = remoteAddress
    }

    /// Query parameters decoded as `application/x-www-form-urlencoded`.
    public var queryItems: [(name: String, value: String)] { HTTPRequest.decodeForm(query) }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }

    /// Decodes `a=1&b=x+y` pairs (`+` is a space, `%XX` escapes); pairs
    /// whose escapes are invalid keep their raw text.
    public static func decodeForm(_ text: String) -> [(name: String, value: String)] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).replacingPlus()
            let value = parts.count > 1 ? String(parts[1]).replacingPlus() : ""
            return (percentDecode(name) ?? name, percentDecode(value) ?? value)
        }
    }

    /// Decodes `%XX` escapes into UTF-8; nil when an escape or the result is invalid.
    public static func percentDecode(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 65...70: c - 55
        case 97...102: c - 87
        default: nil
        }
    }
}

extension String {
    fileprivate func replacingPlus() -> String {
        contains("+") ? String(map { $0 == "+" ? " " : $0 }) : self
    }
}

/// The two HTTP versions the server speaks.
public enum HTTPVersion: Sendable, Equatable {
    case http10
    case http11

    var text: String { self == .http10 ? "HTTP/1.0" : "HTTP/1.1" }
}
