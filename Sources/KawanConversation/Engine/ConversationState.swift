/// What the engine remembers about a conversation between messages, kept
/// as a small JSON object in `conversations.state`.
///
/// Encoded and decoded by hand: this runs for every message on the
/// store's single writer thread, where Foundation's `JSONEncoder` and
/// `JSONDecoder` took about 40% of the engine's time (measured).
struct ConversationState: Equatable {
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

    /// The state stored in `json`, or a fresh one when there is none or it
    /// cannot be read (a state is a cache of the conversation, not a record).
    static func decode(_ json: String?) -> ConversationState {
        guard let json, var parser = StateParser(json) else { return ConversationState() }
        return parser.parse() ?? ConversationState()
    }

    func encoded() -> String {
        var out = "{\"abstentions\":\(abstentions),\"welcomed\":\(welcomed),\"awaitingMenu\":\(awaitingMenu)"
        out += ",\"awaitingLanguage\":\(awaitingLanguage),\"replyTimes\":[" + replyTimes.map(String.init).joined(separator: ",") + "]"
        out += ",\"repeats\":\(repeats)"
        if let floodNoticeAt { out += ",\"floodNoticeAt\":\(floodNoticeAt)" }
        if let lastTextAt { out += ",\"lastTextAt\":\(lastTextAt)" }
        if let escalationAckAt { out += ",\"escalationAckAt\":\(escalationAckAt)" }
        if let lastText { out += ",\"lastText\":" + Self.quoted(lastText) }
        return out + "}"
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Reads the flat object `encoded()` writes: integers, booleans, one string
/// and one array of integers. Anything else makes `parse` return nil.
private struct StateParser {
    let scalars: [Unicode.Scalar]
    var index = 0

    init?(_ text: String) {
        scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
    }

    mutating func parse() -> ConversationState? {
        var state = ConversationState()
        guard take("{") else { return nil }
        if take("}") { return state }
        repeat {
            guard let key = string(), take(":") else { return nil }
            switch key {
            case "abstentions": guard let value = integer() else { return nil }; state.abstentions = Int(value)
            case "repeats": guard let value = integer() else { return nil }; state.repeats = Int(value)
            case "welcomed": guard let value = boolean() else { return nil }; state.welcomed = value
            case "awaitingMenu": guard let value = boolean() else { return nil }; state.awaitingMenu = value
            case "awaitingLanguage": guard let value = boolean() else { return nil }; state.awaitingLanguage = value
            case "floodNoticeAt": guard let value = integer() else { return nil }; state.floodNoticeAt = value
            case "lastTextAt": guard let value = integer() else { return nil }; state.lastTextAt = value
            case "escalationAckAt": guard let value = integer() else { return nil }; state.escalationAckAt = value
            case "lastText": guard let value = string() else { return nil }; state.lastText = value
            case "replyTimes":
                guard take("[") else { return nil }
                if !take("]") {
                    repeat {
                        guard let value = integer() else { return nil }
                        state.replyTimes.append(value)
                    } while take(",")
                    guard take("]") else { return nil }
                }
            default: return nil
            }
        } while take(",")
        return take("}") ? state : nil
    }

    private mutating func take(_ scalar: Unicode.Scalar) -> Bool {
        guard index < scalars.count, scalars[index] == scalar else { return false }
        index += 1
        return true
    }

    private mutating func integer() -> Int64? {
        var text = ""
        if take("-") { text = "-" }
        while index < scalars.count, ("0"..."9").contains(scalars[index]) {
            text.unicodeScalars.append(scalars[index])
            index += 1
        }
        return Int64(text)
    }

    private mutating func boolean() -> Bool? {
        for (word, value) in [("true", true), ("false", false)] {
            let word = Array(word.unicodeScalars)
            if index + word.count <= scalars.count, Array(scalars[index..<(index + word.count)]) == word {
                index += word.count
                return value
            }
        }
        return nil
    }

    private mutating func string() -> String? {
        guard take("\"") else { return nil }
        var out = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\"": return String(out)
            case "\\":
                guard index < scalars.count else { return nil }
                let escaped = scalars[index]
                index += 1
                switch escaped {
                case "\"", "\\", "/": out.append(escaped)
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "t": out.append("\t")
                case "u":
                    guard index + 4 <= scalars.count,
                          let value = UInt32(String(String.UnicodeScalarView(scalars[index..<(index + 4)])), radix: 16),
                          let decoded = Unicode.Scalar(value) else { return nil }
                    index += 4
                    out.append(decoded)
                default: return nil
                }
            default: out.append(scalar)
            }
        }
        return nil
    }
}
