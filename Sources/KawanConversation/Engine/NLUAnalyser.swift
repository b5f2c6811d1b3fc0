public import KawanNLU

/// Language understanding (`KawanNLU`) as the engine's analyser.
public struct NLUAnalyser: MessageAnalyser {
    let understanding: LanguageUnderstanding

    public init(_ understanding: LanguageUnderstanding) {
        self.understanding = understanding
    }

    public func analyse(_ text: String) -> MessageUnderstanding {
        let analysis = understanding.analyse(text)
        return MessageUnderstanding(language: analysis.language.rawValue, languageConfidence: analysis.languageConfidence,
                                    intent: analysis.intent, confidence: analysis.confidence, urgent: analysis.urgent)
    }
}
