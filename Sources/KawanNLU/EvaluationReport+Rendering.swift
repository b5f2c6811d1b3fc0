import Foundation

extension EvaluationReport {
    /// The `--json` object: n, intent_accuracy, macro_f1, urgent_recall,
    /// urgent_precision, language_accuracy, abstain_rate, per_language, plus
    /// the confusion counts and the worst confusions.
    public func json() -> String {
        func number(_ value: Double?) -> Any { value.map { ($0 * 10000).rounded() / 10000 } ?? NSNull() }
        var perLanguageObject: [String: Any] = [:]
        for (language, figures) in perLanguage {
            perLanguageObject[language] = [
                "n": figures.n,
                "intent_accuracy": number(figures.intentAccuracy),
                "language_accuracy": number(figures.languageAccuracy),
                "urgent_recall": number(figures.urgentRecall),
            ]
        }
        let object: [String: Any] = [
            "n": n,
            "intent_accuracy": number(intentAccuracy),
            "macro_f1": number(macroF1),
            "urgent_recall": number(urgentRecall),
            "urgent_precision": number(urgentPrecision),
            "language_accuracy": number(languageAccuracy),
            "abstain_rate": number(abstainRate),
            "per_language": perLanguageObject,
            "confusion": confusion,
            "worst_confusions": worstConfusions.prefix(10).map {
                ["label": $0.label, "predicted": $0.predicted, "count": $0.count, "examples": $0.examples] as [String: Any]
            },
            "language_confusions": languageConfusions.prefix(10).map {
                ["lang": $0.label, "detected": $0.predicted, "count": $0.count, "examples": $0.examples] as [String: Any]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The human-readable report: totals, a row per language, the confusion
    /// table (rows are labels, columns predictions) and the worst confusions.
    public func text() -> String {
        func figure(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "  n/a" }
        func padded(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        func leftPadded(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
        }
        var lines: [String] = []
        lines.append("messages          \(n)")
        lines.append("intent_accuracy   \(figure(intentAccuracy))")
        lines.append("macro_f1          \(figure(macroF1))")
        lines.append("urgent_recall     \(figure(urgentRecall))")
        lines.append("urgent_precision  \(figure(urgentPrecision))")
        lines.append("language_accuracy \(figure(languageAccuracy))")
        lines.append("abstain_rate      \(figure(abstainRate))")
        lines.append("")
        lines.append("lang      n  intent  language  urgent_recall")
        for language in perLanguage.keys.sorted() {
            let figures = perLanguage[language]!
            lines.append("\(padded(language, 4)) \(leftPadded(String(figures.n), 6))  \(figure(figures.intentAccuracy))   \(figure(figures.languageAccuracy))     \(figure(figures.urgentRecall))")
        }
        if !confusion.isEmpty {
            var labels = Set(confusion.keys)
            for row in confusion.values { labels.formUnion(row.keys) }
            let ordered = labels.sorted()
            lines.append("")
            lines.append("confusion (rows: label, columns: prediction by number)")
            let width = max(4, String(ordered.count).count + 1)
            var header = padded("", 30)
            for index in ordered.indices { header += leftPadded(String(index + 1), width) }
            lines.append(header)
            for (index, label) in ordered.enumerated() {
                var line = padded("\(index + 1) \(label)", 30)
                for predicted in ordered {
                    let count = confusion[label]?[predicted] ?? 0
                    line += leftPadded(count == 0 ? "." : String(count), width)
                }
                lines.append(line)
            }
        }
        Self.append(worstConfusions, title: "worst confusions (label -> prediction)", to: &lines)
        Self.append(languageConfusions, title: "language confusions (lang -> detected)", to: &lines)
        return lines.joined(separator: "\n")
    }

    /// The ten largest confusions under `title`, each with its examples.
    private static func append(_ confusions: [Confusion], title: String, to lines: inout [String]) {
        guard !confusions.isEmpty else { return }
        lines.append("")
        lines.append(title)
        for confusion in confusions.prefix(10) {
            lines.append("\(confusion.count)x \(confusion.label) -> \(confusion.predicted)")
            for example in confusion.examples { lines.append("    \(example)") }
        }
    }
}
