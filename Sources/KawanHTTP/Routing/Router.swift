/// What a route runs for a request.
public enum RouteHandler: Sendable {
    /// Runs on the event-loop thread: only for handlers that never block
    /// and finish in microseconds (health checks, metrics).
    case immediate(@Sendable (HTTPRequest) -> HTTPResponse)
    /// Runs as a Swift task; the connection waits without holding a thread.
    case async(@Sendable (HTTPRequest) async -> HTTPResponse)
}

/// Maps `METHOD /path/{param}` templates to handlers.
///
/// A path that matches a template but not the method answers 405 with
/// `Allow`; a path that matches nothing answers 404. `HEAD` is served by the
/// `GET` handler with the body left out.
public struct Router: Sendable {
    struct Route: Sendable {
        let method: String
        let template: String
        let segments: [Segment]
        let handler: RouteHandler
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public enum Match: Sendable {
        case found(handler: RouteHandler, template: String, parameters: [String: String])
        case methodNotAllowed(allowed: [String], template: String)
        case notFound
    }

    private var routes: [Route] = []

    public init() {}

    /// Adds a route. `template` segments in braces (`{tenant}`) capture one
    /// path segment each.
    public mutating func add(_ method: String, _ template: String, _ handler: RouteHandler) {
        let segments = Router.split(template).map { part -> Segment in
            if part.hasPrefix("{"), part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
        precondition(!routes.contains { $0.method == method && $0.segments == segments }, "duplicate route \(method) \(template)")
        routes.append(Route(method: method, template: template, segments: segments, handler: handler))
    }

    public mutating func get(_ template: String, _ handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        add("GET", template, .async(handler))
    }

    public mutating func post(_ template: String, _ handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        add("POST", template, .async(handler))
    }

    /// Matches a raw (still percent-encoded) path; parameters come back decoded.
    public func match(method: String, path: String) -> Match {
        let parts = Router.split(path)
        var allowed: [String] = []
        var matchedTemplate: String?
        for route in routes {
            guard let parameters = Router.bind(route.segments, parts) else { continue }
            matchedTemplate = matchedTemplate ?? route.template
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(handler: route.handler, template: route.template, parameters: parameters)
            }
            allowed.append(route.method)
            if route.method == "GET" { allowed.append("HEAD") }
        }
        if let matchedTemplate {
            return .methodNotAllowed(allowed: Array(Set(allowed)).sorted(), template: matchedTemplate)
        }
        return .notFound
    }

    private static func bind(_ segments: [Segment], _ parts: [Substring]) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text): if text != part { return nil }
            case .parameter(let name):
                if part.isEmpty { return nil }
                parameters[name] = HTTPRequest.percentDecode(String(part)) ?? String(part)
            }
        }
        return parameters
    }

    private static func split(_ path: String) -> [Substring] {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.first == "" { parts.removeFirst() }
        if parts.count > 1, parts.last == "" { parts.removeLast() }
        return parts
    }
}
