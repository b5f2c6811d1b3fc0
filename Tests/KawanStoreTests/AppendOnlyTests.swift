import KawanStore
import Testing

@Suite struct EscalationSchemaTests {
    /// Creates a conversation, an escalation and one event; returns the event id.
    func seedEscalation(_ database: Database, priority: String = "urgent", createdAt: Int64 = 1) async throws -> Int64 {
        let contact = try await seedContact(database)
        return try await database.write { connection in
            try connection.execute("""
                INSERT INTO conversations (tenant_id, contact_id, channel_id, created_at, updated_at)
                VALUES ('tenant-a', ?, 'sms-1', 1, 1)
                """, [.integer(contact)])
            let conversation = connection.lastInsertedRowID
            try connection.execute("""
                INSERT INTO escalations (tenant_id, conversation_id, priority, reason, created_at, updated_at)
                VALUES ('tenant-a', ?, ?, 'wage theft', ?, ?)
                """, [.integer(conversation), .text(priority), .integer(createdAt), .integer(createdAt)])
            let escalation = connection.lastInsertedRowID
            try connection.execute("""
                INSERT INTO escalation_events (tenant_id, escalation_id, kind, actor, created_at)
                VALUES ('tenant-a', ?, 'created', 'kawan', ?)
                """, [.integer(escalation), .integer(createdAt)])
            return connection.lastInsertedRowID
        }
    }

    @Test func escalationEventsAreAppendOnly() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            let event = try await seedEscalation(database)

            let update = await #expect(throws: SQLiteError.self) {
                try await database.write { try $0.execute("UPDATE escalation_events SET actor = 'mallory'") }
            }
            #expect(update?.code == .constraint)
            #expect(update?.message.contains("append-only") == true)

            let delete = await #expect(throws: SQLiteError.self) {
                try await database.write { try $0.execute("DELETE FROM escalation_events WHERE id = ?", [.integer(event)]) }
            }
            #expect(delete?.code == .constraint)
            #expect(try await database.read {
                try $0.queryValue("SELECT actor FROM escalation_events WHERE id = ?", [.integer(event)])
            } == "kawan")
            await database.close()
        }
    }

    @Test func queueIsOrderedByPriorityRankThroughTheIndex() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            _ = try await seedEscalation(database, priority: "normal", createdAt: 1)
            _ = try await seedEscalation(database, priority: "urgent", createdAt: 2)
            _ = try await seedEscalation(database, priority: "high", createdAt: 3)
            let queueSQL = """
                SELECT priority FROM escalations WHERE tenant_id = 'tenant-a' AND status = 'open'
                ORDER BY priority_rank, created_at
                """
            let (order, plan) = try await database.read { connection in
                (try connection.query(queueSQL).compactMap { $0["priority"].string },
                 try connection.query("EXPLAIN QUERY PLAN " + queueSQL).compactMap { $0["detail"].string })
            }
            #expect(order == ["urgent", "high", "normal"])
            #expect(plan.contains { $0.contains("escalations_queue") })
            #expect(!plan.contains { $0.contains("TEMP B-TREE") })

            let bad = await #expect(throws: SQLiteError.self) {
                try await database.write { try $0.execute("UPDATE escalations SET priority = 'whenever'") }
            }
            #expect(bad?.code == .constraint)
            await database.close()
        }
    }
}
