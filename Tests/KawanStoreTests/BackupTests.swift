import Foundation
import KawanStore
import KawanTestSupport
import Testing

@Suite struct BackupTests {
    @Test func onlineBackupWhileWritesContinue() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            let contact = try await seedContact(database)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<500 {
                    group.addTask { _ = try await database.write { try $0.insertInboundMessage(inbound(contact, "a\(index)")) } }
                }
                try await group.waitForAll()
            }

            let backupPath = directory + "/backup.db"
            // Keep writing while the backup runs.
            let writer = Task {
                var written = 0
                while !Task.isCancelled {
                    let message = inbound(contact, "b\(written)")
                    _ = try await database.write { try $0.insertInboundMessage(message) }
                    written += 1
                }
                return written
            }
            try await Task.sleep(for: .milliseconds(50))
            try await offPool { try database.backup(to: backupPath) }
            writer.cancel()
            let writtenDuring = try await writer.value
            #expect(writtenDuring > 0)
            #expect(!FileManager.default.fileExists(atPath: backupPath + ".partial"))

            let copy = try openDatabase(backupPath)
            let (rows, integrity) = try await copy.read { connection in
                (try connection.queryValue("SELECT count(*) FROM messages WHERE provider_message_id LIKE 'a%'").int64,
                 try connection.queryValue("PRAGMA integrity_check").string)
            }
            #expect(rows == 500)
            #expect(integrity == "ok")
            await copy.close()
            await database.close()
        }
    }
}
