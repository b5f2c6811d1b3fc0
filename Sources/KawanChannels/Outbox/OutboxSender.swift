import Foundation
public import KawanConfig
public import KawanCore
public import KawanStore
import Synchronization

/// Sends the outbox's due messages through each provider's API.
///
/// A loop claims due rows (`pending`, `next_attempt_at <= now`) by marking
/// them `sending` in a write transaction, sends each through the
/// transport, and records the outcome in one write: accepted → `done` and
/// the message `sent` with the provider's id; retryable (timeout, 429, 5xx)
/// → `pending` again after a backoff or the provider's `Retry-After`;
/// permanent (other 4xx), refused by a provider rule, or out of attempts →
/// `failed`, with the error on the message for the caseworker to see.
///
/// Delivery is at least once. A row is marked `done` only after the
/// provider answered; if the daemon dies between the provider accepting a
/// message and that write, `start()` puts the row back to `pending` and it
/// is sent again with the same idempotency key. LINE honours the key
/// (`X-Line-Retry-Key`), so its pushes are not duplicated; Twilio, Vonage,
/// WhatsApp, Messenger and Telegram take none, so on them the worker may
/// get that one message twice.
public final class OutboxSender: Sendable {
    private let database: Database
    private let transport: any ProviderTransport
    private let configuration: @Sendable () -> KawanConfiguration
    public let settings: OutboxSettings
    private let metrics: OutboxMetrics?
    private let logger: Logger
    private let loop = WorkerLoop()
    private let inFlight = Atomic<Int>(0)
    private let buckets = Mutex<[String: TokenBucket]>([:])

    /// `configuration` is asked for the current snapshot at every send, so
    /// a reload's new credentials, addresses and rate limits apply at once.
    public init(database: Database, transport: any ProviderTransport,
                configuration: @escaping @Sendable () -> KawanConfiguration, settings: OutboxSettings = OutboxSettings(),
                metrics: MetricsRegistry? = nil, logger: Logger = Logger()) {
        self.database = database
        self.transport = transport
        self.configuration = configuration
        self.settings = settings
        self.metrics = metrics.map(OutboxMetrics.init(registry:))
        self.logger = logger
    }

    /// Requeues rows a previous run left `sending`, then starts the loop.
    public func start() async throws {
        let requeued = try await database.write { try $0.requeueInterruptedSends(now: Self.milliseconds(Date())) }
        if requeued > 0 {
            logger.notice("outbox.requeued_interrupted", ["count": .int(requeued)])
        }
        loop.start { await self.run() }
    }

    /// Wakes the loop: call after committing new outbox rows.
    public func notify() { loop.notify() }

    /// Stops claiming rows and waits for the sends under way to finish
    /// and be recorded (bounded by the transport's timeout).
    public func stop() async { await loop.stop() }

    private func run() async {
        await withDiscardingTaskGroup { group in
            while !loop.isStopping {
                let capacity = settings.maximumConcurrentSends - inFlight.load(ordering: .acquiring)
                var wait = settings.pollInterval
                if capacity > 0 {
                    do {
                        let now = Self.milliseconds(Date())
                        let (claimed, backlog) = try await database.write { connection in
                            let claimed = try connection.claimDueSends(now: now, limit: capacity)
                            return (claimed, try connection.outboxBacklog())
                        }
                        metrics?.depth.set(Double(backlog.depth))
                        for send in claimed {
                            inFlight.add(1, ordering: .acquiringAndReleasing)
                            group.addTask {
                                await self.process(send)
                                self.inFlight.subtract(1, ordering: .acquiringAndReleasing)
                                self.loop.notify()
                            }
                        }
                        if claimed.count == capacity { continue }
                        if let due = backlog.nextDue {
                            let untilDue = Duration.milliseconds(max(0, due - Self.milliseconds(Date())))
                            wait = min(wait, untilDue)
                        }
                    } catch {
                        logger.error("outbox.claim_failed", ["error": .error(error)])
                    }
                }
                if wait > .zero { await loop.sleep(timeout: wait) }
            }
        }
    }

    /// What went wrong, as a short machine label for logs plus the full
    /// reason stored on the row.
    private struct Failure {
        var kind: String
        var reason: String
    }

    private func process(_ send: ClaimedSend) async {
        let log = logger.with(["tenant": .identifier(send.tenantID), "channel": .identifier(send.channelID),
                               "message_id": .int(send.messageID)])
        let labels = [send.tenantID, send.channelID]
        guard let channel = configuration().tenant(id: send.tenantID)?.channel(id: send.channelID) else {
            // Perhaps a reload removed it by mistake: retry, so a fixed
            // configuration still delivers, but within the attempt limit.
            await retryOrFail(send, Failure(kind: "channel_not_configured",
                                            reason: "channel \(send.channelID) is not in the configuration"),
                              retryAfter: nil, log: log, labels: labels)
            return
        }
        let outbound = OutboundChannels.make(for: channel)
        let message = OutboundMessage(
            messageID: send.messageID, tenantID: send.tenantID, channelID: send.channelID,
            recipientAddress: send.address, text: send.text, replyToken: send.replyToken,
            replyTokenExpiresAt: send.replyTokenExpiresAt.map(Self.date), lastInboundAt: send.lastInboundAt.map(Self.date),
            authoredByPerson: send.author != nil && send.author != OutboundReply.automaticAuthor,
            idempotencyKey: send.idempotencyKey)

        let request: ProviderRequest
        switch outbound.request(for: message, now: Date()) {
        case .failure(let refusal):
            await record(send, .failed(error: "refused: " + refusal.reason, countsAttempt: false), log: log)
            metrics?.failed.increment(labels)
            log.warning("outbox.refused", ["attempts": .int(send.attempts)])
            log.debug("outbox.refused_detail", ["reason": .sensitive(refusal.reason)])
            return
        case .success(let built):
            request = built
        }

        await pace(channel: channel, tenantID: send.tenantID)
        let outcome: SendOutcome
        var kind: String
        do {
            let response = try await transport.send(request)
            outcome = outbound.interpret(status: response.status, headers: response.headers, body: response.body)
            kind = "http_\(response.status)"
        } catch {
            outcome = error.isRetryable ? .retryable(reason: error.description, retryAfter: nil)
                : .permanent(reason: error.description)
            kind = error.kind
        }

        switch outcome {
        case .accepted(let providerMessageID):
            await record(send, .sent(providerMessageID: providerMessageID), log: log)
            log.info("outbox.sent", ["attempt": .int(send.attempts + 1)])
            metrics?.sent.increment(labels)
        case .retryable(let reason, let retryAfter):
            await retryOrFail(send, Failure(kind: kind, reason: reason), retryAfter: retryAfter, log: log, labels: labels)
        case .permanent(let reason):
            if message.replyToken != nil, request.url.hasSuffix("/reply") {
                // LINE refused the reply token (used, or expired early): push instead, at once.
                kind = "reply_token_refused"
                await record(send, .retry(error: reason, at: Self.milliseconds(Date()), dropReplyToken: true), log: log)
                metrics?.retried.increment(labels)
                log.warning("outbox.retry_scheduled", ["attempt": .int(send.attempts + 1), "kind": .identifier(kind),
                                                       "delay_seconds": .double(0)])
                return
            }
            await record(send, .failed(error: reason, countsAttempt: true), log: log)
            metrics?.failed.increment(labels)
            log.warning("outbox.failed", ["attempt": .int(send.attempts + 1), "kind": .identifier(kind)])
            log.debug("outbox.failed_detail", ["reason": .sensitive(reason)])
        }
    }

    private func retryOrFail(_ send: ClaimedSend, _ failure: Failure, retryAfter: Double?, log: Logger,
                             labels: [String]) async {
        let attempt = send.attempts + 1
        guard attempt < settings.maximumAttempts else {
            let reason = "gave up after \(attempt) attempts: " + failure.reason
            await record(send, .failed(error: reason, countsAttempt: true), log: log)
            metrics?.failed.increment(labels)
            log.warning("outbox.failed", ["attempt": .int(attempt), "kind": .identifier(failure.kind)])
            log.debug("outbox.failed_detail", ["reason": .sensitive(reason)])
            return
        }
        let delay = settings.delay(afterAttempt: attempt, retryAfter: retryAfter)
        let due = Self.milliseconds(Date()) + Int64((delay * 1000).rounded(.up))
        await record(send, .retry(error: failure.reason, at: due, dropReplyToken: false), log: log)
        metrics?.retried.increment(labels)
        log.warning("outbox.retry_scheduled", ["attempt": .int(attempt), "kind": .identifier(failure.kind),
                                               "delay_seconds": .double(delay)])
        log.debug("outbox.retry_detail", ["reason": .sensitive(failure.reason)])
    }

    private func record(_ send: ClaimedSend, _ resolution: SendResolution, log: Logger) async {
        do {
            let now = Self.milliseconds(Date())
            try await database.write { try $0.resolveSend(send, resolution, now: now) }
        } catch {
            // The row stays `sending`; the next start requeues it.
            log.error("outbox.record_failed", ["error": .error(error)])
        }
    }

    /// Waits for the channel's token bucket (`rate_limit_per_second`).
    private func pace(channel: ChannelConfiguration, tenantID: String) async {
        let rate = channel.rateLimitPerSecond ?? settings.defaultRateLimitPerSecond
        let key = tenantID + "/" + channel.id
        let bucket = buckets.withLock { buckets in
            if let existing = buckets[key], existing.rate == rate { return existing }
            let fresh = TokenBucket(rate: rate)
            buckets[key] = fresh
            return fresh
        }
        let delay = bucket.reserve()
        if delay > .zero { try? await Task.sleep(for: delay) }
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
