import Foundation
import KawanConfig
import KawanStore

/// An escalation as the engine sees it.
struct OpenEscalation: Equatable {
    let id: Int64
    let status: String
    let priority: EscalationPriority
}

/// Creates and raises escalations, appending each change to the audit
/// trail (`escalation_events`), inside the webhook's transaction.
struct EscalationWriter {
    let connection: Connection
    let tenantID: String
    let now: Int64

    /// The conversation's open or claimed escalation, if any.
    func current(conversationID: Int64) throws -> OpenEscalation? {
        guard let row = try connection.queryRow("""
            SELECT id, status, priority FROM escalations
            WHERE tenant_id = ? AND conversation_id = ? AND status IN ('open', 'claimed')
            ORDER BY id DESC LIMIT 1
            """, [.text(tenantID), .integer(conversationID)]),
              let id = row["id"].int64, let status = row["status"].string,
              let priority = row["priority"].string.flatMap(EscalationPriority.init(rawValue:)) else { return nil }
        return OpenEscalation(id: id, status: status, priority: priority)
    }

    /// A new open escalation and its `created` event.
    @discardableResult
    func create(conversationID: Int64, priority: EscalationPriority, reason: String, intent: String?,
                language: String) throws -> Int64 {
        let created = try connection.queryValue("""
            INSERT INTO escalations (tenant_id, conversation_id, priority, status, reason, intent, language, created_at, updated_at)
            VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?) RETURNING id
            """, [.text(tenantID), .integer(conversationID), .text(priority.rawValue), .text(reason), SQLValue(intent),
                  .text(language), .integer(now), .integer(now)])
        guard let id = created.int64 else { throw EngineError.escalationNotCreated }
        try appendEvent(escalationID: id, kind: "created", detail: "\(priority.rawValue) \(reason)")
        return id
    }

    /// Raises an escalation's priority (never lowers it) with a `raised` event.
    func raise(_ escalation: OpenEscalation, to priority: EscalationPriority, reason: String) throws {
        guard priority.rank > escalation.priority.rank else { return }
        try connection.execute("UPDATE escalations SET priority = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
                               [.text(priority.rawValue), .integer(now), .text(tenantID), .integer(escalation.id)])
        try appendEvent(escalationID: escalation.id, kind: "raised", detail: "\(escalation.priority.rawValue) -> \(priority.rawValue) \(reason)")
    }

    /// Queues a notification to the tenant's `alert_webhook`: tenant,
    /// escalation id, priority and language only (no text, no contact).
    func queueAlert(url: String, escalationID: Int64, priority: EscalationPriority, language: String) throws {
        let payload: [String: Any] = ["tenant": tenantID, "escalation_id": String(escalationID),
                                      "priority": priority.rawValue, "language": language,
                                      "created_at": Date(timeIntervalSince1970: Double(now) / 1000).ISO8601Format()]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
        try connection.execute("""
            INSERT INTO alerts (tenant_id, escalation_id, url, payload, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(tenantID), .integer(escalationID), .text(url), .text(json), .integer(now), .integer(now)])
    }

    func appendEvent(escalationID: Int64, kind: String, detail: String?) throws {
        try connection.execute("""
            INSERT INTO escalation_events (tenant_id, escalation_id, kind, actor, detail, created_at)
            VALUES (?, ?, ?, 'kawan', ?, ?)
            """, [.text(tenantID), .integer(escalationID), .text(kind), SQLValue(detail), .integer(now)])
    }
}

enum EngineError: Error, Equatable {
    case escalationNotCreated
    case missingAnswer(String)
}
