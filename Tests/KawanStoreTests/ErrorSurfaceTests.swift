import Foundation
import KawanCore
import KawanStore
import Testing

/// A failing write must reach its caller as a thrown error, never as
/// silent success.
@Suite struct ErrorSurfaceTests {
    @Test func readOnlyDatabaseMakesWritesAndReadinessFail() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            let contact = try await seedContact(database)
            try await database.checkWritable()

            // Tests run as root, and chmod 0444 does not stop root from
            // writing, so a read-only file is simulated at the SQLite level:
            // `query_only` makes SQLite refuse every write on the writer
            // connection with SQLITE_READONLY, exactly as for a file it can
            // only read.
            try await database.write { try $0.execute("PRAGMA query_only = ON") }

            let writeError = await #expect(throws: SQLiteError.self) {
                try await database.write { try $0.insertInboundMessage(inbound(contact, "ro-1")) }
            }
            #expect(writeError?.code == .readOnly)
            #expect(String(describing: writeError!).contains("cannot be written"))

            let readinessError = await #expect(throws: SQLiteError.self) { try await database.checkWritable() }
            #expect(readinessError?.code == .readOnly)
            #expect(try await count(database, "messages") == 0)

            await database.close()
        }
    }

    @Test func fullDiskSurfacesAsSQLiteFull() async throws {
        try await withTemporaryDirectory { directory in
            let sink = MemoryLogSink()
            let database = try openDatabase(directory + "/kawan.db", sink: sink)
            let contact = try await seedContact(database)
            // Cap the file at its current size: the next page SQLite needs
            // fails exactly as a full disk does (SQLITE_FULL).
            let pages = try await database.write { connection in
                let pages = try connection.queryValue("PRAGMA page_count").int64 ?? 0
                try connection.execute("PRAGMA max_page_count = \(pages)")
                return pages
            }
            #expect(pages > 0)

            let secret = String(repeating: "Nomor paspor saya A1234567. ", count: 2_000)
            let error = await #expect(throws: SQLiteError.self) {
                try await database.write { try $0.insertInboundMessage(inbound(contact, "full-1", body: secret)) }
            }
            #expect(error?.code == .full)
            let description = error.map { String(describing: $0) } ?? ""
            #expect(description.contains("SQLITE_FULL"))
            #expect(description.contains("database or disk is full"))
            #expect(description.contains("free space"))
            #expect(!description.contains("A1234567"), "bound values must never appear in errors")
            #expect(!sink.lines.joined().contains("A1234567"), "bound values must never be logged")
            #expect(try await count(database, "messages") == 0)

            // The writer survives: with room again, writes succeed.
            try await database.write { try $0.execute("PRAGMA max_page_count = 1073741823") }
            _ = try await database.write { try $0.insertInboundMessage(inbound(contact, "full-1", body: secret)) }
            #expect(try await count(database, "messages") == 1)
            await database.close()
        }
    }

    @Test func lockHeldBeyondBusyTimeoutSurfacesAsBusy() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/kawan.db"
            let owner = try openDatabase(path)
            let other = try openDatabase(path, .init(busyTimeout: .milliseconds(100)))

            let gate = Gate()
            let holder = Task { try await owner.write { _ in gate.hold() } }
            try await gate.waitUntilHeld()

            let error = await #expect(throws: SQLiteError.self) {
                try await other.write { try $0.execute("INSERT INTO contacts (tenant_id, channel_id, address, created_at, updated_at) VALUES ('t', 'c', 'a', 1, 1)") }
            }
            #expect(error?.code == .busy)
            await #expect(throws: SQLiteError.self) { try await other.checkWritable() }

            gate.release()
            try await holder.value
            try await other.checkWritable()
            await other.close()
            await owner.close()
        }
    }

    @Test func constraintViolationNamesTheConstraintNotTheValues() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            let error = await #expect(throws: SQLiteError.self) {
                try await database.write {
                    try $0.execute("""
                        INSERT INTO contacts (tenant_id, channel_id, address, opted_out, created_at, updated_at)
                        VALUES (?, 'sms', ?, 7, 1, 1)
                        """, ["tenant-a", "+6281299999999"])
                }
            }
            #expect(error?.code == .constraint)
            #expect(error?.sql?.contains("INSERT INTO contacts") == true)
            #expect(!String(describing: error!).contains("+6281299999999"))
            #expect(error?.logSummary.contains("SQLITE_CONSTRAINT") == true)
            await database.close()
        }
    }
}
