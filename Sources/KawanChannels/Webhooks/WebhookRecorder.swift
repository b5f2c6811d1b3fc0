import Foundation
import KawanConfig
import KawanStore

/// What storing one webhook did, for the response and the metrics.
public struct WebhookOutcome: Sendable, Equatable {
    /// Replies to put in the response (inline channels only), including the
    /// replies first made for a retried (duplicate) message.
    public var inlineReplies: [String] = []
    public var messagesStored = 0
    public var duplicates = 0
    /// Parts of a long SMS stored while the rest has not arrived.
    public var partsWaiting = 0
    public var statusesApplied = 0
    public var unhandledStored = 0
    /// Replies queued in the outbox for the sender.
    public var repliesQueued = 0

    public init() {}
}

/// Stores a verified webhook's events inside one write transaction:
/// contacts, conversations, the messages (deduplicated on the provider's
/// id), the conversation layer's replies (inline or queued in the outbox),
/// delivery statuses and unhandled events. Either all of it commits or
/// none, and the webhook is acknowledged only after the commit.
struct WebhookRecorder {
    /// How long a LINE reply token is used before falling back to the push
    /// API (LINE documents a short validity; see docs/channels.md).
    static let replyTokenLifetimeMilliseconds: Int64 = 50_000

    let tenant: TenantConfiguration
    let channel: ChannelConfiguration
    let inline: Bool
    let responder: any ConversationResponder
    let now: Int64
    /// `responder.prepare` results, by provider message id.
    var prepared: [String: any Sendable] = [:]

    func record(_ events: [InboundEvent], in connection: Connection) throws -> WebhookOutcome {
        var outcome = WebhookOutcome()
        for event in events {
            switch event {
            case .message(let message):
                try recordMessage(message, in: connection, into: &outcome)
            case .status(let status):
                if try applyStatus(status, in: connection) { outcome.statusesApplied += 1 }
            case .unhandled(let unhandled):
                let stored = try connection.queryValue("""
                    INSERT INTO webhook_events_raw (tenant_id, channel_id, provider_event_id, kind, payload, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant_id, channel_id, provider_event_id) DO NOTHING
                    RETURNING id
                    """, [.text(tenant.id), .text(channel.id), .text(unhandled.eventID), .text(unhandled.kind),
                          .blob(unhandled.payload), .integer(now)])
                if stored.isNull { outcome.duplicates += 1 } else { outcome.unhandledStored += 1 }
            }
        }
        return outcome
    }

    private func recordMessage(_ received: InboundMessageEvent, in connection: Connection,
                               into outcome: inout WebhookOutcome) throws {
        // A returning worker's contact and latest conversation in one statement.
        let known = try connection.queryRow("""
            SELECT contacts.id AS contact,
                   (SELECT conversations.id FROM conversations
                    WHERE conversations.tenant_id = contacts.tenant_id AND conversations.contact_id = contacts.id
                    ORDER BY conversations.id DESC LIMIT 1) AS conversation
            FROM contacts WHERE tenant_id = ? AND channel_id = ? AND address = ?
            """, [.text(tenant.id), .text(channel.id), .text(received.senderAddress)])
        let contact = try known?["contact"].int64
            ?? connection.ensureContact(tenantID: tenant.id, channelID: channel.id, address: received.senderAddress, now: now)
        var message = received
        var joinedParts: SMSConcatenation?
        // A part numbering that makes no sense is kept as an ordinary message.
        if let concatenation = received.concatenation, concatenation.total > 1, concatenation.total <= 255,
           (1...concatenation.total).contains(concatenation.part) {
            switch try storePart(received, concatenation, in: connection) {
            case .duplicate:
                outcome.duplicates += 1
                return
            case .waiting:
                outcome.partsWaiting += 1
                return
            case .complete(let text):
                message.text = text
                message.providerMessageID = "concat:\(concatenation.reference):\(received.senderAddress)"
                joinedParts = concatenation
            }
        }
        let conversation = try known?["conversation"].int64 ?? newConversation(contact: contact, in: connection)
        let insert = try connection.insertInboundMessage(InboundMessage(
            tenantID: tenant.id, channelID: channel.id, contactID: contact, conversationID: conversation,
            providerMessageID: message.providerMessageID, body: message.text, contentType: message.contentType.rawValue,
            mediaRef: message.mediaReference, language: nil, receivedAt: now))
        switch insert {
        case .duplicate(let existing):
            outcome.duplicates += 1
            if inline {
                outcome.inlineReplies += try connection.query("""
                    SELECT body FROM messages WHERE tenant_id = ? AND in_reply_to = ? AND direction = 'out' ORDER BY id
                    """, [.text(tenant.id), .integer(existing)]).compactMap { $0["body"].string }
            }
        case .inserted(let messageID):
            outcome.messagesStored += 1
            if let joinedParts {
                try connection.execute("""
                    UPDATE sms_parts SET joined_message_id = ?
                    WHERE tenant_id = ? AND channel_id = ? AND sender_address = ? AND reference = ?
                    """, [.integer(messageID), .text(tenant.id), .text(channel.id), .text(received.senderAddress),
                          .text(joinedParts.reference)])
            }
            // A joined long SMS was not prepared (its text did not exist yet).
            let context = InboundContext(tenant: tenant, channel: channel, contactID: contact, conversationID: conversation,
                                         messageID: messageID, event: message, receivedAt: now,
                                         prepared: joinedParts == nil ? prepared[message.providerMessageID] : nil)
            let response = try responder.respond(to: context, connection: connection)
            try connection.execute("""
                UPDATE conversations SET last_inbound_at = ?1, updated_at = ?1, language = COALESCE(?2, language),
                                         state = COALESCE(?3, state)
                WHERE tenant_id = ?4 AND id = ?5
                """, [.integer(now), SQLValue(response.language), SQLValue(response.state), .text(tenant.id),
                      .integer(conversation)])
            for text in response.replies {
                try storeReply(text, to: messageID, context: context, replyToken: message.replyToken, in: connection)
                if inline { outcome.inlineReplies.append(text) } else { outcome.repliesQueued += 1 }
            }
        }
    }

    private enum PartOutcome {
        case duplicate
        case waiting
        case complete(String)
    }

    /// Keeps one part of a long SMS; when every part is there, returns the
    /// joined text. Parts of a message that never completes stay in
    /// `sms_parts`.
    private func storePart(_ message: InboundMessageEvent, _ concatenation: SMSConcatenation,
                           in connection: Connection) throws -> PartOutcome {
        let stored = try connection.queryValue("""
            INSERT INTO sms_parts (tenant_id, channel_id, sender_address, reference, total, part, provider_message_id,
                                   body, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, channel_id, sender_address, reference, part) DO NOTHING
            RETURNING id
            """, [.text(tenant.id), .text(channel.id), .text(message.senderAddress), .text(concatenation.reference),
                  .integer(Int64(concatenation.total)), .integer(Int64(concatenation.part)),
                  .text(message.providerMessageID), .text(message.text ?? ""), .integer(now)])
        if stored.isNull { return .duplicate }
        let parts = try connection.query("""
            SELECT body FROM sms_parts
            WHERE tenant_id = ? AND channel_id = ? AND sender_address = ? AND reference = ? AND joined_message_id IS NULL
            ORDER BY part
            """, [.text(tenant.id), .text(channel.id), .text(message.senderAddress), .text(concatenation.reference)])
        guard parts.count >= concatenation.total else { return .waiting }
        return .complete(parts.compactMap { $0["body"].string }.joined())
    }

    /// A first conversation for a contact that has none (the lookup in
    /// `recordMessage` found no latest one).
    private func newConversation(contact: Int64, in connection: Connection) throws -> Int64 {
        let created = try connection.queryValue("""
            INSERT INTO conversations (tenant_id, contact_id, channel_id, created_at, updated_at, last_inbound_at)
            VALUES (?, ?, ?, ?, ?, ?) RETURNING id
            """, [.text(tenant.id), .integer(contact), .text(channel.id), .integer(now), .integer(now), .integer(now)])
        guard let id = created.int64 else { throw WebhookRecorderError.conversationNotCreated }
        return id
    }

    /// An outbound reply: already on its way inline in the response, or
    /// queued in the outbox for the sender.
    private func storeReply(_ text: String, to messageID: Int64, context: InboundContext, replyToken: String?,
                            in connection: Connection) throws {
        guard inline else {
            _ = try connection.enqueueReply(OutboundReply(
                tenantID: tenant.id, channelID: channel.id, conversationID: context.conversationID,
                contactID: context.contactID, text: text, inReplyTo: messageID, replyToken: replyToken,
                replyTokenExpiresAt: replyToken == nil ? nil : now + Self.replyTokenLifetimeMilliseconds), now: now)
            return
        }
        try connection.execute("""
            INSERT INTO messages (tenant_id, conversation_id, contact_id, channel_id, direction, body, content_type,
                                  delivery_status, author, in_reply_to, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'out', ?, 'text', 'sent', ?, ?, ?, ?)
            """, [.text(tenant.id), .integer(context.conversationID), .integer(context.contactID), .text(channel.id),
                  .text(text), .text(OutboundReply.automaticAuthor), .integer(messageID), .integer(now), .integer(now)])
    }

    /// Moves an outbound message's delivery status forward (queued < sent <
    /// delivered < read); `failed` applies unless it was already delivered
    /// or read. Returns whether a row changed.
    private func applyStatus(_ status: DeliveryStatusEvent, in connection: Connection) throws -> Bool {
        try connection.execute("""
            UPDATE messages SET delivery_status = ?1, error = COALESCE(?2, error), updated_at = ?3
            WHERE tenant_id = ?4 AND channel_id = ?5 AND direction = 'out' AND provider_message_id = ?6
              AND (CASE delivery_status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2
                                        WHEN 'read' THEN 3 ELSE 4 END)
                < (CASE ?1 WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3
                           ELSE (CASE WHEN delivery_status IN ('delivered', 'read') THEN 0 ELSE 4 END) END)
            """, [.text(status.status.rawValue), SQLValue(status.error), .integer(now), .text(tenant.id),
                  .text(channel.id), .text(status.providerMessageID)])
        return connection.changes > 0
    }
}

enum WebhookRecorderError: Error, Equatable {
    case conversationNotCreated
}
