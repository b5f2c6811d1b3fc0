import Foundation

/// Language identification, intent classification and the safety net, built
/// at start-up from the plain-text files under `Localization/nlu/`:
///
/// - `train/<lang>.jsonl`: the intent corpus (INTENTS.md format),
/// - `lid/<lang>.txt`: extra words per language for language identification,
/// - `abbreviations/<lang>.txt`: SMS shorthand,
/// - `safety/<lang>.txt`: danger signals.
///
/// Training is deterministic and takes well under a second in a release
/// build, so there is no model file to keep in step with the corpus.
/// Immutable once built: `analyse` may be called from any thread.
public final class LanguageUnderstanding: Sendable {
    /// Where `Localization/` is looked for when no folder is given: relative to the working directory.
    public static let defaultLocalizationDirectory = "Localization"

    let languageIdentifier: LanguageIdentifier
    let classifier: IntentClassifier
    let safetyNet: SafetyNet
    let abbreviations: Abbreviations
    /// Wall-clock seconds spent preparing and training (language model, calibration, final model).
    public let trainingSeconds: Double
    public let trainingExampleCount: Int

    /// Builds everything from `<localizationDirectory>/nlu/`.
    public convenience init(localizationDirectory: String = LanguageUnderstanding.defaultLocalizationDirectory)
        throws(LanguageUnderstandingError) {
        self.init(try Self.trainFromFiles(nlu: "\(localizationDirectory)/nlu"))
        Self.releaseTrainingMemory()
    }

    /// A model whose intents are learnt only from `trainingExamples` (any
    /// label set), without the project's corpus, shorthand or danger lexicons:
    /// what `kawan eval --train` measures. Languages are still identified by
    /// the project's language model, built from `localizationDirectory`.
    public convenience init(trainingExamples: [LabeledExample],
                            localizationDirectory: String = LanguageUnderstanding.defaultLocalizationDirectory)
        throws(LanguageUnderstandingError) {
        let project = try LanguageUnderstanding(localizationDirectory: localizationDirectory)
        self.init(try Self.train(intentExamples: trainingExamples, extraLanguageSamples: [],
                                 languageSource: project.languageIdentifier, abbreviations: .empty,
                                 safetyNet: SafetyNet(), corpusPath: "training file"))
        Self.releaseTrainingMemory()
    }

    /// Returns training's temporary feature vectors (tens of MB) to the
    /// system. Called once training's functions have returned, so that
    /// everything they built is already freed (trimming inside them left
    /// 8 MB more resident, measured).
    private static func releaseTrainingMemory() {
        _ = releaseFreeHeapMemory(0)
    }

    /// What training produces: all an instance keeps.
    private struct Trained {
        var languageIdentifier: LanguageIdentifier
        var classifier: IntentClassifier
        var safetyNet: SafetyNet
        var abbreviations: Abbreviations
        var exampleCount: Int
        var seconds: Double
    }

    private init(_ trained: Trained) {
        languageIdentifier = trained.languageIdentifier
        classifier = trained.classifier
        safetyNet = trained.safetyNet
        abbreviations = trained.abbreviations
        trainingExampleCount = trained.exampleCount
        trainingSeconds = trained.seconds
    }

    private static func trainFromFiles(nlu: String) throws(LanguageUnderstandingError) -> Trained {
        var examples: [LabeledExample] = []
        for language in MessageLanguage.allCases {
            examples += try LabeledExample.load(path: "\(nlu)/train/\(language.rawValue).jsonl")
        }
        return try train(intentExamples: examples, extraLanguageSamples: try wordLists(directory: "\(nlu)/lid"),
                         languageSource: nil, abbreviations: try Abbreviations(directory: "\(nlu)/abbreviations"),
                         safetyNet: try SafetyNet(directory: "\(nlu)/safety"), corpusPath: "\(nlu)/train")
    }

    private static func train(intentExamples: [LabeledExample], extraLanguageSamples: [(text: String, language: MessageLanguage)],
                              languageSource: LanguageIdentifier?, abbreviations: Abbreviations, safetyNet: SafetyNet,
                              corpusPath: String) throws(LanguageUnderstandingError) -> Trained {
        let start = DispatchTime.now().uptimeNanoseconds
        let labelled = intentExamples.filter { $0.intent != nil }
        let labels = Set(labelled.compactMap(\.intent)).sorted()
        guard labels.count >= 2 else {
            throw .notEnoughExamples(path: corpusPath, reason: "needs examples of at least two intents, found \(labels.count)")
        }
        var languageSamples = extraLanguageSamples
        if languageSource == nil {
            for example in labelled {
                if let language = MessageLanguage(labelCode: example.languageCode) {
                    languageSamples.append((example.text, language))
                }
            }
            // Workers often type without diacritics: learn every language in its folded form too.
            for sample in languageSamples {
                let folded = TextNormalizer.fold(sample.text.lowercased())
                if folded != sample.text.lowercased() { languageSamples.append((folded, sample.language)) }
            }
        }
        var examples: [IntentClassifier.Example] = []
        var signals: [[String]] = []
        examples.reserveCapacity(labelled.count)
        for (source, example) in labelled.enumerated() {
            let language = MessageLanguage(labelCode: example.languageCode)
            let message = PreparedMessage(example.text, language: language, abbreviations: abbreviations)
            examples.append(IntentClassifier.Example(buckets: IntentClassifier.buckets(message), label: example.intent!,
                                                     source: source))
            signals.append(safetyNet.signals(in: message))
            // Workers often type without diacritics: learn each line typed with them in its folded form too
            // (on the held-out fifth of Vietnamese, folded: 0.76 without the copies, 0.79 with them).
            let folded = TextNormalizer.fold(example.text.lowercased())
            if folded != example.text.lowercased() {
                let foldedMessage = PreparedMessage(folded, language: language, abbreviations: abbreviations)
                examples.append(IntentClassifier.Example(buckets: IntentClassifier.buckets(foldedMessage),
                                                         label: example.intent!, source: source))
                signals.append(safetyNet.signals(in: foldedMessage))
            }
        }
        // The three trainings are independent: run them side by side.
        let results = TrainingResults()
        let finalExamples = examples
        let finalSignals = signals
        let samples = languageSamples
        DispatchQueue.concurrentPerform(iterations: 3) { job in
            switch job {
            case 0:
                let identifier = languageSource ?? LanguageIdentifier(samples: samples)
                results.store { $0.languageIdentifier = identifier }
            case 1:
                let calibration = CalibrationSearch.choose(examples: finalExamples, signals: finalSignals, labels: labels)
                results.store { $0.calibration = calibration }
            default:
                let classifier = IntentClassifier(examples: finalExamples, labels: labels)
                results.store { $0.classifier = classifier }
            }
        }
        let trained = results.values
        var classifier = trained.classifier!
        classifier.calibration = trained.calibration!
        return Trained(languageIdentifier: trained.languageIdentifier!, classifier: classifier, safetyNet: safetyNet,
                       abbreviations: abbreviations, exampleCount: labelled.count,
                       seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    static func wordLists(directory: String) throws(LanguageUnderstandingError) -> [(text: String, language: MessageLanguage)] {
        var samples: [(text: String, language: MessageLanguage)] = []
        for language in MessageLanguage.allCases {
            let path = "\(directory)/\(language.rawValue).txt"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            for (_, line) in try LexiconFile.lines(path: path) {
                for word in line.split(separator: " ") { samples.append((String(word), language)) }
                samples.append((line, language))
            }
        }
        return samples
    }

    /// The calibration chosen on held-out data.
    public var temperature: Double { Double(classifier.calibration.temperature) }
    public var abstentionThreshold: Double { classifier.calibration.abstentionThreshold }
    public var urgentThreshold: Double { classifier.calibration.urgentThreshold }
    public var heldOut: HeldOutFigures { classifier.calibration.heldOut }
    /// The intent labels the classifier knows (sorted; `other` included when trained on it).
    public var labels: [String] { classifier.labels }
    /// Bytes held by the two models' weights.
    public var modelBytes: Int {
        classifier.model.memoryBytes + classifier.weighting.inverseDocumentFrequency.count * 4 + languageIdentifier.memoryBytes
    }
    /// Number of danger-signal phrases loaded.
    public var safetySignalCount: Int { safetyNet.signalCount }

    public func analyse(_ text: String) -> Analysis {
        let tokens = TextNormalizer.tokens(text)
        let detected = languageIdentifier.identify(PreparedMessage(tokens: tokens, language: nil, abbreviations: .empty))
        let message = PreparedMessage(tokens: tokens, language: detected.language, abbreviations: abbreviations)
        let decision = classifier.decide(classifier.features(message))
        var signals = safetyNet.signals(in: message)
        let intent = UrgentOverride.intent(decision, signals: signals, labels: classifier.labels)
        if decision.urgentProbability >= classifier.calibration.urgentThreshold { signals.append("classifier") }
        let urgent = !signals.isEmpty || intent.map(HotlineIntent.isUrgent) == true
        return Analysis(language: detected.language, languageConfidence: detected.confidence, intent: intent,
                        confidence: decision.confidence, urgent: urgent, urgentSignals: signals,
                        candidates: decision.candidates)
    }
}

/// Collects the results of the parallel trainings at start-up.
private final class TrainingResults: @unchecked Sendable {
    struct Values {
        var languageIdentifier: LanguageIdentifier?
        var calibration: IntentClassifier.Calibration?
        var classifier: IntentClassifier?
    }

    private let lock = NSLock()
    private var stored = Values()

    func store(_ update: (inout Values) -> Void) {
        lock.lock()
        update(&stored)
        lock.unlock()
    }

    var values: Values {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// glibc's `malloc_trim`, which Swift's Glibc module does not export: returns
/// freed heap pages to the system so the resident size is the models', not
/// training's peak.
@_silgen_name("malloc_trim")
private func releaseFreeHeapMemory(_ pad: Int) -> Int32
