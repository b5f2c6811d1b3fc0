/// Intent classification: logistic regression over hashed character n-grams
/// and words, with probabilities calibrated (temperature) and an abstention
/// threshold chosen on a held-out fifth of the training examples.
struct IntentClassifier: Sendable {
    static let settings = FeatureSettings(bits: 16, characterGrams: 1...5, wordBigrams: true, gramsWithinWords: true)
    static let training = LinearModel.TrainingSettings(epochs: 8, updates: 60_000, learningRate: 5.0,
                                                                       seed: 0x4B41_5741_4E)

    /// The labels in a fixed order (sorted), `other` included when the training data has it.
    let labels: [String]
    let model: LinearModel
    /// Index of `other` in `labels`, when present.
    let otherLabel: Int?
    let urgentLabels: [Int]
    var calibration = Calibration()

    /// Chosen on held-out data by `Calibration.choose`.
    struct Calibration: Sendable, Equatable {
        /// Scores are divided by this before the softmax.
        var temperature: Float = 1
        /// Below this top probability the classifier abstains.
        var abstentionThreshold: Double = 0
        /// At or above this total probability of the urgent intents a message is flagged urgent.
        var urgentThreshold: Double = 1.01
        /// How the model trained on four fifths did on the fifth held out, with these settings.
        var heldOut = HeldOutFigures()
    }

    struct Example: Sendable {
        /// Hashed feature occurrences, before weighting.
        var buckets: [Int32]
        var label: String
        /// The position of the corpus line this example comes from (a line
        /// typed with diacritics also yields a folded copy), so that a line
        /// and its copy are always on the same side of the held-out split.
        var source: Int
    }

    /// Inverse document frequencies learnt from the training examples.
    let weighting: TermWeighting

    init(examples: [Example], labels: [String]) {
        self.labels = labels
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        otherLabel = labelIndex[HotlineIntent.other]
        urgentLabels = labels.indices.filter { HotlineIntent.isUrgent(labels[$0]) }
        let weighting = TermWeighting(documents: examples.map(\.buckets), bits: Self.settings.bits)
        self.weighting = weighting
        model = LinearModel.train(examples.map { (features: weighting.vector($0.buckets), label: labelIndex[$0.label]!) },
                                  classCount: labels.count, bits: Self.settings.bits, settings: Self.training)
    }

    static func buckets(_ message: PreparedMessage) -> [Int32] {
        FeatureExtractor.buckets(message, settings: settings)
    }

    func features(_ message: PreparedMessage) -> FeatureVector {
        weighting.vector(Self.buckets(message))
    }

    /// Calibrated probabilities, one per label.
    func probabilities(_ features: FeatureVector) -> [Float] {
        model.probabilities(features, temperature: calibration.temperature)
    }

    struct Decision: Sendable {
        /// Nil when the classifier abstains (top label `other`, or below the threshold).
        var intent: String?
        var confidence: Double
        /// The three most probable labels other than `other`.
        var candidates: [IntentCandidate]
        var urgentProbability: Double
        var probabilities: [Float]
    }

    func decide(_ features: FeatureVector) -> Decision {
        let probabilities = probabilities(features)
        var order = Array(probabilities.indices)
        order.sort { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
        let top = order[0]
        let candidates = order.lazy.filter { $0 != otherLabel }.prefix(3).map {
            IntentCandidate(intent: labels[$0], confidence: Double(probabilities[$0]))
        }
        let abstains = top == otherLabel || Double(probabilities[top]) < calibration.abstentionThreshold
        var urgentProbability: Float = 0
        for label in urgentLabels { urgentProbability += probabilities[label] }
        return Decision(intent: abstains ? nil : labels[top], confidence: Double(probabilities[top]),
                        candidates: Array(candidates), urgentProbability: Double(urgentProbability),
                        probabilities: probabilities)
    }
}
