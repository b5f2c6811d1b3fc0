import Foundation
import KawanStore

/// One escalation as the API shows it (the contact already masked).
struct EscalationRecord: Sendable {
    let id: Int64
    let status: String
    let priority: String
    let priorityRank: Int64
    let reason: String
    let intent: String?
    let language: String?
    let channel: String
    let maskedContact: String
    let createdAt: Int64
    let updatedAt: Int64
    let claimedBy: String?
    let leaseExpiresAt: Int64?
    let outcome: String?
    let resolvedAt: Int64?
    let messageCount: Int64
    let lastMessageAt: Int64?

    /// The columns `init(row:)` reads, for `FROM escalations e`.
    static let columns = """
        e.id, e.status, e.priority, e.priority_rank, e.reason, e.intent, e.language, e.claimed_by, e.lease_expires_at,
        e.outcome, e.created_at, e.updated_at, e.resolved_at, c.channel_id, k.address,
        (SELECT COUNT(*) FROM messages m WHERE m.tenant_id = e.tenant_id AND m.conversation_id = e.conversation_id) AS message_count,
        (SELECT MAX(m.created_at) FROM messages m WHERE m.tenant_id = e.tenant_id AND m.conversation_id = e.conversation_id) AS last_message_at
        """
    /// Joins that stay inside the escalation's tenant.
    static let joins = """
        JOIN conversations c ON c.tenant_id = e.tenant_id AND c.id = e.conversation_id
        JOIN contacts k ON k.tenant_id = c.tenant_id AND k.id = c.contact_id
        """

    init(row: Row) {
        id = row["id"].int64 ?? 0
        status = row["status"].string ?? ""
        priority = row["priority"].string ?? ""
        priorityRank = row["priority_rank"].int64 ?? 0
        reason = row["reason"].string ?? ""
        intent = row["intent"].string
        language = row["language"].string
        channel = row["channel_id"].string ?? ""
        maskedContact = ContactMask.mask(row["address"].string ?? "")
        createdAt = row["created_at"].int64 ?? 0
        updatedAt = row["updated_at"].int64 ?? 0
        claimedBy = row["claimed_by"].string
        leaseExpiresAt = row["lease_expires_at"].int64
        outcome = row["outcome"].string
        resolvedAt = row["resolved_at"].int64
        messageCount = row["message_count"].int64 ?? 0
        lastMessageAt = row["last_message_at"].int64
    }

    var cursor: QueueCursor { QueueCursor(priorityRank: priorityRank, createdAt: createdAt, id: id) }

    var json: [String: Any] {
        [
            "id": String(id), "status": status, "priority": priority, "reason": reason,
            "intent": JSONOutput.nullable(intent), "language": JSONOutput.nullable(language), "channel": channel,
            "contact": maskedContact, "created_at": JSONOutput.time(createdAt), "updated_at": JSONOutput.time(updatedAt),
            "claimed_by": JSONOutput.nullable(status == "claimed" ? claimedBy : nil),
            "claimed_until": status == "claimed" ? JSONOutput.time(leaseExpiresAt) : NSNull(),
            "outcome": JSONOutput.nullable(outcome), "resolved_at": JSONOutput.time(resolvedAt),
            "message_count": Int(messageCount), "last_message_at": JSONOutput.time(lastMessageAt),
        ]
    }
}
