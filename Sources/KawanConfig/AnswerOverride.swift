/// A tenant's own wording for one answer in one language, replacing the
/// shipped text in `Localization/answers/` (key `answers.<language>.<key>`
/// in the tenant file, where `<key>` is `intents.<intent>` or
/// `system.<message>`). Whether the key exists and the placeholders it
/// names are defined is checked against the answer catalogue at load.
public struct AnswerOverride: Sendable, Equatable {
    /// `intents.wage_unpaid`, `system.welcome`, ...
    public let key: String
    /// The short version for SMS channels (nil: keep the shipped one).
    public let sms: String?
    /// The fuller version for chat channels (nil: keep the shipped one).
    public let chat: String?
    /// Where it is written, for configuration problems.
    public let file: String
    public let line: Int

    public init(key: String, sms: String?, chat: String?, file: String, line: Int) {
        self.key = key
        self.sms = sms
        self.chat = chat
        self.file = file
        self.line = line
    }
}
