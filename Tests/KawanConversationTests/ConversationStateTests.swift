@testable import KawanConversation
import Testing

@Suite struct ConversationStateTests {
    @Test func roundTripsEveryField() {
        var state = ConversationState()
        state.abstentions = 1
        state.welcomed = true
        state.awaitingMenu = true
        state.replyTimes = [1_795_402_800_000, 1_795_402_860_000]
        state.floodNoticeAt = 1_795_402_900_000
        state.lastText = "tolong \"bantu\" saya\\ \n 給料 \u{1}"
        state.repeats = 2
        state.lastTextAt = 1_795_402_901_000
        state.escalationAckAt = -5
        #expect(ConversationState.decode(state.encoded()) == state)
        #expect(ConversationState.decode(ConversationState().encoded()) == ConversationState())
    }

    @Test func unreadableStateStartsAfresh() {
        for text in [nil, "", "{}", "{\"abstentions\":\"x\"}", "not json", "{\"unknown\":1}", "{\"abstentions\":1"] {
            let decoded = ConversationState.decode(text)
            #expect(decoded == ConversationState(), "\(text ?? "nil")")
        }
    }
}

@Suite struct WhitespaceFoldingTests {
    /// The byte-level folding agrees with Swift's `Character.isWhitespace`
    /// on every Unicode White_Space character, in the middle and at the ends.
    @Test func agreesWithCharacterWhitespace() {
        let spaces: [Unicode.Scalar] = [" ", "\t", "\n", "\u{0B}", "\u{0C}", "\r", "\u{85}", "\u{A0}", "\u{1680}",
                                        "\u{2000}", "\u{2005}", "\u{200A}", "\u{2028}", "\u{2029}", "\u{202F}",
                                        "\u{205F}", "\u{3000}"]
        for space in spaces {
            let s = String(space)
            let text = "\(s) Gaji\(s)\(s)SAYA  belum 給料\(s)"
            let expected = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(WhitespaceFolding.folded(text) == expected, "U+\(String(space.value, radix: 16))")
            #expect(WhitespaceFolding.trimmed(text) == "Gaji\(s)\(s)SAYA  belum 給料", "U+\(String(space.value, radix: 16))")
        }
        // Characters that share lead bytes with spaces are not spaces.
        for text in ["\u{2010}x", "x\u{3001}", "\u{C2}\u{A9}", "\u{200B}y"] {
            #expect(WhitespaceFolding.trimmed(text) == text)
        }
        #expect(WhitespaceFolding.folded("  \u{3000} ") == "")
        #expect(WhitespaceFolding.trimmed(" \n ") == "")
    }
}
