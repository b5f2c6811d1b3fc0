import KawanStore

/// Every query the API makes, bound to one tenant: each statement filters
/// on `tenant_id = ?` with the caller's tenant, so another tenant's rows
/// are never read or changed, and their ids look exactly like missing ones.
struct TenantEscalations {
    let connection: Connection
    let tenantID: String
    let now: Int64

    struct Filter {
        var status: String
        var priorityRank: Int64?
        var language: String?
        var after: QueueCursor?
        var limit: Int
    }

    /// A page in queue order, from the `escalations_queue` index.
    func list(_ filter: Filter) throws -> [EscalationRecord] {
        let (sql, arguments) = listQuery(filter)
        return try connection.query(sql, arguments).map(EscalationRecord.init(row:))
    }

    /// The listing statement; a test checks its plan reads the index in
    /// order (no sort).
    func listQuery(_ filter: Filter) -> (String, [SQLValue]) {
        // INDEXED BY: SQLite 3.40 otherwise may take escalations_claim for
        // a cursor page and sort what follows the cursor. With both a
        // priority and a language, escalations_claim holds exactly the
        // page's rows in order.
        let index = filter.priorityRank != nil && filter.language != nil ? "escalations_claim" : "escalations_queue"
        var sql = "SELECT \(EscalationRecord.columns) FROM escalations e INDEXED BY \(index) \(EscalationRecord.joins) "
            + "WHERE e.tenant_id = ? AND e.status = ?"
        var arguments: [SQLValue] = [.text(tenantID), .text(filter.status)]
        if let rank = filter.priorityRank {
            sql += " AND e.priority_rank = ?"
            arguments.append(.integer(rank))
        }
        if let language = filter.language {
            sql += " AND e.language = ?"
            arguments.append(.text(language))
        }
        if let after = filter.after {
            if let rank = filter.priorityRank {
                // One priority: compare within it, so the index's equality
                // prefix stays usable.
                if after.priorityRank == rank {
                    sql += " AND (e.created_at, e.id) > (?, ?)"
                    arguments += [.integer(after.createdAt), .integer(after.id)]
                } else if after.priorityRank > rank {
                    sql += " AND 0"
                }
            } else {
                sql += " AND (e.priority_rank, e.created_at, e.id) > (?, ?, ?)"
                arguments += [.integer(after.priorityRank), .integer(after.createdAt), .integer(after.id)]
            }
        }
        sql += " ORDER BY e.priority_rank, e.created_at, e.id LIMIT ?"
        arguments.append(.integer(Int64(filter.limit)))
        return (sql, arguments)
    }

    func find(_ id: Int64) throws -> EscalationRecord? {
        try connection.queryRow("SELECT \(EscalationRecord.columns) FROM escalations e \(EscalationRecord.joins) WHERE e.tenant_id = ? AND e.id = ?",
                                [.text(tenantID), .integer(id)]).map(EscalationRecord.init(row:))
    }

    /// The conversation's messages, oldest first (the latest `limit`).
    func messages(escalationID: Int64, limit: Int) throws -> [Row] {
        try connection.query("""
            SELECT * FROM (
                SELECT m.id, m.direction, m.body, m.content_type, m.language, m.intent, m.delivery_status, m.error, m.author, m.created_at
                FROM messages m JOIN escalations e ON e.tenant_id = m.tenant_id AND e.conversation_id = m.conversation_id
                WHERE e.tenant_id = ? AND e.id = ? ORDER BY m.created_at DESC, m.id DESC LIMIT ?
            ) ORDER BY created_at, id
            """, [.text(tenantID), .integer(escalationID), .integer(Int64(limit))])
    }

    func events(escalationID: Int64) throws -> [Row] {
        try connection.query("""
            SELECT id, kind, actor, detail, created_at FROM escalation_events
            WHERE tenant_id = ? AND escalation_id = ? ORDER BY id
            """, [.text(tenantID), .integer(escalationID)])
    }

    /// The state an action needs, with an expired lease already returned
    /// to the queue.
    struct State {
        let status: String
        let claimedBy: String?
        let conversationID: Int64
        let channelID: String
        let contactID: Int64
        let address: String
    }

    func state(_ id: Int64) throws -> State? {
        try expireLeases(escalationID: id)
        guard let row = try connection.queryRow("""
            SELECT e.status, e.claimed_by, e.conversation_id, c.channel_id, c.contact_id, k.address
            FROM escalations e \(EscalationRecord.joins) WHERE e.tenant_id = ? AND e.id = ?
            """, [.text(tenantID), .integer(id)]),
              let status = row["status"].string, let conversation = row["conversation_id"].int64,
              let channel = row["channel_id"].string, let contact = row["contact_id"].int64,
              let address = row["address"].string else { return nil }
        return State(status: status, claimedBy: row["claimed_by"].string, conversationID: conversation,
                     channelID: channel, contactID: contact, address: address)
    }

    /// Returns the tenant's escalations whose lease has run out (or just
    /// `escalationID`'s) to the queue, each with a `lease_expired` event
    /// naming the caseworker who held it. Returns how many.
    @discardableResult
    func expireLeases(escalationID: Int64? = nil) throws -> Int {
        var sql = """
            UPDATE escalations SET status = 'open', claimed_by = NULL, lease_expires_at = NULL, updated_at = ?
            WHERE tenant_id = ? AND status = 'claimed' AND lease_expires_at <= ?
            """
        var arguments: [SQLValue] = [.integer(now), .text(tenantID), .integer(now)]
        if let escalationID {
            sql += " AND id = ?"
            arguments.append(.integer(escalationID))
        }
        let expired = try connection.query(sql + " RETURNING id, claimed_by", arguments)
        // RETURNING gives the new row; the previous holder comes from the
        // latest claim event.
        for row in expired {
            guard let id = row["id"].int64 else { continue }
            let holder = try connection.queryValue("""
                SELECT actor FROM escalation_events WHERE tenant_id = ? AND escalation_id = ? AND kind = 'claimed'
                ORDER BY id DESC LIMIT 1
                """, [.text(tenantID), .integer(id)]).string
            try appendEvent(id, kind: "lease_expired", actor: "kawan", detail: holder.map { "lease of \($0) expired" })
        }
        return expired.count
    }

    /// The next escalation for a caseworker answering `languages`:
    /// the highest priority first; within it the oldest in one of their
    /// languages, else the oldest of any language.
    func nextOpen(languages: [String]) throws -> Int64? {
        for rank: Int64 in 0...2 {
            var best: (createdAt: Int64, id: Int64)?
            for language in languages {
                guard let row = try connection.queryRow(Self.oldestInLanguage, [.text(tenantID), .integer(rank), .text(language)]),
                      let id = row["id"].int64, let created = row["created_at"].int64 else { continue }
                if best.map({ (created, id) < ($0.createdAt, $0.id) }) ?? true { best = (created, id) }
            }
            if let best { return best.id }
            if let id = try connection.queryValue(Self.oldestOfPriority, [.text(tenantID), .integer(rank)]).int64 {
                return id
            }
        }
        return nil
    }

    static let oldestInLanguage = """
        SELECT id, created_at FROM escalations INDEXED BY escalations_claim
        WHERE tenant_id = ? AND status = 'open' AND priority_rank = ? AND language = ?
        ORDER BY created_at, id LIMIT 1
        """
    static let oldestOfPriority = """
        SELECT id FROM escalations INDEXED BY escalations_queue WHERE tenant_id = ? AND status = 'open' AND priority_rank = ?
        ORDER BY created_at, id LIMIT 1
        """

    func claim(_ id: Int64, by caseworker: String, until: Int64) throws {
        try connection.execute("""
            UPDATE escalations SET status = 'claimed', claimed_by = ?, lease_expires_at = ?, updated_at = ?
            WHERE tenant_id = ? AND id = ? AND status IN ('open', 'claimed')
            """, [.text(caseworker), .integer(until), .integer(now), .text(tenantID), .integer(id)])
    }

    /// Extends the claimant's lease (any action of theirs renews it).
    func renew(_ id: Int64, by caseworker: String, until: Int64) throws {
        try connection.execute("""
            UPDATE escalations SET lease_expires_at = ?, updated_at = ?
            WHERE tenant_id = ? AND id = ? AND status = 'claimed' AND claimed_by = ?
            """, [.integer(until), .integer(now), .text(tenantID), .integer(id), .text(caseworker)])
    }

    func release(_ id: Int64) throws {
        try connection.execute("""
            UPDATE escalations SET status = 'open', claimed_by = NULL, lease_expires_at = NULL, updated_at = ?
            WHERE tenant_id = ? AND id = ?
            """, [.integer(now), .text(tenantID), .integer(id)])
    }

    func resolve(_ id: Int64, by caseworker: String, outcome: String) throws {
        try connection.execute("""
            UPDATE escalations SET status = 'resolved', claimed_by = ?, lease_expires_at = NULL, outcome = ?,
                resolved_at = ?, updated_at = ?
            WHERE tenant_id = ? AND id = ?
            """, [.text(caseworker), .text(outcome), .integer(now), .integer(now), .text(tenantID), .integer(id)])
    }

    @discardableResult
    func appendEvent(_ id: Int64, kind: String, actor: String, detail: String?) throws -> Int64 {
        try connection.queryValue("""
            INSERT INTO escalation_events (tenant_id, escalation_id, kind, actor, detail, created_at)
            VALUES (?, ?, ?, ?, ?, ?) RETURNING id
            """, [.text(tenantID), .integer(id), .text(kind), .text(actor), SQLValue(detail), .integer(now)]).int64 ?? 0
    }

    func message(_ id: Int64) throws -> Row? {
        try connection.queryRow("""
            SELECT id, direction, body, content_type, language, intent, delivery_status, error, author, created_at
            FROM messages WHERE tenant_id = ? AND id = ?
            """, [.text(tenantID), .integer(id)])
    }
}

/// The wire form of message and event rows.
enum RowJSON {
    static func message(_ row: Row) -> [String: Any] {
        let direction = row["direction"].string ?? ""
        return [
            "id": String(row["id"].int64 ?? 0), "direction": direction, "text": JSONOutput.nullable(row["body"].string),
            "content_type": row["content_type"].string ?? "text", "language": JSONOutput.nullable(row["language"].string),
            "intent": JSONOutput.nullable(row["intent"].string), "delivery_status": row["delivery_status"].string ?? "",
            "error": JSONOutput.nullable(row["error"].string),
            "author": JSONOutput.nullable(direction == "out" ? (row["author"].string ?? "kawan") : nil),
            "created_at": JSONOutput.time(row["created_at"].int64 ?? 0),
        ]
    }

    static func event(_ row: Row) -> [String: Any] {
        [
            "id": String(row["id"].int64 ?? 0), "kind": row["kind"].string ?? "", "actor": JSONOutput.nullable(row["actor"].string),
            "detail": JSONOutput.nullable(row["detail"].string), "created_at": JSONOutput.time(row["created_at"].int64 ?? 0),
        ]
    }
}
