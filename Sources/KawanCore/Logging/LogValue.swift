/// A value attached to a log line.
///
/// Free text cannot be logged by accident: a dynamic string is either an
/// *identifier* (checked against a short, space-free alphabet, so a message
/// body never fits) or *sensitive*, which is redacted in every line above
/// `debug`. Message bodies, phone numbers, chat ids and tokens must be passed
/// as `.sensitive`.
public struct LogValue: Sendable, CustomStringConvertible {
    enum Storage: Sendable {
        case text(String)
        case sensitive(String)
    }

    let storage: Storage

    /// Written as `<redacted>` unless the line is at `debug` level.
    public static func sensitive(_ value: String) -> LogValue { LogValue(storage: .sensitive(value)) }

    /// A short machine identifier (route template, tenant id, error code).
    /// Anything outside `[A-Za-z0-9._:/{}@+=-]` or longer than 96 characters
    /// is replaced by `<invalid-identifier>`, so free text cannot slip through.
    public static func identifier(_ value: String) -> LogValue {
        LogValue(storage: .text(LogValue.isIdentifier(value) ? value : "<invalid-identifier>"))
    }

    /// A compile-time constant text.
    public static func constant(_ value: StaticString) -> LogValue { LogValue(storage: .text(value.description)) }

    public static func int<I: BinaryInteger>(_ value: I) -> LogValue { LogValue(storage: .text(String(value))) }

    public static func double(_ value: Double, decimals: Int = 3) -> LogValue {
        var scale = 1.0
        for _ in 0..<max(0, min(decimals, 9)) { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return LogValue(storage: .text(String(rounded)))
    }

    public static func bool(_ value: Bool) -> LogValue { LogValue(storage: .text(value ? "true" : "false")) }

    /// An error, described by its `LogSafeError` summary when it has one
    /// (errors that may carry personal data must not print it there); any
    /// other error is logged by type name only.
    public static func error(_ error: any Error) -> LogValue {
        if let safe = error as? any LogSafeError { return LogValue(storage: .text(safe.logSummary)) }
        return LogValue(storage: .text(String(reflecting: type(of: error))))
    }

    /// A value that vouches for its own text (see `LogSafeDescription`).
    public static func safe(_ value: some LogSafeDescription) -> LogValue {
        LogValue(storage: .text(value.logSummary))
    }

    static func isIdentifier(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 96 else { return false }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "/"),
                 UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "-"), UInt8(ascii: "@"),
                 UInt8(ascii: "+"), UInt8(ascii: "="):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// The text this value prints as in a line of the given level.
    func rendered(at level: LogLevel) -> String {
        switch storage {
        case .text(let text): text
        case .sensitive(let text): level == .debug ? text : "<redacted>"
        }
    }

    public var description: String { rendered(at: .info) }
}

extension LogValue: ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// A value whose `logSummary` is safe to log at any level: it names what
/// happened and never contains message text, addresses or secrets. Types
/// opt in one by one (configuration problems, socket errors), which keeps
/// free text out of logs by construction.
public protocol LogSafeDescription {
    var logSummary: String { get }
}

/// An error that is `LogSafeDescription`.
public protocol LogSafeError: Error, LogSafeDescription {}
