import Testing
@testable import KawanNLU

@Suite struct DeterminismTests {
    /// A fixed slice of the real corpus: every seventh example of each language.
    static func sample() throws -> [LabeledExample] {
        var examples: [LabeledExample] = []
        for language in MessageLanguage.allCases {
            let all = try LabeledExample.load(path: "\(localizationDirectory)/nlu/train/\(language.rawValue).jsonl")
            examples += all.enumerated().filter { $0.offset % 7 == 0 }.map(\.element)
        }
        return examples
    }

    @Test func trainingTwiceGivesIdenticalWeightsAndCalibration() throws {
        let examples = try Self.sample()
        let prepared = examples.enumerated().map {
            IntentClassifier.Example(buckets: IntentClassifier.buckets(PreparedMessage(
                $1.text, language: MessageLanguage(labelCode: $1.languageCode), abbreviations: sharedAbbreviations)),
                label: $1.intent!, source: $0)
        }
        let labels = Set(examples.compactMap(\.intent)).sorted()
        let first = IntentClassifier(examples: prepared, labels: labels)
        let second = IntentClassifier(examples: prepared, labels: labels)
        #expect(first.model.weights == second.model.weights)
        #expect(first.model.bias == second.model.bias)
        #expect(first.weighting.inverseDocumentFrequency == second.weighting.inverseDocumentFrequency)
        // And the model learnt something: not all weights are zero.
        #expect(first.model.weights.contains { $0 != .zero })

        let signals = [[String]](repeating: [], count: prepared.count)
        let calibration = CalibrationSearch.choose(examples: prepared, signals: signals, labels: labels)
        #expect(calibration == CalibrationSearch.choose(examples: prepared, signals: signals, labels: labels))
    }

    @Test func languageIdentifierIsDeterministic() throws {
        let samples = try Self.sample().map { ($0.text, MessageLanguage(labelCode: $0.languageCode)!) }
        let first = LanguageIdentifier(samples: samples)
        let second = LanguageIdentifier(samples: samples)
        for text in ["gaji sy blm dibyr", "help po", "社長", "toi bi danh", "my boss"] {
            let message = PreparedMessage(text, language: nil, abbreviations: .empty)
            #expect(first.identify(message) == second.identify(message))
        }
    }

    @Test func sameTextSameAnalysis() {
        let text = "kinuha ni amo passport ko at bawal lumabas"
        #expect(sharedUnderstanding.analyse(text) == sharedUnderstanding.analyse(text))
    }
}
