import KawanStore
import Testing

@Suite struct DedupeTests {
    @Test func providerRetryIsRecognisedAsDuplicate() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            let contact = try await seedContact(database)
            let first = try await database.write { try $0.insertInboundMessage(inbound(contact, "SM123")) }
            let retry = try await database.write { try $0.insertInboundMessage(inbound(contact, "SM123")) }
            guard case .inserted(let id) = first else {
                Issue.record("first insert was \(first)")
                return
            }
            #expect(retry == .duplicate(id))
            #expect(try await count(database, "messages") == 1)
            await database.close()
        }
    }

    @Test func sameProviderIDOnAnotherChannelOrTenantIsNew() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            let contact = try await seedContact(database)
            let otherChannelContact = try await seedContact(database, channel: "line-1")
            let otherTenantContact = try await seedContact(database, tenant: "tenant-b")
            let outcomes = try await database.write { connection in
                [
                    try connection.insertInboundMessage(inbound(contact, "42")),
                    try connection.insertInboundMessage(inbound(otherChannelContact, "42", channel: "line-1")),
                    try connection.insertInboundMessage(inbound(otherTenantContact, "42", tenant: "tenant-b")),
                ]
            }
            #expect(outcomes.allSatisfy { if case .inserted = $0 { true } else { false } })
            #expect(try await count(database, "messages") == 3)
            await database.close()
        }
    }

    @Test func messageCannotPointAtAnotherTenantsContact() async throws {
        try await withTemporaryDirectory { directory in
            let database = try openDatabase(directory + "/kawan.db")
            let contact = try await seedContact(database, tenant: "tenant-a")
            let error = await #expect(throws: SQLiteError.self) {
                try await database.write { try $0.insertInboundMessage(inbound(contact, "x", tenant: "tenant-b")) }
            }
            #expect(error?.code == .constraint)
            #expect(error?.message.contains("FOREIGN KEY") == true)
            await database.close()
        }
    }
}
