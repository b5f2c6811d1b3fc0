import Foundation

/// A structured logger writing one logfmt line per event:
/// `ts=… level=info event=http.request route=/healthz status=200`.
///
/// The event name is a compile-time constant and fields are `LogValue`s, so
/// personal data can only reach a line as `.sensitive`, which is redacted
/// above `debug`. Loggers are values: pass them in, derive with `with(_:)`.
public struct Logger: Sendable {
    public var level: LogLevel
    public let sink: any LogSink
    private var context: [(String, LogValue)]

    public init(level: LogLevel = .info, sink: any LogSink = StandardErrorLogSink()) {
        self.level = level
        self.sink = sink
        self.context = []
    }

    /// A logger that adds `fields` to every line it writes.
    public func with(_ fields: KeyValuePairs<String, LogValue>) -> Logger {
        var copy = self
        copy.context.append(contentsOf: fields.map { ($0.key, $0.value) })
        return copy
    }

    public func isEnabled(_ level: LogLevel) -> Bool { level >= self.level }

    public func log(_ level: LogLevel, _ event: StaticString, _ fields: @autoclosure () -> KeyValuePairs<String, LogValue> = [:]) {
        guard level >= self.level else { return }
        var line = ""
        if !((sink as? StandardErrorLogSink)?.journalPrefixes ?? false) {
            line += "ts=" + Logger.timestamp() + " "
        }
        line += "level=" + level.description + " event=" + event.description
        for (key, value) in context { Logger.append(key, value, level, to: &line) }
        for (key, value) in fields() { Logger.append(key, value, level, to: &line) }
        sink.write(line: line, level: level)
    }

    public func debug(_ event: StaticString, _ fields: @autoclosure () -> KeyValuePairs<String, LogValue> = [:]) {
        log(.debug, event, fields())
    }
    public func info(_ event: StaticString, _ fields: @autoclosure () -> KeyValuePairs<String, LogValue> = [:]) {
        log(.info, event, fields())
    }
    public func notice(_ event: StaticString, _ fields: @autoclosure () -> KeyValuePairs<String, LogValue> = [:]) {
        log(.notice, event, fields())
    }
    public func warning(_ event: StaticString, _ fields: @autoclosure () -> KeyValuePairs<String, LogValue> = [:]) {
        log(.warning, event, fields())
    }
    public func error(_ event: StaticString, _ fields: @autoclosure () -> KeyValuePairs<String, LogValue> = [:]) {
        log(.error, event, fields())
    }

    private static func append(_ key: String, _ value: LogValue, _ level: LogLevel, to line: inout String) {
        line += " "
        line += key
        line += "="
        let text = value.rendered(at: level)
        if text.isEmpty || text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline || $0 == "\\" }) {
            line += "\""
            for character in text {
                switch character {
                case "\"": line += "\\\""
                case "\\": line += "\\\\"
                case "\n": line += "\\n"
                case "\r": line += "\\r"
                default: line.append(character)
                }
            }
            line += "\""
        } else {
            line += text
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(now.tv_nsec / 1_000_000)
        // Formatted by hand: String(format:) goes through Foundation and this
        // runs for every access-log line.
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
            + "." + pad(millis, 3) + "Z"
    }
}
