import Foundation
import KawanStore

/// Aggregates for a tenant's advocacy reports: escalations created in
/// `[from, to)` counted by priority, intent, language, channel, status and
/// outcome, and median times to first claim and to resolution. Counts
/// only: no message text, no contacts.
enum EscalationStats {
    static func compute(_ connection: Connection, tenantID: String, from: Int64, to: Int64) throws -> [String: Any] {
        let range: [SQLValue] = [.text(tenantID), .integer(from), .integer(to)]
        func counts(_ expression: String) throws -> [String: Any] {
            var result: [String: Any] = [:]
            for row in try connection.query("""
                SELECT \(expression) AS key, COUNT(*) AS n FROM escalations e
                JOIN conversations c ON c.tenant_id = e.tenant_id AND c.id = e.conversation_id
                WHERE e.tenant_id = ? AND e.created_at >= ? AND e.created_at < ? GROUP BY key
                """, range) {
                result[row["key"].string ?? "none"] = Int(row["n"].int64 ?? 0)
            }
            return result
        }
        let claimDelays = try connection.query("""
            SELECT (SELECT MIN(v.created_at) FROM escalation_events v
                    WHERE v.tenant_id = e.tenant_id AND v.escalation_id = e.id AND v.kind = 'claimed') - e.created_at AS delay
            FROM escalations e WHERE e.tenant_id = ? AND e.created_at >= ? AND e.created_at < ?
            """, range).compactMap { $0["delay"].int64 }
        let resolveDelays = try connection.query("""
            SELECT e.resolved_at - e.created_at AS delay FROM escalations e
            WHERE e.tenant_id = ? AND e.created_at >= ? AND e.created_at < ? AND e.status = 'resolved'
            """, range).compactMap { $0["delay"].int64 }
        let total = try connection.queryValue(
            "SELECT COUNT(*) FROM escalations WHERE tenant_id = ? AND created_at >= ? AND created_at < ?", range).int64 ?? 0
        return [
            "from": JSONOutput.time(from), "to": JSONOutput.time(to), "total": Int(total),
            "by_priority": try counts("e.priority"), "by_intent": try counts("COALESCE(e.intent, 'none')"),
            "by_language": try counts("COALESCE(e.language, 'unknown')"), "by_channel": try counts("c.channel_id"),
            "by_status": try counts("e.status"), "by_outcome": try counts("COALESCE(e.outcome, 'none')"),
            "median_seconds_to_claim": median(claimDelays), "median_seconds_to_resolve": median(resolveDelays),
        ]
    }

    /// The median in seconds (mean of the middle two for an even count), or null.
    static func median(_ milliseconds: [Int64]) -> Any {
        guard !milliseconds.isEmpty else { return NSNull() }
        let sorted = milliseconds.sorted()
        let middle = sorted.count / 2
        let value = sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
        return value / 1000
    }
}
