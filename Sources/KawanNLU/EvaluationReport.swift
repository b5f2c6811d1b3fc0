import Foundation

/// The figures `kawan eval` prints, computed exactly as issue 5 defines them:
/// an abstention predicts `other`; `intent_accuracy` counts a message right when
/// the prediction equals its label; `urgent_recall` is the share of messages
/// labelled with an urgent intent that were flagged urgent; `urgent_precision`
/// the share of flagged messages whose label is urgent; `language_accuracy`
/// compares the detected language with `lang` (`ms` is right when answered `id`).
/// `macro_f1` is the unweighted mean F1 over every label that occurs as a label
/// or a prediction (scikit-learn's default). A figure with no messages to count
/// is nil (null in JSON).
public struct EvaluationReport: Sendable, Equatable {
    public struct LanguageFigures: Sendable, Equatable {
        public var n: Int
        public var intentAccuracy: Double?
        public var languageAccuracy: Double?
        public var urgentRecall: Double?
    }

    public struct Confusion: Sendable, Equatable {
        public var label: String
        public var predicted: String
        public var count: Int
        /// Up to three texts, in file order.
        public var examples: [String]
    }

    public var n: Int
    public var intentAccuracy: Double?
    public var macroF1: Double?
    public var urgentRecall: Double?
    public var urgentPrecision: Double?
    public var languageAccuracy: Double?
    public var abstainRate: Double?
    /// Keyed by the `lang` code as written in the file.
    public var perLanguage: [String: LanguageFigures]
    /// `confusion[label][predicted]` = count, over messages with an intent label.
    public var confusion: [String: [String: Int]]
    /// Label/prediction pairs that differ, most frequent first.
    public var worstConfusions: [Confusion]
    /// Language/detected-language pairs that differ, most frequent first.
    public var languageConfusions: [Confusion]

    /// Pairs each example with its analysis (same order) and counts.
    public init(examples: [LabeledExample], analyses: [Analysis]) {
        precondition(examples.count == analyses.count, "one analysis per example")
        n = examples.count
        var intentCounts = Tally()
        var languageCounts = Tally()
        var urgentRecallCounts = Tally()
        var flagged = Tally()
        var abstained = Tally()
        var perLanguageTallies: [String: (n: Int, intent: Tally, language: Tally, urgent: Tally)] = [:]
        var confusion: [String: [String: Int]] = [:]
        var confusionExamples: [String: [String]] = [:]
        var languageMistakes: [String: (count: Int, examples: [String])] = [:]

        for (example, analysis) in zip(examples, analyses) {
            var languageTally = perLanguageTallies[example.languageCode] ?? (0, Tally(), Tally(), Tally())
            languageTally.n += 1
            if let expected = MessageLanguage(labelCode: example.languageCode) {
                let right = analysis.language == expected
                languageCounts.add(right)
                languageTally.language.add(right)
                if !right {
                    let key = example.languageCode + "\u{1}" + analysis.language.rawValue
                    var mistake = languageMistakes[key] ?? (0, [])
                    mistake.count += 1
                    if mistake.examples.count < 3 { mistake.examples.append(example.text) }
                    languageMistakes[key] = mistake
                }
            }
            if let label = example.intent {
                let predicted = analysis.intent ?? HotlineIntent.other
                let right = predicted == label
                intentCounts.add(right)
                languageTally.intent.add(right)
                abstained.add(analysis.intent == nil)
                confusion[label, default: [:]][predicted, default: 0] += 1
                if !right {
                    let key = label + "\u{1}" + predicted
                    if confusionExamples[key, default: []].count < 3 { confusionExamples[key, default: []].append(example.text) }
                }
                if HotlineIntent.isUrgent(label) {
                    urgentRecallCounts.add(analysis.urgent)
                    languageTally.urgent.add(analysis.urgent)
                }
                if analysis.urgent { flagged.add(HotlineIntent.isUrgent(label)) }
            }
            perLanguageTallies[example.languageCode] = languageTally
        }

        intentAccuracy = intentCounts.share
        languageAccuracy = languageCounts.share
        urgentRecall = urgentRecallCounts.share
        urgentPrecision = flagged.share
        abstainRate = abstained.share
        self.confusion = confusion
        perLanguage = perLanguageTallies.mapValues {
            LanguageFigures(n: $0.n, intentAccuracy: $0.intent.share, languageAccuracy: $0.language.share,
                            urgentRecall: $0.urgent.share)
        }

        var labels = Set(confusion.keys)
        for row in confusion.values { labels.formUnion(row.keys) }
        if labels.isEmpty {
            macroF1 = nil
        } else {
            var total = 0.0
            for label in labels {
                let truePositives = Double(confusion[label]?[label] ?? 0)
                let actual = Double(confusion[label]?.values.reduce(0, +) ?? 0)
                let predicted = Double(confusion.values.reduce(0) { $0 + ($1[label] ?? 0) })
                let denominator = actual + predicted
                total += denominator == 0 ? 0 : 2 * truePositives / denominator
            }
            macroF1 = total / Double(labels.count)
        }

        var confusions: [Confusion] = []
        for (label, row) in confusion {
            for (predicted, count) in row where predicted != label {
                confusions.append(Confusion(label: label, predicted: predicted, count: count,
                                            examples: confusionExamples[label + "\u{1}" + predicted] ?? []))
            }
        }
        confusions.sort { ($0.count, $1.label, $1.predicted) > ($1.count, $0.label, $0.predicted) }
        worstConfusions = confusions
        languageConfusions = languageMistakes.map { key, mistake in
            let parts = key.split(separator: "\u{1}").map(String.init)
            return Confusion(label: parts[0], predicted: parts[1], count: mistake.count, examples: mistake.examples)
        }.sorted { ($0.count, $1.label, $1.predicted) > ($1.count, $0.label, $0.predicted) }
    }

    /// Runs every example through `understanding` and counts.
    public init(examples: [LabeledExample], understanding: LanguageUnderstanding) {
        self.init(examples: examples, analyses: examples.map { understanding.analyse($0.text) })
    }

    private struct Tally {
        var right = 0
        var total = 0
        mutating func add(_ isRight: Bool) {
            total += 1
            if isRight { right += 1 }
        }
        var share: Double? { total == 0 ? nil : Double(right) / Double(total) }
    }
}
