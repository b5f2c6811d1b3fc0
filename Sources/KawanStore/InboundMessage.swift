/// A message a worker sent, as a channel adapter received it.
public struct InboundMessage: Sendable, Equatable {
    public var tenantID: String
    public var channelID: String
    public var contactID: Int64
    public var conversationID: Int64?
    /// The provider's id for the message; its webhook retries repeat it.
    public var providerMessageID: String
    public var body: String?
    /// `text`, `image`, `sticker`, `location`, `audio`, …
    public var contentType: String
    public var mediaRef: String?
    public var language: String?
    /// Milliseconds since the Unix epoch.
    public var receivedAt: Int64

    public init(tenantID: String, channelID: String, contactID: Int64, conversationID: Int64? = nil,
                providerMessageID: String, body: String?, contentType: String = "text", mediaRef: String? = nil,
                language: String? = nil, receivedAt: Int64) {
        self.tenantID = tenantID
        self.channelID = channelID
        self.contactID = contactID
        self.conversationID = conversationID
        self.providerMessageID = providerMessageID
        self.body = body
        self.contentType = contentType
        self.mediaRef = mediaRef
        self.language = language
        self.receivedAt = receivedAt
    }
}

/// Whether an inbound message was new or a provider's retry of one
/// already stored.
public enum InsertOutcome: Sendable, Equatable {
    case inserted(Int64)
    case duplicate(Int64)

    /// The row id, whichever way it went.
    public var id: Int64 {
        switch self {
        case .inserted(let id), .duplicate(let id): id
        }
    }
}

extension Connection {
    /// Stores an inbound message unless the same provider message id was
    /// already stored for this tenant and channel. Dedupe relies on the
    /// `UNIQUE (tenant_id, channel_id, direction, provider_message_id)`
    /// constraint, so it holds across processes and restarts.
    public func insertInboundMessage(_ message: InboundMessage) throws(SQLiteError) -> InsertOutcome {
        let inserted = try queryValue("""
            INSERT INTO messages (tenant_id, conversation_id, contact_id, channel_id, direction, body, content_type,
                                  media_ref, language, provider_message_id, delivery_status, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'in', ?, ?, ?, ?, ?, 'received', ?, ?)
            ON CONFLICT (tenant_id, channel_id, direction, provider_message_id) DO NOTHING
            RETURNING id
            """, [
                .text(message.tenantID), SQLValue(message.conversationID), .integer(message.contactID),
                .text(message.channelID), SQLValue(message.body), .text(message.contentType),
                SQLValue(message.mediaRef), SQLValue(message.language), .text(message.providerMessageID),
                .integer(message.receivedAt), .integer(message.receivedAt),
            ])
        if let id = inserted.int64 { return .inserted(id) }
        let existing = try queryValue("""
            SELECT id FROM messages
            WHERE tenant_id = ? AND channel_id = ? AND direction = 'in' AND provider_message_id = ?
            """, [.text(message.tenantID), .text(message.channelID), .text(message.providerMessageID)])
        guard let id = existing.int64 else {
            // Unreachable while the UNIQUE constraint exists: report, do not trap.
            throw SQLiteError(code: .error, extendedCode: 1,
                              message: "insert was skipped as a duplicate but no existing message was found",
                              sql: "SELECT id FROM messages WHERE … provider_message_id = ?")
        }
        return .duplicate(id)
    }

    /// The id of the contact with this provider address, created if new.
    /// `address` is personal data (a phone number or chat id): never log it.
    /// Looks first, since most messages come from known contacts.
    public func ensureContact(tenantID: String, channelID: String, address: String, language: String? = nil,
                              now: Int64) throws(SQLiteError) -> Int64 {
        let lookup = "SELECT id FROM contacts WHERE tenant_id = ? AND channel_id = ? AND address = ?"
        if let id = try queryValue(lookup, [.text(tenantID), .text(channelID), .text(address)]).int64 { return id }
        let inserted = try queryValue("""
            INSERT INTO contacts (tenant_id, channel_id, address, language, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            RETURNING id
            """, [.text(tenantID), .text(channelID), .text(address), SQLValue(language), .integer(now), .integer(now)])
        guard let id = inserted.int64 else {
            throw SQLiteError(code: .error, extendedCode: 1, message: "contact insert returned no id",
                              sql: "INSERT INTO contacts … RETURNING id")
        }
        return id
    }
}
