/// What language understanding says about one message, as the engine
/// needs it. `KawanNLU` provides it in the daemon; the seam keeps the
/// engine's rules testable on their own.
public struct MessageUnderstanding: Sendable, Equatable {
    /// `id`, `tl`, `vi`, `ja` or `en`.
    public var language: String
    public var languageConfidence: Double
    /// One of the 16 intents, or nil when the classifier abstained.
    public var intent: String?
    public var confidence: Double
    /// The safety net fired.
    public var urgent: Bool

    public init(language: String, languageConfidence: Double, intent: String?, confidence: Double, urgent: Bool) {
        self.language = language
        self.languageConfidence = languageConfidence
        self.intent = intent
        self.confidence = confidence
        self.urgent = urgent
    }
}

/// Language identification, intent classification and the safety net.
public protocol MessageAnalyser: Sendable {
    func analyse(_ text: String) -> MessageUnderstanding
}
