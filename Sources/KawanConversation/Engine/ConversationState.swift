import KawanCore

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
        if let lastText { out += ",\"lastText\":" + JSONString.quoted(lastText) }
        return out + "}"
    }
}

/// Reads the flat object `encoded()` writes: integers, booleans, one string
/// and one array of integers. Anything else makes `parse` return nil.
/// Works on UTF-8 bytes: a string without escapes is one slice.
private struct StateParser {
    let bytes: [UInt8]
    var index = 0

    init?(_ text: String) {
        bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
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

    private mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(character.value) else { return false }
        index += 1
        return true
    }

    /// Decimal digits, optionally negative; nil on overflow or no digits.
    private mutating func integer() -> Int64? {
        let negative = take("-")
        var value: Int64 = 0
        let start = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(bytes[index] - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        guard index > start else { return nil }
        return negative ? -value : value
    }

    private mutating func boolean() -> Bool? {
        for (word, value) in [(Array("true".utf8), true), (Array("false".utf8), false)] {
            if index + word.count <= bytes.count, bytes[index..<(index + word.count)].elementsEqual(word) {
                index += word.count
                return value
            }
        }
        return nil
    }

    private mutating func string() -> String? {
        guard take("\"") else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != 0x22, bytes[index] != 0x5C { index += 1 }
        guard index < bytes.count else { return nil }
        if bytes[index] == 0x22 {
            index += 1
            return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
        }
        // Escapes: decode the rest byte by byte.
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x22: return String(decoding: out, as: UTF8.self)
            case 0x5C:
                guard index < bytes.count else { return nil }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case 0x22, 0x5C, 0x2F: out.append(escaped)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count,
                          let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16),
                          let decoded = Unicode.Scalar(value) else { return nil }
                    index += 4
                    out.append(contentsOf: String(Character(decoded)).utf8)
                default: return nil
                }
            default: out.append(byte)
            }
        }
        return nil
    }
}
