import Foundation

/// What the engine remembers about a conversation between messages, kept
/// as JSON in `conversations.state`.
struct ConversationState: Codable, Equatable {
    /// Abstentions in a row (two lead to a hand-off).
    var abstentions = 0
    /// The worker has had the welcome message.
    var welcomed = false
    /// The last reply offered the topic menu, so a digit selects a topic.
    var awaitingMenu = false
    /// The last reply offered the language list.
    var awaitingLanguage = false
    /// Times (ms) of automated replies in the flood window.
    var replyTimes: [Int64] = []
    /// When the flood notice was last sent (once per window).
    var floodNoticeAt: Int64?
    /// The last inbound text (normalised) and how often it came in a row:
    /// the same text arriving repeatedly is an automated loop.
    var lastText: String?
    var repeats = 0
    var lastTextAt: Int64?
    /// When the worker was last told a person will answer (at most once
    /// per few hours while unclaimed).
    var escalationAckAt: Int64?

    static func decode(_ json: String?) -> ConversationState {
        guard let json, let data = json.data(using: .utf8),
              let state = try? JSONDecoder().decode(ConversationState.self, from: data) else { return ConversationState() }
        return state
    }

    func encoded() -> String {
        guard let data = try? JSONEncoder().encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
