/// Which of the five hotline languages a message is written in, from a
/// logistic regression over character 1-4-grams and words, trained on the
/// project's corpus plus per-language word lists (Malay words are listed
/// under Indonesian, which is how a Malay message is answered).
struct LanguageIdentifier: Sendable {
    static let settings = FeatureSettings(bits: 16, characterGrams: 1...4, wordBigrams: false, scriptFeatures: true)
    static let training = LinearModel.TrainingSettings(epochs: 6, learningRate: 0.8, seed: 0x4C49_44)

    private let model: LinearModel

    struct Result: Sendable, Equatable {
        var language: MessageLanguage
        var confidence: Double
    }

    /// `samples`: (text, language) pairs, e.g. the corpus and word lists.
    init(samples: [(text: String, language: MessageLanguage)]) {
        let examples = samples.map { sample in
            (features: TermWeighting.uniform.vector(FeatureExtractor.buckets(
                PreparedMessage(sample.text, language: nil, abbreviations: .empty), settings: LanguageIdentifier.settings)),
             label: sample.language.index)
        }
        model = LinearModel.train(examples, classCount: MessageLanguage.allCases.count, bits: Self.settings.bits,
                                  settings: Self.training)
    }

    func identify(_ message: PreparedMessage) -> Result {
        let features = TermWeighting.uniform.vector(FeatureExtractor.buckets(message, settings: Self.settings))
        guard !features.indices.isEmpty else { return Result(language: .english, confidence: 0) }
        let probabilities = model.probabilities(features)
        var best = 0
        for label in probabilities.indices where probabilities[label] > probabilities[best] { best = label }
        return Result(language: MessageLanguage.allCases[best], confidence: Double(probabilities[best]))
    }

    var memoryBytes: Int { model.memoryBytes }
}
