/// Why the language-understanding data could not be loaded.
public enum LanguageUnderstandingError: Error, Equatable, CustomStringConvertible {
    case unreadableFile(path: String)
    case invalidExample(path: String, line: Int, reason: String)
    case invalidLexicon(path: String, line: Int, reason: String)
    case notEnoughExamples(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path):
            return "\(path): cannot read the file (missing, unreadable or not UTF-8); pass the folder holding nlu/ with --localization"
        case .invalidExample(let path, let line, let reason):
            return "\(path):\(line): \(reason); each line must be {\"text\": ..., \"lang\": ..., \"intent\": ...}"
        case .invalidLexicon(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .notEnoughExamples(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
