import Foundation
import KawanChannels
import KawanStore
import Testing

/// How fast the sender drains a backlog into a loopback provider (real
/// libcurl, real SQLite with `durability=full`): the figure quoted in the
/// report, with a floor far below it so the test only fails on a real regression.
@Suite("Outbox throughput")
struct OutboxThroughputTests {
    @Test func drainsABacklogQuickly() async throws {
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
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("outbox throughput: \(count) messages in \(String(format: "%.2f", seconds)) s = \(Int(Double(count) / seconds))/s")
        #expect(done == count)
        #expect(harness.provider.requests.count == count)
        #expect(Double(count) / seconds > 50)
        let state = try await harness.snapshot(last)
        #expect(state.deliveryStatus == "sent")
        await harness.shutdown()
    }
}
