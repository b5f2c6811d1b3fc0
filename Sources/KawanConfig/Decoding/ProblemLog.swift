/// Collects the problems of one file as decoding walks it, so that one run
/// reports everything instead of stopping at the first mistake.
struct ProblemLog: Sendable {
    /// Path relative to the configuration directory.
    let file: String
    private(set) var problems: [ConfigurationProblem] = []

    init(file: String) { self.file = file }

    mutating func add(_ path: FieldPath, line: Int?, _ message: String) {
        problems.append(ConfigurationProblem(file: file, line: line, keyPath: path.description, message: message))
    }

    /// Whether anything was added since `count` problems had been recorded,
    /// so a decoder can tell if its own part went wrong.
    func hasProblems(since count: Int) -> Bool { problems.count > count }
}
