public import KawanCore

/// One thing wrong with the configuration, located precisely enough that an
/// administrator can fix it without guessing.
///
/// Printed as `FILE:LINE: key.path: what is wrong`, the shape compilers use,
/// so editors and `grep` can jump to it. `keyPath` is `-` when the problem is
/// the file as a whole (unparseable JSON, a badly named file).
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible, LogSafeDescription {
    /// Path relative to the configuration directory, e.g. `tenants/demo.json`.
    public let file: String
    /// 1-based line, when the problem can be tied to one.
    public let line: Int?
    /// Dotted path to the offending key, e.g. `channels[2].auth_token`, or `-`.
    public let keyPath: String
    public let message: String

    public init(file: String, line: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        if let line {
            return "\(file):\(line): \(keyPath): \(message)"
        }
        return "\(file): \(keyPath): \(message)"
    }
}

extension ConfigurationProblem {
    /// Problems name files, keys and rules, never secret values (an inline
    /// secret is reported without echoing it), so they may be logged.
    public var logSummary: String { description }
}
