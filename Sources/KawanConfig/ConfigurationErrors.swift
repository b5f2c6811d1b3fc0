/// Every problem found while loading a configuration directory.
///
/// Loading never stops at the first problem: an administrator editing a new
/// tenant should see the whole list in one `kawan check-config` run.
public struct ConfigurationErrors: Error, Sendable, CustomStringConvertible {
    /// Sorted by file, then line (file-wide problems first), then discovery order.
    public let problems: [ConfigurationProblem]

    /// Sorts `problems` as the loader does (callers add checks of their own).
    public init(problems: [ConfigurationProblem]) {
        self.problems = problems.enumerated().sorted { left, right in
            if left.element.file != right.element.file { return left.element.file < right.element.file }
            let leftLine = left.element.line ?? 0
            let rightLine = right.element.line ?? 0
            if leftLine != rightLine { return leftLine < rightLine }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// One problem per line, ready to print.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
