import Foundation
import KawanChannels
import KawanStore
import Testing

/// The sender drains a backlog of a thousand replies into a loopback
/// provider (real libcurl, real SQLite with `durability=full`), each sent
/// exactly once. (Speed is not asserted here: benchmarks are not tests.)
@Suite("Outbox backlog")
struct OutboxBacklogTests {
    @Test func drainsABacklogExactlyOnce() async throws {
        let count = 1000
        let harness = try OutboxHarness(
            provider: try StandInProvider(),
            transport: .init(connectTimeout: .seconds(2), totalTimeout: .seconds(5), threads: 8))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let last = try await harness.database.write { connection -> QueuedReply in
            let contact = try connection.ensureContact(tenantID: OutboxHarness.tenant, channelID: "sms",
                                                       address: OutboxHarness.address, now: now)
            var last: QueuedReply?
            for index in 0..<count {
                last = try connection.enqueueReply(OutboundReply(
                    tenantID: OutboxHarness.tenant, channelID: "sms", conversationID: nil, contactID: contact,
                    text: "reply \(index)"), now: now)
            }
            return last!
        }
        let started = ContinuousClock.now
        try await harness.sender.start()
        let deadline = started + .seconds(60)
        var done = 0
        while ContinuousClock.now < deadline {
            done = try await harness.database.read { try $0.queryValue("SELECT count(*) FROM outbox WHERE state = 'done'").int ?? 0 }
            if done == count { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(done == count)
        #expect(harness.provider.requests.count == count)
        #expect(Set(harness.provider.requests.map(\.body)).count == count)
        let state = try await harness.snapshot(last)
        #expect(state.deliveryStatus == "sent")
        await harness.shutdown()
    }
}
