import Foundation
public import KawanCore
public import KawanStore
import Synchronization

/// Sends the notifications queued in `alerts` to each tenant's
/// `alert_webhook` when an escalation becomes urgent: a JSON POST with the
/// tenant, escalation id, priority and language, never message text or a
/// contact. Retried like outbox sends (5xx, 429, timeouts; the same
/// backoff and attempt limit), failed at once on other 4xx.
public final class AlertSender: Sendable {
    let database: Database
    let transport: any ProviderTransport
    let settings: OutboxSettings
    let logger: Logger
    let sent: CounterFamily
    let failed: CounterFamily
    private let loop = WorkerLoop()

    public init(database: Database, transport: any ProviderTransport, settings: OutboxSettings = OutboxSettings(),
                metrics: MetricsRegistry, logger: Logger = Logger()) {
        self.database = database
        self.transport = transport
        self.settings = settings
        self.logger = logger
        sent = metrics.counter("kawan_alerts_sent_total", help: "Urgent-escalation alerts delivered, by tenant.",
                               labels: ["tenant"])
        failed = metrics.counter("kawan_alerts_failed_total", help: "Urgent-escalation alerts given up on, by tenant.",
                                 labels: ["tenant"])
    }

    public func start() { loop.start { await self.run() } }

    /// Wakes the loop after alerts were queued.
    public func notify() { loop.notify() }

    /// Waits for the alert being sent to be recorded.
    public func stop() async { await loop.stop() }

    struct DueAlert: Sendable {
        let id: Int64
        let tenantID: String
        let url: String
        let payload: String
        let attempts: Int
    }

    private func run() async {
        while !loop.isStopping {
            do {
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let due = try await database.read { connection in
                    try connection.query("""
                        SELECT id, tenant_id, url, payload, attempts FROM alerts
                        WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 16
                        """, [.integer(now)]).compactMap { row -> DueAlert? in
                        guard let id = row["id"].int64, let tenant = row["tenant_id"].string, let url = row["url"].string,
                              let payload = row["payload"].string else { return nil }
                        return DueAlert(id: id, tenantID: tenant, url: url, payload: payload, attempts: row["attempts"].int ?? 0)
                    }
                }
                for alert in due where !loop.isStopping { await deliver(alert) }
                if due.count == 16 { continue }
            } catch {
                logger.error("alerts.poll_failed", ["error": .error(error)])
            }
            await loop.sleep(timeout: settings.pollInterval)
        }
    }

    private func deliver(_ alert: DueAlert) async {
        let request = ProviderRequest(method: "POST", url: alert.url,
                                      headers: [.init("Content-Type", "application/json"), .init("User-Agent", "kawan")],
                                      body: Array(alert.payload.utf8))
        let attempts = alert.attempts + 1
        let outcome: (done: Bool, retry: Bool, error: String?)
        do {
            let response = try await transport.send(request)
            switch response.status {
            case 200..<300: outcome = (true, false, nil)
            case 429, 500..<600: outcome = (false, true, "http_\(response.status)")
            default: outcome = (false, false, "http_\(response.status)")
            }
        } catch {
            outcome = (false, error.isRetryable, error.kind)
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let giveUp = !outcome.done && (!outcome.retry || attempts >= settings.maximumAttempts)
        let state = outcome.done ? "done" : (giveUp ? "failed" : "pending")
        let next = now + Int64(settings.delay(afterAttempt: attempts, retryAfter: nil) * 1000)
        do {
            try await database.write { connection in
                try connection.execute("""
                    UPDATE alerts SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?
                    """, [.text(state), .integer(Int64(attempts)), .integer(next), SQLValue(outcome.error), .integer(alert.id)])
            }
        } catch {
            logger.error("alerts.record_failed", ["error": .error(error)])
            return
        }
        if outcome.done {
            sent.increment([alert.tenantID])
        } else if giveUp {
            failed.increment([alert.tenantID])
            logger.warning("alerts.failed", ["tenant": .identifier(alert.tenantID), "alert": .int(alert.id),
                                             "error": .identifier(outcome.error ?? "unknown")])
        }
    }
}
