@testable import KawanAPI
import KawanStore
import Testing

/// The queue queries read their index in order: no full sort for ORDER BY,
/// whatever the filters (what keeps listing and claim-next fast with
/// 100,000 open escalations). After a cursor, SQLite 3.40 orders rows with
/// the same priority and creation time by id in a small sorter ("RIGHT
/// PART OF ORDER BY"), still reading the index in order and stopping at
/// LIMIT.
@Suite("Query plans")
struct QueryPlanTests {
    @Test func listingAndClaimNextUseTheIndexesWithoutSorting() async throws {
        let fixture = try APIFixture()
        for index in 0..<20 { try await fixture.seed(priority: ["urgent", "high", "normal"][index % 3], language: index % 2 == 0 ? "id" : "en") }
        let plans = try await fixture.database.read { connection -> [String] in
            let store = TenantEscalations(connection: connection, tenantID: "demo", now: 0)
            let cursor = QueueCursor(priorityRank: 2, createdAt: 5, id: 3)
            var statements: [(String, [SQLValue])] = [
                store.listQuery(.init(status: "open", limit: 50)),
                store.listQuery(.init(status: "open", after: cursor, limit: 50)),
                store.listQuery(.init(status: "claimed", language: "id", after: cursor, limit: 50)),
            ]
            statements.append((TenantEscalations.oldestInLanguage, [.text("demo"), .integer(0), .text("id")]))
            statements.append((TenantEscalations.oldestOfPriority, [.text("demo"), .integer(0)]))
            statements.append(store.listQuery(.init(status: "open", priorityRank: 2, language: "id", after: cursor, limit: 50)))
            return try statements.map { sql, arguments in
                try connection.query("EXPLAIN QUERY PLAN " + sql, arguments).compactMap { $0["detail"].string }.joined(separator: "; ")
            }
        }
        for plan in plans {
            #expect(!plan.contains("TEMP B-TREE FOR ORDER BY"), "\(plan)")
            #expect(plan.contains("USING INDEX escalations_queue") || plan.contains("USING INDEX escalations_claim")
                    || plan.contains("USING COVERING INDEX escalations_claim") || plan.contains("USING COVERING INDEX escalations_queue"), "\(plan)")
        }
        // Listing pages walk the queue index (not escalations_claim, whose
        // order after a cursor would need a real sort).
        for plan in plans[0..<3] { #expect(plan.hasPrefix("SEARCH e USING INDEX escalations_queue"), "\(plan)") }
        #expect(plans[3].contains("escalations_claim"))
        #expect(plans[4].contains("escalations_queue"))
        #expect(plans[5].hasPrefix("SEARCH e USING INDEX escalations_claim (tenant_id=? AND status=? AND priority_rank=? AND language=?"), "\(plans[5])")
        await fixture.stop()
    }
}
