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
