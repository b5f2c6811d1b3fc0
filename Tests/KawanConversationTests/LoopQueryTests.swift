import KawanCore
@testable import KawanConversation
import KawanStore
import Testing

/// Loop detection runs for every inbound message: its query must not grow
/// with the conversation.
@Suite struct LoopQueryTests {
    @Test func recentRepliesComeFromTheOutboundIndexWithoutSorting() async throws {
        let fixture = try ConversationFixture(analyser: EngineRuleTests.analyser)
        let plan = try await fixture.database.read { connection in
            try connection.query("EXPLAIN QUERY PLAN " + ConversationEngine.recentRepliesQuery,
                                 [.text("demo"), .integer(1), .integer(0)])
                .compactMap { $0["detail"].string }.joined(separator: "; ")
        }
        #expect(plan.hasPrefix("SEARCH messages USING INDEX messages_outbound_recent (tenant_id=? AND conversation_id=? AND created_at>?)"),
                "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        await fixture.stop()
    }
}
