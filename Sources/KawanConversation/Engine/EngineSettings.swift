/// The engine's tunable limits.
public struct EngineSettings: Sendable, Equatable {
    /// Automated replies per contact in `floodWindow`; beyond it messages
    /// are stored and not answered (urgent safety replies excepted).
    public var floodLimit: Int
    public var floodWindowMilliseconds: Int64
    /// The same text this many times in a row within the window is treated
    /// as an automated loop and not answered.
    public var loopRepeats: Int
    /// How often (at most) a waiting worker is told a person will answer.
    public var escalationAckIntervalMilliseconds: Int64
    /// A message in another language switches the conversation only when
    /// this confident and at least `switchMinimumCharacters` long.
    public var switchConfidence: Double
    public var switchMinimumCharacters: Int
    /// Below this intent confidence the engine treats the classifier as
    /// having abstained.
    public var answerConfidence: Double

    public init(floodLimit: Int = 5, floodWindowMilliseconds: Int64 = 10 * 60 * 1000, loopRepeats: Int = 3,
                escalationAckIntervalMilliseconds: Int64 = 3 * 60 * 60 * 1000, switchConfidence: Double = 0.8,
                switchMinimumCharacters: Int = 12, answerConfidence: Double = 0) {
        self.floodLimit = floodLimit
        self.floodWindowMilliseconds = floodWindowMilliseconds
        self.loopRepeats = loopRepeats
        self.escalationAckIntervalMilliseconds = escalationAckIntervalMilliseconds
        self.switchConfidence = switchConfidence
        self.switchMinimumCharacters = switchMinimumCharacters
        self.answerConfidence = answerConfidence
    }
}
