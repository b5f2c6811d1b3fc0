import Foundation
import KawanStore
import Testing

@Suite struct GroupCommitTests {
    @Test func concurrentWritersShareTransactions() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            let contact = try await seedContact(database)
            let before = database.statistics
            let writers = 200
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for index in 0..<writers {
                    group.addTask {
                        try await database.write { try $0.insertInboundMessage(inbound(contact, "p\(index)")).id }
                    }
                }
                return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
            }
            #expect(ids.count == writers)
            let stored = try await database.read { connection in
                Set(try connection.query("SELECT id FROM messages").compactMap { $0["id"].int64 })
            }
            #expect(stored == ids)
            let after = database.statistics
            let writes = after.writes - before.writes
            let transactions = after.transactions - before.transactions
            #expect(writes == writers)
            #expect(transactions < writes, "group commit used \(transactions) transactions for \(writes) writes")
            await database.close()
        }
    }

    struct Refused: Error, Equatable {}

    @Test func writerCacheIsSizedAsConfigured() async throws {
        try await withTemporaryDirectory { directory in
            let standard = try openDatabase(directory + "/a.db")
            #expect(try await standard.write { try $0.queryValue("PRAGMA cache_size").int64 } == -32 * 1024)
            await standard.close()
            let small = try openDatabase(directory + "/b.db", .init(writerCacheKibibytes: 512))
            #expect(try await small.write { try $0.queryValue("PRAGMA cache_size").int64 } == -512)
            await small.close()
        }
    }

    @Test func throwingBodyIsRolledBackAloneAndOthersCommit() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            let contact = try await seedContact(database)

            // Hold the writer so the next writes queue up and form one batch.
            let gate = Gate()
            let holder = Task { try await database.write { _ in gate.hold() } }
            try await gate.waitUntilHeld()
            let before = database.statistics

            let queued = Counter()
            async let results: [Result<Int64, any Error>] = withTaskGroup(of: Result<Int64, any Error>.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        queued.increment()
                        return await Result {
                            try await database.write { connection in
                                let id = try connection.insertInboundMessage(inbound(contact, "b\(index)")).id
                                // This body writes, then fails: its row must not survive.
                                if index == 4 { throw Refused() }
                                return id
                            }
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            while queued.value < 10 { try await Task.sleep(for: .milliseconds(10)) }
            // `write` enqueues synchronously once called; leave time for the last calls to get there.
            try await Task.sleep(for: .milliseconds(300))
            gate.release()
            try await holder.value
            let outcomes = await results

            let failures = outcomes.compactMap { outcome -> (any Error)? in
                if case .failure(let error) = outcome { return error } else { return nil }
            }
            #expect(failures.count == 1)
            #expect(failures.first is Refused)
            #expect(try await count(database, "messages") == 9)
            #expect(try await database.read {
                try $0.queryValue("SELECT count(*) FROM messages WHERE provider_message_id = 'b4'").int64
            } == 0)
            let after = database.statistics
            // The holder's transaction, then one for all ten queued bodies.
            #expect(after.transactions - before.transactions == 2)
            #expect(after.writes - before.writes == 10)
            #expect(after.failedWrites - before.failedWrites == 1)
            await database.close()
        }
    }

    @Test func readersAreNotBlockedByAWriteInProgress() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            _ = try await seedContact(database)
            let gate = Gate()
            let holder = Task {
                try await database.write { connection in
                    try connection.execute("UPDATE contacts SET language = 'tl'")
                    gate.hold()
                }
            }
            try await gate.waitUntilHeld()
            // The uncommitted update is invisible; the committed row is read at once.
            let language = try await database.read { try $0.queryValue("SELECT language FROM contacts") }
            #expect(language == .null)
            gate.release()
            try await holder.value
            #expect(try await database.read { try $0.queryValue("SELECT language FROM contacts") } == "tl")
            await database.close()
        }
    }

    @Test func closedDatabaseRefusesWork() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            await database.close()
            await #expect(throws: StoreError.closed) { try await database.write { _ in 1 } }
            await #expect(throws: StoreError.closed) { try await database.read { _ in 1 } }
            await #expect(throws: StoreError.closed) { try await database.checkWritable() }
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
