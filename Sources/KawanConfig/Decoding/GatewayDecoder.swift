internal import KawanCore

/// Reads `gateway.json`, starting from `GatewayConfiguration.defaults` and
/// replacing what the file sets. An invalid value is logged and its default
/// kept, so decoding continues and every problem is reported.
enum GatewayDecoder {
    static let keys = ["listen", "database", "public_base_url", "durability", "log_level", "access_log", "http"]

    static func decode(_ root: JSONValue, _ log: inout ProblemLog) -> GatewayConfiguration {
        var gateway = GatewayConfiguration.defaults
        guard let object = Field(value: root, path: .root).object(allowedKeys: keys, &log) else { return gateway }

        if let field = object.optional("listen"), let text = field.string(&log) {
            switch ListenAddress.parse(text) {
            case .success(let address): gateway.listen = address
            case .failure(let error): log.add(field.path, line: field.line, error.message)
            }
        }
        if let path = object.optional("database")?.nonEmptyString(&log) {
            gateway.databasePath = path
        }
        if let url = object.optional("public_base_url")?.httpURL(isBase: true, &log) {
            gateway.publicBaseURL = url
        }
        if let durability = object.optional("durability")?.choice(GatewayConfiguration.Durability.self, noun: "durability", &log) {
            gateway.durability = durability
        }
        if let field = object.optional("log_level"), let name = field.string(&log) {
            if let level = LogLevel.allCases.first(where: { $0.description == name }) {
                gateway.logLevel = level
            } else {
                let names = LogLevel.allCases.map(\.description)
                log.add(field.path, line: field.line, "unknown log level \"\(name)\" (expected one of \(names.joined(separator: ", ")))")
            }
        }
        if let accessLog = object.optional("access_log")?.bool(&log) {
            gateway.accessLog = accessLog
        }
        if let field = object.optional("http") {
            gateway.http = decodeLimits(field, &log)
        }
        return gateway
    }

    private static func decodeLimits(_ field: Field, _ log: inout ProblemLog) -> HTTPLimits {
        var limits = HTTPLimits.defaults
        let integers: [(key: String, range: ClosedRange<Int>, target: WritableKeyPath<HTTPLimits, Int>)] = [
            ("io_threads", 0...256, \.ioThreads),
            ("max_request_line_bytes", 256...65536, \.maxRequestLineBytes),
            ("max_header_bytes", 1024...1_048_576, \.maxHeaderBytes),
            ("max_header_count", 8...1000, \.maxHeaderCount),
            ("max_body_bytes", 1024...67_108_864, \.maxBodyBytes),
            ("max_connections", 1...1_000_000, \.maxConnections),
        ]
        let durations: [(key: String, range: ClosedRange<Double>, target: WritableKeyPath<HTTPLimits, Double>)] = [
            ("header_timeout_seconds", 0.1...600, \.headerTimeoutSeconds),
            ("body_timeout_seconds", 0.1...600, \.bodyTimeoutSeconds),
            ("keep_alive_timeout_seconds", 1...3600, \.keepAliveTimeoutSeconds),
            ("shutdown_grace_seconds", 0...300, \.shutdownGraceSeconds),
        ]
        let keys = integers.map(\.key) + durations.map(\.key)
        guard let object = field.object(allowedKeys: keys, &log) else { return limits }
        for entry in integers {
            if let value = object.optional(entry.key)?.integer(in: entry.range, &log) {
                limits[keyPath: entry.target] = value
            }
        }
        for entry in durations {
            if let value = object.optional(entry.key)?.number(in: entry.range, &log) {
                limits[keyPath: entry.target] = value
            }
        }
        return limits
    }
}
