/// One of the most probable intents for a message.
public struct IntentCandidate: Sendable, Equatable {
    public var intent: String
    /// Calibrated probability.
    public var confidence: Double

    public init(intent: String, confidence: Double) {
        self.intent = intent
        self.confidence = confidence
    }
}

/// What Kawan understood from one message.
public struct Analysis: Sendable, Equatable {
    /// The language to answer in.
    public var language: MessageLanguage
    /// Probability of `language` among the five (low on one-word or mixed messages).
    public var languageConfidence: Double
    /// One of the 16 intent ids, or nil when the classifier abstains (the
    /// message is out of scope or too vague: ask a clarifying question).
    public var intent: String?
    /// Calibrated probability of the top label (of `other` when abstaining on it).
    public var confidence: Double
    /// Escalate at the highest priority: set when the classifier picks an
    /// urgent intent, when its urgent intents together pass the calibrated
    /// threshold, or when the safety net's lexicons find a danger signal.
    public var urgent: Bool
    /// The danger signals found, as `intent.family` (e.g. `emergency.suicide`),
    /// plus `classifier` when the model's urgent probability alone raised the flag.
    public var urgentSignals: [String]
    /// The three most probable intents (never `other`), most probable first.
    public var candidates: [IntentCandidate]

    public var abstained: Bool { intent == nil }

    public init(language: MessageLanguage, languageConfidence: Double, intent: String?, confidence: Double,
                urgent: Bool, urgentSignals: [String], candidates: [IntentCandidate]) {
        self.language = language
        self.languageConfidence = languageConfidence
        self.intent = intent
        self.confidence = confidence
        self.urgent = urgent
        self.urgentSignals = urgentSignals
        self.candidates = candidates
    }
}

/// Figures of the model trained on four fifths of the training examples, on
/// the fifth held out (every fifth example from the third): an estimate of
/// accuracy on unseen messages that needs no evaluation data.
public struct HeldOutFigures: Sendable, Equatable {
    public var accuracy = 0.0
    public var urgentRecall = 0.0
    public var urgentPrecision = 0.0

    public init(accuracy: Double = 0, urgentRecall: Double = 0, urgentPrecision: Double = 0) {
        self.accuracy = accuracy
        self.urgentRecall = urgentRecall
        self.urgentPrecision = urgentPrecision
    }
}
