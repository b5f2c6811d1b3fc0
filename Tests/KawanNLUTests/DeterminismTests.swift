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
        #expect(first.model.packed == second.model.packed && first.model.scale == second.model.scale)
        #expect(first.model.bias == second.model.bias)
        #expect(first.weighting.inverseDocumentFrequency == second.weighting.inverseDocumentFrequency)
        // And the model learnt something: not all weights are zero.
        #expect(first.model.packed.contains { $0 != .zero })

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

@Suite struct PackedWeightsTests {
    /// The packed 16-bit weights must score as the float weights did: the
    /// same probabilities to within the rounding the packing allows.
    @Test func packedScoresMatchFloatScores() {
        var random = SplitMix64(seed: 7)
        let examples: [(features: FeatureVector, label: Int)] = (0..<400).map { index in
            let indices = (0..<12).map { _ in Int32(random.next() % 1024) }
            let sorted = Array(Set(indices)).sorted()
            let values = [Float](repeating: 1 / Float(sorted.count).squareRoot(), count: sorted.count)
            return (FeatureVector(indices: sorted, values: values), index % 11)
        }
        let settings = LinearModel.TrainingSettings(epochs: 5, learningRate: 0.5, seed: 3)
        let unpacked = LinearModel.trainUnpacked(examples, classCount: 11, bits: 10, settings: settings)
        let model = unpacked.frozen()
        #expect(model.weights.isEmpty && !model.packed.isEmpty && unpacked.packed.isEmpty)
        var largestDifference: Float = 0
        for example in examples.prefix(50) {
            let packed = model.probabilities(example.features)
            let float = unpacked.probabilities(example.features)
            for (a, b) in zip(packed, float) { largestDifference = max(largestDifference, abs(a - b)) }
        }
        #expect(largestDifference < 1e-3, "packed and float probabilities differ by \(largestDifference)")
        // And the model learnt something: its answers are not uniform.
        #expect(model.probabilities(examples[0].features).max()! > 2 / 11)
    }
}

@Suite struct TermWeightingTests {
    /// The two-pass radix sort gives what a comparison sort gives, repeats
    /// kept, for empty, tiny and large inputs over the whole 16-bit range.
    @Test(arguments: [0, 1, 2, 3, 255, 256, 257, 1_000, 20_000])
    func radixSortMatchesSorted(count: Int) {
        var random = SplitMix64(seed: UInt64(count) + 11)
        let buckets = (0..<count).map { _ in Int32(random.next() % 65_536) }
        #expect(TermWeighting.radixSorted(buckets) == buckets.sorted())
        let repeated = buckets.map { $0 & 0x0F0F }
        #expect(TermWeighting.radixSorted(repeated) == repeated.sorted())
    }
}
