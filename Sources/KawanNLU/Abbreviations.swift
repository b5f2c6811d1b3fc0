import Foundation

/// Per-language SMS shorthand ("sy" → "saya", "dc" → "được"/"duoc", "d2" →
/// "dito"), read from `Localization/nlu/abbreviations/<lang>.txt`. The same
/// shorthand means different things in different languages ("ko" is Tagalog
/// "my" but Vietnamese "không"), so a table applies to one language.
struct Abbreviations: Sendable {
    private var tables: [MessageLanguage: [String: [String]]] = [:]

    static let empty = Abbreviations()

    init() {}

    /// Lines are `short = expansion words`; `#` starts a comment.
    init(directory: String) throws(LanguageUnderstandingError) {
        for language in MessageLanguage.allCases {
            let path = "\(directory)/\(language.rawValue).txt"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let lines = try LexiconFile.lines(path: path)
            var table: [String: [String]] = [:]
            for (lineNumber, line) in lines {
                let parts = line.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else {
                    throw .invalidLexicon(path: path, line: lineNumber, reason: "expected 'short = expansion'")
                }
                let short = TextNormalizer.tokens(String(parts[0])).map(\.folded)
                let expansion = TextNormalizer.tokens(String(parts[1])).map(\.folded)
                guard short.count == 1, !expansion.isEmpty else {
                    throw .invalidLexicon(path: path, line: lineNumber, reason: "the short form must be one word and the expansion non-empty")
                }
                table[short[0]] = expansion
            }
            tables[language] = table
        }
    }

    /// The words a folded token stands for in `language`, or nil when it is not
    /// shorthand there. English shorthand ("pls", "cant") is understood in every
    /// language, since workers mix it in, unless the language has its own meaning.
    func expansion(of token: String, in language: MessageLanguage) -> [String]? {
        tables[language]?[token] ?? tables[.english]?[token]
    }
}

/// Reads the line-oriented lexicon files (abbreviations, danger signals,
/// function words): UTF-8, `#` comments, blank lines ignored.
enum LexiconFile {
    static func lines(path: String) throws(LanguageUnderstandingError) -> [(Int, String)] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .unreadableFile(path: path)
        }
        var result: [(Int, String)] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { result.append((index + 1, trimmed)) }
        }
        return result
    }
}
