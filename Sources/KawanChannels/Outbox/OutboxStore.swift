public import KawanStore

/// A reply to queue for sending through a provider's API.
public struct OutboundReply: Sendable, Equatable {
    public var tenantID: String
    public var channelID: String
    public var conversationID: Int64?
    public var contactID: Int64
    public var text: String
    /// `kawan` for automatic replies, else the caseworker's id (Messenger
    /// tags a caseworker's late reply `HUMAN_AGENT`).
    public var author: String
    /// The inbound message this answers.
    public var inReplyTo: Int64?
    /// LINE: the inbound event's reply token and until when it may be used
    /// (milliseconds since the epoch).
    public var replyToken: String?
    public var replyTokenExpiresAt: Int64?

    public init(tenantID: String, channelID: String, conversationID: Int64?, contactID: Int64, text: String,
                author: String = OutboundReply.automaticAuthor, inReplyTo: Int64? = nil, replyToken: String? = nil,
                replyTokenExpiresAt: Int64? = nil) {
        self.tenantID = tenantID
        self.channelID = channelID
        self.conversationID = conversationID
        self.contactID = contactID
        self.text = text
        self.author = author
        self.inReplyTo = inReplyTo
        self.replyToken = replyToken
        self.replyTokenExpiresAt = replyTokenExpiresAt
    }

    /// The `messages.author` of replies Kawan wrote itself.
    public static let automaticAuthor = "kawan"
}

/// The rows `enqueueReply` made.
public struct QueuedReply: Sendable, Equatable {
    public var messageID: Int64
    public var outboxID: Int64
    /// `<tenant>:<message id>`: stable across retries and restarts.
    public var idempotencyKey: String
}

public enum OutboxStoreError: Error, Equatable {
    case rowNotInserted(table: String)
}

extension Connection {
    /// Queues `reply`: an outbound `messages` row (`queued`) and its
    /// `outbox` row, due at `now`. Runs on the caller's connection, so
    /// inside the caller's write transaction: the reply is committed
    /// together with the inbound message it answers, or not at all. Wake
    /// the sender (`OutboxSender.notify()`) after the commit.
    public func enqueueReply(_ reply: OutboundReply, now: Int64) throws -> QueuedReply {
        let messageID = try queryValue("""
            INSERT INTO messages (tenant_id, conversation_id, contact_id, channel_id, direction, body, content_type,
                                  delivery_status, author, in_reply_to, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'out', ?, 'text', 'queued', ?, ?, ?, ?) RETURNING id
            """, [.text(reply.tenantID), SQLValue(reply.conversationID), .integer(reply.contactID),
                  .text(reply.channelID), .text(reply.text), .text(reply.author), SQLValue(reply.inReplyTo),
                  .integer(now), .integer(now)]).int64
        guard let messageID else { throw OutboxStoreError.rowNotInserted(table: "messages") }
        let key = "\(reply.tenantID):\(messageID)"
        let outboxID = try queryValue("""
            INSERT INTO outbox (tenant_id, message_id, channel_id, next_attempt_at, idempotency_key, reply_token,
                                reply_token_expires_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """, [.text(reply.tenantID), .integer(messageID), .text(reply.channelID), .integer(now), .text(key),
                  SQLValue(reply.replyToken), SQLValue(reply.replyTokenExpiresAt), .integer(now)]).int64
        guard let outboxID else { throw OutboxStoreError.rowNotInserted(table: "outbox") }
        return QueuedReply(messageID: messageID, outboxID: outboxID, idempotencyKey: key)
    }
}

/// An outbox row the sender has claimed (`state = 'sending'`), with what
/// it needs from `messages`, `contacts` and `conversations`.
struct ClaimedSend: Sendable {
    var outboxID: Int64
    var tenantID: String
    var channelID: String
    var messageID: Int64
    /// Provider requests made before this one.
    var attempts: Int
    var idempotencyKey: String
    var text: String
    var author: String?
    var address: String
    var lastInboundAt: Int64?
    var replyToken: String?
    var replyTokenExpiresAt: Int64?
}

/// What becomes of a claimed row.
enum SendResolution: Sendable {
    case sent(providerMessageID: String?)
    /// Back to `pending`, due at `at`; `dropReplyToken` makes the next try
    /// use the push path (LINE refused the reply token).
    case retry(error: String, at: Int64, dropReplyToken: Bool)
    case failed(error: String, countsAttempt: Bool)
}

extension Connection {
    /// Rows left `sending` by a daemon that stopped mid-send go back to
    /// `pending`, due now, with the same idempotency key.
    func requeueInterruptedSends(now: Int64) throws -> Int {
        try execute("UPDATE outbox SET state = 'pending', next_attempt_at = MIN(next_attempt_at, ?) WHERE state = 'sending'",
                    [.integer(now)])
        return changes
    }

    /// Marks up to `limit` due rows `sending` and returns them, oldest due first.
    func claimDueSends(now: Int64, limit: Int) throws -> [ClaimedSend] {
        let rows = try query("""
            SELECT o.id AS outbox_id, o.tenant_id, o.channel_id, o.message_id, o.attempts, o.idempotency_key,
                   o.reply_token, o.reply_token_expires_at, m.body, m.author, c.address, v.last_inbound_at
            FROM outbox o
            JOIN messages m ON m.tenant_id = o.tenant_id AND m.id = o.message_id
            JOIN contacts c ON c.tenant_id = m.tenant_id AND c.id = m.contact_id
            LEFT JOIN conversations v ON v.tenant_id = m.tenant_id AND v.id = m.conversation_id
            WHERE o.state = 'pending' AND o.next_attempt_at <= ?
            ORDER BY o.next_attempt_at, o.id
            LIMIT ?
            """, [.integer(now), .integer(Int64(limit))])
        var claimed: [ClaimedSend] = []
        for row in rows {
            guard let outboxID = row["outbox_id"].int64 else { continue }
            try execute("UPDATE outbox SET state = 'sending' WHERE id = ? AND state = 'pending'", [.integer(outboxID)])
            claimed.append(ClaimedSend(
                outboxID: outboxID, tenantID: row["tenant_id"].string ?? "", channelID: row["channel_id"].string ?? "",
                messageID: row["message_id"].int64 ?? 0, attempts: row["attempts"].int ?? 0,
                idempotencyKey: row["idempotency_key"].string ?? "", text: row["body"].string ?? "",
                author: row["author"].string, address: row["address"].string ?? "",
                lastInboundAt: row["last_inbound_at"].int64, replyToken: row["reply_token"].string,
                replyTokenExpiresAt: row["reply_token_expires_at"].int64))
        }
        return claimed
    }

    /// Rows waiting or being sent (`kawan_outbox_depth`), and when the next
    /// waiting row falls due.
    func outboxBacklog() throws -> (depth: Int, nextDue: Int64?) {
        let row = try queryRow("""
            SELECT (SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')) AS depth,
                   (SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending') AS next_due
            """)
        return (row?["depth"].int ?? 0, row?["next_due"].int64)
    }

    func resolveSend(_ send: ClaimedSend, _ resolution: SendResolution, now: Int64) throws {
        switch resolution {
        case .sent(let providerMessageID):
            try execute("UPDATE outbox SET state = 'done', attempts = attempts + 1, last_error = NULL WHERE id = ?",
                        [.integer(send.outboxID)])
            let update = """
                UPDATE messages
                SET delivery_status = CASE delivery_status WHEN 'queued' THEN 'sent' ELSE delivery_status END,
                    provider_message_id = COALESCE(?, provider_message_id), error = NULL, updated_at = ?
                WHERE tenant_id = ? AND id = ?
                """
            do {
                try execute(update, [SQLValue(providerMessageID), .integer(now), .text(send.tenantID),
                                     .integer(send.messageID)])
            } catch where error.code == .constraint {
                // Another row already holds this provider id (a provider
                // reusing ids): record the send without it rather than lose it.
                try execute(update, [.null, .integer(now), .text(send.tenantID), .integer(send.messageID)])
            }
        case .retry(let error, let at, let dropReplyToken):
            try execute("""
                UPDATE outbox SET state = 'pending', attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
                    reply_token = CASE WHEN ? THEN NULL ELSE reply_token END
                WHERE id = ?
                """, [.integer(at), .text(error), .integer(dropReplyToken ? 1 : 0), .integer(send.outboxID)])
        case .failed(let error, let countsAttempt):
            try execute("UPDATE outbox SET state = 'failed', attempts = attempts + ?, last_error = ? WHERE id = ?",
                        [.integer(countsAttempt ? 1 : 0), .text(error), .integer(send.outboxID)])
            try execute("""
                UPDATE messages SET delivery_status = 'failed', error = ?, updated_at = ? WHERE tenant_id = ? AND id = ?
                """, [.text(error), .integer(now), .text(send.tenantID), .integer(send.messageID)])
        }
    }
}
