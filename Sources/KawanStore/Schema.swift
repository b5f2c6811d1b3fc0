import KawanCore

/// The schema as forward-only migrations. Version N is reached by applying
/// migrations 1…N in order; a released migration is never edited, only
/// followed by a new one. The version lives in `PRAGMA user_version`.
///
/// Conventions: every row carries `tenant_id`; child rows reference their
/// parent by `(tenant_id, id)` so a row can never point into another
/// tenant; times are INTEGER milliseconds since the Unix epoch (UTC);
/// tables are STRICT so a wrong type is an error, not a silent conversion.
enum Schema {
    struct Migration {
        let version: Int
        let sql: String
    }

    static var currentVersion: Int { migrations.last?.version ?? 0 }

    static let migrations: [Migration] = [
        Migration(version: 1, sql: """
            CREATE TABLE contacts (
                id INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                channel_id TEXT NOT NULL,
                address TEXT NOT NULL,
                language TEXT,
                opted_out INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (tenant_id, channel_id, address),
                UNIQUE (tenant_id, id)
            ) STRICT;

            CREATE TABLE conversations (
                id INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                contact_id INTEGER NOT NULL,
                channel_id TEXT NOT NULL,
                language TEXT,
                state TEXT NOT NULL DEFAULT '{}',
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                last_inbound_at INTEGER,
                UNIQUE (tenant_id, id),
                FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id)
            ) STRICT;
            CREATE INDEX conversations_by_contact ON conversations (tenant_id, contact_id);

            CREATE TABLE messages (
                id INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                conversation_id INTEGER,
                contact_id INTEGER NOT NULL,
                channel_id TEXT NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                body TEXT,
                content_type TEXT NOT NULL DEFAULT 'text',
                media_ref TEXT,
                language TEXT,
                intent TEXT,
                confidence REAL,
                provider_message_id TEXT,
                delivery_status TEXT NOT NULL
                    CHECK (delivery_status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed')),
                error TEXT,
                author TEXT CHECK (direction = 'out' OR author IS NULL),
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (tenant_id, channel_id, direction, provider_message_id),
                UNIQUE (tenant_id, id),
                FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id),
                FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id)
            ) STRICT;
            CREATE INDEX messages_by_conversation ON messages (tenant_id, conversation_id, created_at);
            CREATE INDEX messages_by_contact ON messages (tenant_id, contact_id, created_at);

            CREATE TABLE escalations (
                id INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                conversation_id INTEGER NOT NULL,
                priority TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal')),
                priority_rank INTEGER NOT NULL GENERATED ALWAYS AS
                    (CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END) VIRTUAL,
                status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'resolved')),
                reason TEXT NOT NULL,
                language TEXT,
                claimed_by TEXT CHECK (status <> 'claimed' OR claimed_by IS NOT NULL),
                lease_expires_at INTEGER,
                outcome TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                resolved_at INTEGER CHECK (status <> 'resolved' OR resolved_at IS NOT NULL),
                UNIQUE (tenant_id, id),
                FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id)
            ) STRICT;
            CREATE INDEX escalations_queue ON escalations (tenant_id, status, priority_rank, created_at);
            CREATE INDEX escalations_by_conversation ON escalations (tenant_id, conversation_id);

            CREATE TABLE escalation_events (
                id INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                escalation_id INTEGER NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('created', 'claimed', 'released', 'lease_expired', 'replied',
                                                   'noted', 'resolved', 'contact_revealed', 'raised')),
                actor TEXT,
                detail TEXT,
                created_at INTEGER NOT NULL,
                FOREIGN KEY (tenant_id, escalation_id) REFERENCES escalations (tenant_id, id)
            ) STRICT;
            CREATE INDEX escalation_events_by_escalation ON escalation_events (tenant_id, escalation_id, id);
            CREATE TRIGGER escalation_events_no_update BEFORE UPDATE ON escalation_events
            BEGIN
                SELECT RAISE(ABORT, 'escalation_events is append-only: UPDATE is not allowed');
            END;
            CREATE TRIGGER escalation_events_no_delete BEFORE DELETE ON escalation_events
            BEGIN
                SELECT RAISE(ABORT, 'escalation_events is append-only: DELETE is not allowed');
            END;

            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                message_id INTEGER NOT NULL,
                channel_id TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_error TEXT,
                idempotency_key TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done', 'failed')),
                created_at INTEGER NOT NULL,
                FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id)
            ) STRICT;
            CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
            CREATE INDEX outbox_by_message ON outbox (tenant_id, message_id);

            CREATE TABLE webhook_events_raw (
                id INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                channel_id TEXT NOT NULL,
                provider_event_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                payload BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                UNIQUE (tenant_id, channel_id, provider_event_id)
            ) STRICT;
            """),
        // Version 2: what the channels need. `in_reply_to` ties an outbound
        // reply to the inbound message it answers, so a provider's retried
        // webhook gets the same inline reply without a new one being made;
        // LINE reply tokens ride with the outbox row; long SMS parts wait in
        // `sms_parts` until the whole message has arrived.
        Migration(version: 2, sql: """
            ALTER TABLE messages ADD COLUMN in_reply_to INTEGER;
            CREATE INDEX messages_replies ON messages (tenant_id, in_reply_to) WHERE in_reply_to IS NOT NULL;
            ALTER TABLE outbox ADD COLUMN reply_token TEXT;
            ALTER TABLE outbox ADD COLUMN reply_token_expires_at INTEGER;

            CREATE TABLE sms_parts (
                id INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                channel_id TEXT NOT NULL,
                sender_address TEXT NOT NULL,
                reference TEXT NOT NULL,
                total INTEGER NOT NULL CHECK (total BETWEEN 1 AND 255),
                part INTEGER NOT NULL CHECK (part BETWEEN 1 AND total),
                provider_message_id TEXT NOT NULL,
                body TEXT NOT NULL,
                received_at INTEGER NOT NULL,
                joined_message_id INTEGER,
                UNIQUE (tenant_id, channel_id, sender_address, reference, part)
            ) STRICT;
            CREATE INDEX sms_parts_pending ON sms_parts (tenant_id, channel_id, sender_address, reference)
                WHERE joined_message_id IS NULL;
            """),
        // Version 3: the intent that led to an escalation (its `reason` says
        // why: the intent id, human_request, low_confidence or urgent_signal).
        Migration(version: 3, sql: """
            ALTER TABLE escalations ADD COLUMN intent TEXT;
            """),
        // Version 4: notifications to a tenant's `alert_webhook` when an
        // escalation becomes urgent, queued in the escalation's transaction
        // and sent (with retries) by the alert sender. The payload carries no
        // message text and no contact.
        Migration(version: 4, sql: """
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                escalation_id INTEGER NOT NULL,
                url TEXT NOT NULL,
                payload TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_error TEXT,
                created_at INTEGER NOT NULL,
                FOREIGN KEY (tenant_id, escalation_id) REFERENCES escalations (tenant_id, id)
            ) STRICT;
            CREATE INDEX alerts_due ON alerts (state, next_attempt_at);
            """),
        // Version 5: the caseworker API. `escalations_claim` answers
        // claim-next's "oldest open escalation of this priority in this
        // language" from the index; `escalations_leases` finds expired
        // leases without scanning (only claimed rows are in it).
        Migration(version: 5, sql: """
            CREATE INDEX escalations_claim ON escalations (tenant_id, status, priority_rank, language, created_at);
            CREATE INDEX escalations_leases ON escalations (lease_expires_at) WHERE status = 'claimed';
            """),
        // Version 6: loop detection looks at a conversation's latest
        // outbound messages in the flood window for every inbound message.
        // Through `messages_by_conversation` it read every message of the
        // window (inbound ones included) and sorted them, so a conversation
        // flooded by an auto-responder cost more with each message; this
        // index holds outbound rows only, newest first by time.
        Migration(version: 6, sql: """
            CREATE INDEX messages_outbound_recent ON messages (tenant_id, conversation_id, created_at)
                WHERE direction = 'out';
            """),
    ]

    /// Brings the file to `currentVersion` in one transaction, or refuses a
    /// file from a newer binary. Returns the version found before.
    static func migrate(_ connection: Connection, path: String, logger: Logger) throws -> Int {
        try connection.execute("BEGIN IMMEDIATE")
        do {
            // Read inside the write lock so two processes cannot both migrate.
            let found = Int(try connection.queryValue("PRAGMA user_version").int64 ?? 0)
            guard found <= currentVersion else {
                throw StoreError.schemaTooNew(path: path, found: found, supported: currentVersion)
            }
            for migration in migrations where migration.version > found {
                try connection.executeScript(migration.sql)
                try connection.execute("PRAGMA user_version = \(migration.version)")
            }
            try connection.execute("COMMIT")
            if found < currentVersion {
                logger.notice("store.migrated", ["from": .int(found), "to": .int(currentVersion)])
            }
            return found
        } catch {
            if connection.isInTransaction { try? connection.execute("ROLLBACK") }
            throw error
        }
    }
}
