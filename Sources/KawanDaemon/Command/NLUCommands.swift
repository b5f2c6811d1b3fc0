import Foundation
import KawanNLU

/// `kawan classify` and `kawan eval`: the language-understanding library
/// from the command line. Both train from `Localization/nlu/` at start-up
/// (under a second in a release build).
enum NLUCommands {
    static let classifyUsage = """
    Usage: kawan classify [--json] [--localization DIR] TEXT...

    Prints the language, intent, confidence, urgent flag and the three most
    probable intents of one message (the TEXT arguments joined by spaces).
    An abstention prints intent 'other': the message is out of scope or too
    vague. With --json, prints one object: {"language", "language_confidence",
    "intent", "confidence", "urgent", "abstained", "urgent_signals",
    "candidates": [{"intent", "confidence"}]}.

    Options:
      --json               Print one JSON object
      --localization DIR   Folder holding nlu/ (default: Localization)
      -h, --help           Show this help
    """

    static let evalUsage = """
    Usage: kawan eval FILE [--json] [--train TRAIN.jsonl] [--localization DIR]

    Evaluates on FILE, JSON Lines in the INTENTS.md format ({"text", "lang",
    "intent"}; files without intents measure language identification only).
    Prints intent_accuracy, macro_f1, urgent_recall, urgent_precision,
    language_accuracy and abstain_rate, the figures per language, a confusion
    table and the worst confusions with examples. An abstention counts as the
    prediction 'other'; lang 'ms' (Malay) is right when detected as 'id'.

    With --train, intents are learnt only from TRAIN.jsonl (any label set;
    the project's corpus, shorthand and danger lexicons are left out), which
    measures the learning method on public benchmarks. Languages are still
    identified by the project's language model.

    Options:
      --json               Print one JSON object
      --train FILE         Train intents on FILE only
      --localization DIR   Folder holding nlu/ (default: Localization)
      -h, --help           Show this help
    """

    static func classify(_ arguments: [String]) throws(UsageError) -> Int32 {
        let parsed = try ArgumentScanner.scan(arguments, command: "kawan classify", valueOptions: ["--localization"],
                                              flagOptions: ["--json"], positionals: 1...Int.max)
        if parsed.wantsHelp {
            print(classifyUsage)
            return 0
        }
        let text = parsed.positionals.joined(separator: " ")
        let understanding: LanguageUnderstanding
        do {
            understanding = try LanguageUnderstanding(localizationDirectory: parsed.values["--localization"]
                ?? LanguageUnderstanding.defaultLocalizationDirectory)
        } catch {
            KawanCommand.printError("kawan classify: \(error.description)")
            return 1
        }
        let analysis = understanding.analyse(text)
        if parsed.flags.contains("--json") {
            print(json(analysis))
        } else {
            print("language:   \(analysis.language.rawValue) (\(format(analysis.languageConfidence)))")
            if let intent = analysis.intent {
                print("intent:     \(intent) (\(format(analysis.confidence)))")
            } else {
                print("intent:     other (abstained; top label at \(format(analysis.confidence)))")
            }
            let signals = analysis.urgentSignals.isEmpty ? "" : " (\(analysis.urgentSignals.joined(separator: ", ")))"
            print("urgent:     \(analysis.urgent ? "yes" : "no")\(signals)")
            print("candidates: " + analysis.candidates.map { "\($0.intent) \(format($0.confidence))" }.joined(separator: ", "))
        }
        return 0
    }

    static func eval(_ arguments: [String]) throws(UsageError) -> Int32 {
        let parsed = try ArgumentScanner.scan(arguments, command: "kawan eval", valueOptions: ["--localization", "--train"],
                                              flagOptions: ["--json"], positionals: 1...1)
        if parsed.wantsHelp {
            print(evalUsage)
            return 0
        }
        let localization = parsed.values["--localization"] ?? LanguageUnderstanding.defaultLocalizationDirectory
        do {
            let examples = try LabeledExample.load(path: parsed.positionals[0])
            let understanding: LanguageUnderstanding
            if let trainPath = parsed.values["--train"] {
                understanding = try LanguageUnderstanding(trainingExamples: try LabeledExample.load(path: trainPath),
                                                          localizationDirectory: localization)
            } else {
                understanding = try LanguageUnderstanding(localizationDirectory: localization)
            }
            let report = EvaluationReport(examples: examples, understanding: understanding)
            print(parsed.flags.contains("--json") ? report.json() : report.text())
            return 0
        } catch {
            KawanCommand.printError("kawan eval: \(error.description)")
            return 1
        }
    }

    private static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    static func json(_ analysis: Analysis) -> String {
        let object: [String: Any] = [
            "language": analysis.language.rawValue,
            "language_confidence": rounded(analysis.languageConfidence),
            "intent": analysis.intent ?? "other",
            "confidence": rounded(analysis.confidence),
            "urgent": analysis.urgent,
            "abstained": analysis.abstained,
            "urgent_signals": analysis.urgentSignals,
            "candidates": analysis.candidates.map { ["intent": $0.intent, "confidence": rounded($0.confidence)] as [String: Any] },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func rounded(_ value: Double) -> Double { (value * 10000).rounded() / 10000 }
}
