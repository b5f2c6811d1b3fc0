import Foundation
import KawanStore
import Testing

@Suite struct MigrationTests {
    static let tables = ["contacts", "conversations", "messages", "escalations", "escalation_events", "outbox",
                         "webhook_events_raw", "sms_parts", "alerts"]

    @Test func migratesEmptyFileToTheCurrentVersionWithStrictTables() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            let (version, strictTables, journalMode) = try await database.read { connection in
                let version = try connection.queryValue("PRAGMA user_version").int64
                let strict = try connection.query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND strict = 1")
                    .compactMap { $0["name"].string }
                let mode = try connection.queryValue("PRAGMA journal_mode").string
                return (version, Set(strict), mode)
            }
            #expect(version == 6)
            #expect(Database.schemaVersion == 6)
            #expect(strictTables == Set(Self.tables))
            #expect(journalMode == "wal")
            await database.close()
        }
    }

    @Test func reopeningIsANoOp() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/kawan.db"
            let schemaQuery = "SELECT type, name, sql FROM sqlite_schema ORDER BY name"
            let first = try openDatabase(path)
            let contact = try await seedContact(first)
            let schemaBefore = try await first.read { try $0.query(schemaQuery) }
            await first.close()

            let second = try openDatabase(path)
            let schemaAfter = try await second.read { try $0.query(schemaQuery) }
            #expect(schemaAfter == schemaBefore)
            #expect(try await second.read { try $0.queryValue("PRAGMA user_version").int64 } == 6)
            #expect(try await second.read { try $0.queryValue("SELECT id FROM contacts").int64 } == contact)
            await second.close()
        }
    }

    @Test func refusesSchemaNewerThanTheBinary() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/kawan.db"
            let database = try openDatabase(path)
            try await database.write { try $0.execute("PRAGMA user_version = 7") }
            await database.close()

            let error = #expect(throws: StoreError.self) { try openDatabase(path) }
            #expect(error == .schemaTooNew(path: path, found: 7, supported: Database.schemaVersion))
            let message = String(describing: error!)
            #expect(message.contains(path))
            #expect(message.contains("schema version 7"))
            #expect(message.contains("up to \(Database.schemaVersion)"))
        }
    }
}
