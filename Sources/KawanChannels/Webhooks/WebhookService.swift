public import Foundation
public import KawanConfig
public import KawanCore
import KawanCrypto
public import KawanHTTP
public import KawanStore

/// The webhook endpoints: `POST /webhooks/{tenant}/{channel}` (messages
/// and events), `POST /webhooks/{tenant}/{channel}/status` (delivery
/// status callbacks) and `GET /webhooks/{tenant}/{channel}` (Meta's
/// verification handshake).
///
/// Every request is checked, parsed, and stored in one transaction before
/// it is acknowledged: a 2xx means the message and any reply are on disk;
/// a store failure answers 503 so the provider retries; forged or broken
/// input answers 403 or 400 and stores nothing.
public final class WebhookService: Sendable {
    public typealias InboundFactory = @Sendable (ChannelConfiguration) -> any InboundChannel

    let configuration: @Sendable () -> KawanConfiguration
    let database: Database
    let responder: any ConversationResponder
    let inbound: InboundFactory
    let metrics: WebhookMetrics
    let logger: Logger
    let repliesQueued: @Sendable () -> Void
    let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - configuration: the configuration snapshot to use for a request.
    ///   - repliesQueued: called after a commit that queued replies in the outbox (wakes the sender).
    public init(configuration: @escaping @Sendable () -> KawanConfiguration, database: Database,
                responder: any ConversationResponder, inbound: @escaping InboundFactory, metrics: MetricsRegistry,
                logger: Logger, repliesQueued: @escaping @Sendable () -> Void = {},
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.database = database
        self.responder = responder
        self.inbound = inbound
        self.metrics = WebhookMetrics(registry: metrics)
        self.logger = logger
        self.repliesQueued = repliesQueued
        self.clock = clock
    }

    /// Adds the webhook routes.
    public func register(on router: inout Router) {
        router.add("POST", "/webhooks/{tenant}/{channel}", .async { [self] in await receive($0) })
        router.add("POST", "/webhooks/{tenant}/{channel}/status", .async { [self] in await receive($0) })
        router.add("GET", "/webhooks/{tenant}/{channel}", .async { [self] in handshake($0) })
    }

    /// The tenant, channel and its handler, or nil (answered 404 without
    /// saying which part was unknown).
    private func resolve(_ request: HTTPRequest, _ snapshot: KawanConfiguration)
        -> (TenantConfiguration, ChannelConfiguration, any InboundChannel)? {
        guard let tenantID = request.pathParameters["tenant"], let channelID = request.pathParameters["channel"],
              let tenant = snapshot.tenant(id: tenantID), let channel = tenant.channel(id: channelID) else { return nil }
        return (tenant, channel, inbound(channel))
    }

    private func webhookRequest(_ request: HTTPRequest, _ snapshot: KawanConfiguration, now: Date) -> WebhookRequest {
        WebhookRequest(method: request.method, publicURL: snapshot.gateway.publicBaseURL + request.target,
                       headers: request.headers, body: request.body, query: request.query, receivedAt: now)
    }

    func receive(_ request: HTTPRequest) async -> HTTPResponse {
        let snapshot = configuration()
        guard let (tenant, channel, handler) = resolve(request, snapshot) else { return .error(.notFound) }
        let now = clock()
        let webhook = webhookRequest(request, snapshot, now: now)
        if case .failure(let failure) = handler.verify(webhook, now: now) {
            return reject(tenant, channel, reason: failure.reason, status: .forbidden)
        }
        let events: [InboundEvent]
        switch handler.parse(webhook) {
        case .success(let parsed):
            events = parsed
        case .failure(let error):
            guard handler.acknowledgesUnreadableEvents else {
                return reject(tenant, channel, reason: error.reason, status: .badRequest)
            }
            // Signed but unreadable, from a provider that disables webhooks
            // answering errors: keep the raw body, count it, acknowledge.
            metrics.rejected.increment([tenant.id, channel.id, error.reason])
            logger.warning("webhook.unreadable_acknowledged", ["tenant": .identifier(tenant.id),
                                                               "channel": .identifier(channel.id),
                                                               "reason": .identifier(error.reason)])
            events = [.unhandled(UnhandledEvent(eventID: "sha256:" + Hex.encode(Digest.sha256(request.body)),
                                                kind: "unreadable", payload: request.body))]
        }
        var recorder = WebhookRecorder(tenant: tenant, channel: channel, inline: handler.supportsInlineReplies,
                                       responder: responder, now: Int64(now.timeIntervalSince1970 * 1000))
        for case .message(let message) in events where message.concatenation == nil {
            if let prepared = responder.prepare(message) { recorder.prepared[message.providerMessageID] = prepared }
        }
        let finalRecorder = recorder
        let outcome: WebhookOutcome
        do {
            outcome = try await database.write { connection in try finalRecorder.record(events, in: connection) }
        } catch {
            metrics.storeFailures.increment([tenant.id, channel.id])
            logger.error("webhook.store_failed", ["tenant": .identifier(tenant.id), "channel": .identifier(channel.id),
                                                  "error": .error(error)])
            return .text("503 Service Unavailable: the message could not be stored; please retry\n",
                         status: .serviceUnavailable)
        }
        count(outcome, tenant, channel)
        if outcome.repliesQueued > 0 { repliesQueued() }
        return handler.acknowledgement(inlineReplies: outcome.inlineReplies)
    }

    /// Runs one message through exactly what a webhook does (storage, the
    /// conversation layer) with replies returned instead of sent: for
    /// `kawan simulate`. Nothing is queued in the outbox.
    public func simulate(_ message: InboundMessageEvent, tenantID: String, channelID: String) async throws -> [String] {
        let snapshot = configuration()
        guard let tenant = snapshot.tenant(id: tenantID), let channel = tenant.channel(id: channelID) else {
            throw SimulationError.unknownChannel
        }
        let recorder = WebhookRecorder(tenant: tenant, channel: channel, inline: true, responder: responder,
                                       now: Int64(clock().timeIntervalSince1970 * 1000))
        return try await database.write { connection in try recorder.record([.message(message)], in: connection) }.inlineReplies
    }

    public enum SimulationError: Error {
        case unknownChannel
    }

    func handshake(_ request: HTTPRequest) -> HTTPResponse {
        let snapshot = configuration()
        guard let (tenant, channel, handler) = resolve(request, snapshot) else { return .error(.notFound) }
        let now = clock()
        guard let result = handler.handshake(webhookRequest(request, snapshot, now: now)) else {
            var response = HTTPResponse.error(.methodNotAllowed)
            response.headers.add("Allow", "POST")
            return response
        }
        switch result {
        case .success(let response): return response
        case .failure(let failure): return reject(tenant, channel, reason: failure.reason, status: .forbidden)
        }
    }

    private func reject(_ tenant: TenantConfiguration, _ channel: ChannelConfiguration, reason: String,
                        status: HTTPStatus) -> HTTPResponse {
        metrics.rejected.increment([tenant.id, channel.id, reason])
        logger.warning("webhook.rejected", ["tenant": .identifier(tenant.id), "channel": .identifier(channel.id),
                                            "reason": .identifier(reason), "status": .int(status.code)])
        return .error(status)
    }

    private func count(_ outcome: WebhookOutcome, _ tenant: TenantConfiguration, _ channel: ChannelConfiguration) {
        let pairs: [(String, Int)] = [("message", outcome.messagesStored), ("duplicate", outcome.duplicates),
                                      ("part", outcome.partsWaiting), ("status", outcome.statusesApplied),
                                      ("unhandled", outcome.unhandledStored)]
        for (kind, value) in pairs where value > 0 {
            metrics.events.increment([tenant.id, channel.id, kind], by: Double(value))
        }
    }
}
