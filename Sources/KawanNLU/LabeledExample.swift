import Foundation

/// One line of a corpus or evaluation file in the INTENTS.md format.
public struct LabeledExample: Sendable, Equatable {
    public var text: String
    /// The `lang` code as written (`ms` is kept; it is answered as `id`).
    public var languageCode: String
    /// Nil in language-identification sets, which carry no intent.
    public var intent: String?

    public init(text: String, languageCode: String, intent: String?) {
        self.text = text
        self.languageCode = languageCode
        self.intent = intent
    }

    private struct Line: Decodable {
        var text: String
        var lang: String
        var intent: String?
    }

    /// Reads a JSON Lines file; blank lines are skipped, anything else that is
    /// not an object with string `text` and `lang` is an error naming the line.
    public static func load(path: String) throws(LanguageUnderstandingError) -> [LabeledExample] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadableFile(path: path) }
        let decoder = JSONDecoder()
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // Fast path: every line at once, as one JSON array (one decoder call
        // instead of ten thousand; start-up is measured against 1 s). A file
        // that fails is read again line by line to name the line at fault.
        var array = Data("[".utf8)
        var count = 0
        for line in lines where !line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
            if count > 0 { array.append(UInt8(ascii: ",")) }
            array.append(contentsOf: line)
            count += 1
        }
        array.append(UInt8(ascii: "]"))
        // One object per line exactly: `{…},{…}` on one line decodes to two
        // and is refused by the line-by-line reading below.
        if let decoded = try? decoder.decode([Line].self, from: array), decoded.count == count {
            return decoded.map { LabeledExample(text: $0.text, languageCode: $0.lang, intent: $0.intent) }
        }
        var examples: [LabeledExample] = []
        var lineNumber = 0
        for line in lines {
            lineNumber += 1
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            do {
                let decoded = try decoder.decode(Line.self, from: Data(line))
                examples.append(LabeledExample(text: decoded.text, languageCode: decoded.lang, intent: decoded.intent))
            } catch {
                throw .invalidExample(path: path, line: lineNumber, reason: "not a JSON object with string text and lang")
            }
        }
        return examples
    }
}
