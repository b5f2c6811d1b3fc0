import Foundation
@testable import KawanChannels
import KawanConfig
import KawanCore
import KawanStore
import Testing

/// The storage rules behind every channel, on a real SQLite file: long SMS
/// joining, delivery statuses, unhandled events, queued replies.
@Suite struct WebhookRecorderTests {
    struct Setup {
        let database: Database
        let tenant: TenantConfiguration
        let directory: String

        func channel(_ id: String) -> ChannelConfiguration { tenant.channel(id: id)! }

        func record(_ events: [InboundEvent], channel: String, inline: Bool, now: Int64 = 1_800_000_000_000,
                    responder: any ConversationResponder = AcknowledgementResponder()) async throws -> WebhookOutcome {
            let recorder = WebhookRecorder(tenant: tenant, channel: self.channel(channel), inline: inline,
                                           responder: responder, now: now)
            return try await database.write { try recorder.record(events, in: $0) }
        }

        func rows(_ sql: String) async throws -> [Row] { try await database.read { try $0.query(sql) } }

        func close() async {
            await database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func setup() throws -> Setup {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-recorder-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configuration = try ConfigurationLoader.load(directory: WebhookFixture.configDirectory)
        return Setup(database: try Database(path: directory + "/k.sqlite", logger: Logger(level: .warning, sink: MemoryLogSink())),
                     tenant: configuration.tenant(id: "demo")!, directory: directory)
    }

    static func part(_ number: Int, of total: Int, _ text: String, reference: String = "ref-7") -> InboundEvent {
        .message(InboundMessageEvent(providerMessageID: "part-\(reference)-\(number)", senderAddress: "+6281200000001",
                                     text: text, concatenation: SMSConcatenation(reference: reference, total: total, part: number)))
    }

    @Test func longSMSPartsAreJoinedInOrderOnceAllArrived() async throws {
        let setup = try Self.setup()
        let counting = CountingResponder()
        var outcome = try await setup.record([Self.part(3, of: 3, "tiga bulan.")], channel: "vonage", inline: false, responder: counting)
        #expect(outcome.partsWaiting == 1 && outcome.messagesStored == 0)
        outcome = try await setup.record([Self.part(1, of: 3, "Gaji saya ")], channel: "vonage", inline: false, responder: counting)
        #expect(outcome.partsWaiting == 1)
        // A retried part is a duplicate, not a new part.
        outcome = try await setup.record([Self.part(1, of: 3, "Gaji saya ")], channel: "vonage", inline: false, responder: counting)
        #expect(outcome.duplicates == 1)
        #expect(counting.calls == 0)
        outcome = try await setup.record([Self.part(2, of: 3, "belum dibayar ")], channel: "vonage", inline: false, responder: counting)
        #expect(outcome.messagesStored == 1 && outcome.repliesQueued == 1)
        #expect(counting.calls == 1)
        let messages = try await setup.rows("SELECT body FROM messages WHERE direction = 'in'")
        #expect(messages.map { $0["body"].string } == ["Gaji saya belum dibayar tiga bulan."])
        let joined = try await setup.rows("SELECT count(*) AS n FROM sms_parts WHERE joined_message_id IS NOT NULL")
        #expect(joined.first?["n"].int64 == 3)
        await setup.close()
    }

    @Test func anIncompleteLongSMSIsKept() async throws {
        let setup = try Self.setup()
        _ = try await setup.record([Self.part(1, of: 2, "Paspor saya ", reference: "lost")], channel: "vonage", inline: false)
        let kept = try await setup.rows("SELECT body, joined_message_id FROM sms_parts WHERE reference = 'lost'")
        #expect(kept.count == 1 && kept[0]["body"].string == "Paspor saya " && kept[0]["joined_message_id"].isNull)
        #expect(try await setup.rows("SELECT id FROM messages").isEmpty)
        await setup.close()
    }

    @Test func repliesOnNonInlineChannelsAreQueuedWithTheReplyToken() async throws {
        let setup = try Self.setup()
        let event = InboundEvent.message(InboundMessageEvent(providerMessageID: "line-1", senderAddress: "U123", text: "halo",
                                                             replyToken: "reply-token-1"))
        let outcome = try await setup.record([event], channel: "line", inline: false, now: 1_800_000_000_000)
        #expect(outcome.inlineReplies.isEmpty && outcome.repliesQueued == 1)
        let outbox = try await setup.rows("""
            SELECT o.state, o.reply_token, o.reply_token_expires_at, o.next_attempt_at, o.idempotency_key, m.delivery_status, m.id
            FROM outbox o JOIN messages m ON m.id = o.message_id
            """)
        #expect(outbox.count == 1)
        #expect(outbox[0]["state"].string == "pending" && outbox[0]["delivery_status"].string == "queued")
        #expect(outbox[0]["reply_token"].string == "reply-token-1")
        #expect(outbox[0]["reply_token_expires_at"].int64 == 1_800_000_000_000 + WebhookRecorder.replyTokenLifetimeMilliseconds)
        #expect(outbox[0]["next_attempt_at"].int64 == 1_800_000_000_000)
        #expect(outbox[0]["idempotency_key"].string == "demo:\(outbox[0]["id"].int64!)")
        await setup.close()
    }

    @Test func deliveryStatusesOnlyMoveForward() async throws {
        let setup = try Self.setup()
        let event = InboundEvent.message(InboundMessageEvent(providerMessageID: "wa-in-1", senderAddress: "6281200000001", text: "halo"))
        _ = try await setup.record([event], channel: "whatsapp", inline: false)
        try await setup.database.write { try $0.execute("UPDATE messages SET provider_message_id = 'wamid.OUT', delivery_status = 'sent' WHERE direction = 'out'") }
        func status() async throws -> String? { try await setup.rows("SELECT delivery_status FROM messages WHERE direction = 'out'").first?["delivery_status"].string }
        var outcome = try await setup.record([.status(DeliveryStatusEvent(providerMessageID: "wamid.OUT", status: .read))], channel: "whatsapp", inline: false)
        var current = try await status()
        #expect(outcome.statusesApplied == 1 && current == "read")
        outcome = try await setup.record([.status(DeliveryStatusEvent(providerMessageID: "wamid.OUT", status: .delivered))], channel: "whatsapp", inline: false)
        current = try await status()
        #expect(outcome.statusesApplied == 0 && current == "read")
        outcome = try await setup.record([.status(DeliveryStatusEvent(providerMessageID: "wamid.OUT", status: .failed, error: "131047"))], channel: "whatsapp", inline: false)
        #expect(outcome.statusesApplied == 0)
        // A status for a message Kawan never sent changes nothing.
        outcome = try await setup.record([.status(DeliveryStatusEvent(providerMessageID: "wamid.UNKNOWN", status: .delivered))], channel: "whatsapp", inline: false)
        #expect(outcome.statusesApplied == 0)
        // On another message, failure is recorded with the provider's error.
        try await setup.database.write { try $0.execute("UPDATE messages SET delivery_status = 'sent' WHERE direction = 'out'") }
        outcome = try await setup.record([.status(DeliveryStatusEvent(providerMessageID: "wamid.OUT", status: .failed, error: "131047"))], channel: "whatsapp", inline: false)
        #expect(outcome.statusesApplied == 1)
        let row = try await setup.rows("SELECT delivery_status, error FROM messages WHERE direction = 'out'")[0]
        #expect(row["delivery_status"].string == "failed" && row["error"].string == "131047")
        await setup.close()
    }

    @Test func unhandledEventsAreStoredOnceEach() async throws {
        let setup = try Self.setup()
        let follow = InboundEvent.unhandled(UnhandledEvent(eventID: "01HFOLLOW", kind: "follow", payload: Array("{}".utf8)))
        let other = InboundEvent.unhandled(UnhandledEvent(eventID: "01HOTHER", kind: "unfollow", payload: Array("{}".utf8)))
        var outcome = try await setup.record([follow, other], channel: "line", inline: false)
        #expect(outcome.unhandledStored == 2)
        outcome = try await setup.record([follow], channel: "line", inline: false)
        #expect(outcome.unhandledStored == 0 && outcome.duplicates == 1)
        #expect(try await setup.rows("SELECT kind FROM webhook_events_raw ORDER BY id").map { $0["kind"].string } == ["follow", "unfollow"])
        await setup.close()
    }

    @Test func aBatchIsHandledEventByEventWithDedupe() async throws {
        let setup = try Self.setup()
        let a = InboundEvent.message(InboundMessageEvent(providerMessageID: "a", senderAddress: "U1", text: "satu"))
        let b = InboundEvent.message(InboundMessageEvent(providerMessageID: "b", senderAddress: "U2", text: "dua"))
        var outcome = try await setup.record([a], channel: "line", inline: false)
        outcome = try await setup.record([a, b], channel: "line", inline: false)
        #expect(outcome.messagesStored == 1 && outcome.duplicates == 1)
        #expect(try await setup.rows("SELECT id FROM contacts").count == 2)
        await setup.close()
    }

    @Test func nonTextContentIsStoredWithItsTypeAndMediaReference() async throws {
        let setup = try Self.setup()
        let image = InboundEvent.message(InboundMessageEvent(providerMessageID: "img-1", senderAddress: "U1", text: nil,
                                                             contentType: .image, mediaReference: "media-325708"))
        let counting = CountingResponder()
        _ = try await setup.record([image], channel: "line", inline: false, responder: counting)
        let row = try await setup.rows("SELECT content_type, media_ref, body FROM messages WHERE direction = 'in'")[0]
        #expect(row["content_type"].string == "image" && row["media_ref"].string == "media-325708" && row["body"].isNull)
        #expect(counting.calls == 1)
        await setup.close()
    }
}
