import Foundation
import KawanChannels
import KawanConfig
import KawanCore
import KawanStore
import Testing

/// A real SQLite file in a temporary directory, a configuration whose
/// channels point at a stand-in provider, and an outbox sender with short
/// timeouts and backoffs.
final class OutboxHarness: @unchecked Sendable {
    // @unchecked: `database`, `sender` and `transport` are replaced only by
    // `restart()`, which tests call from one task.
    let directory: String
    let provider: StandInProvider
    let configuration: KawanConfiguration
    let settings: OutboxSettings
    let transportConfiguration: CurlTransport.Configuration
    let metrics = MetricsRegistry()
    let logs = MemoryLogSink()
    var database: Database
    var transport: CurlTransport
    var sender: OutboxSender

    static let tenant = "demo"
    static let address = "+6281200000001"

    init(provider: StandInProvider, settings: OutboxSettings = OutboxHarness.fastSettings(),
         transport: CurlTransport.Configuration = .init(connectTimeout: .seconds(2), totalTimeout: .seconds(2), threads: 2),
         channelRate: Double? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-outbox-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.provider = provider
        self.settings = settings
        self.transportConfiguration = transport
        let base = provider.baseURL
        let channels = [
            ChannelConfiguration(id: "sms", settings: .twilio(TwilioSettings(
                accountSID: "AC123", authToken: Secret("twilio-token"), sender: .phoneNumber("+15005550006"))),
                apiBaseURL: base, rateLimitPerSecond: channelRate),
            ChannelConfiguration(id: "line", settings: .line(LineSettings(
                channelSecret: Secret("cs"), channelAccessToken: Secret("line-token"))), apiBaseURL: base),
            ChannelConfiguration(id: "whatsapp", settings: .whatsapp(WhatsAppSettings(
                appSecret: Secret("as"), verifyToken: Secret("vt"), accessToken: Secret("wa-token"), phoneNumberID: "1065"
            )), apiBaseURL: base),
        ]
        let tenant = TenantConfiguration(
            id: Self.tenant, name: "Demo", defaultLanguage: .indonesian, languages: [.indonesian],
            officeHours: OfficeHours(timeZone: TimeZone(identifier: "UTC")!, days: [:]), retentionDays: 30,
            alertWebhook: nil, escalateIntents: [:], claimLeaseMinutes: 30, channels: channels, caseworkers: [],
            placeholders: [:])
        configuration = KawanConfiguration(directory: directory, gateway: .defaults, tenants: [tenant])
        database = try Database(path: directory + "/kawan.sqlite", logger: Logger(level: .error, sink: logs))
        self.transport = CurlTransport(configuration: transport)
        sender = Self.makeSender(database: database, transport: self.transport, configuration: configuration,
                                 settings: settings, metrics: metrics, logs: logs)
    }

    static func fastSettings(maximumAttempts: Int = 8, baseDelay: Double = 0.05) -> OutboxSettings {
        OutboxSettings(maximumAttempts: maximumAttempts, baseDelay: baseDelay, multiplier: 2, maximumDelay: 5,
                       pollInterval: .milliseconds(50), maximumConcurrentSends: 16, defaultRateLimitPerSecond: 10_000)
    }

    private static func makeSender(database: Database, transport: CurlTransport, configuration: KawanConfiguration,
                                   settings: OutboxSettings, metrics: MetricsRegistry, logs: MemoryLogSink) -> OutboxSender {
        OutboxSender(database: database, transport: transport, configuration: { configuration }, settings: settings,
                     metrics: metrics, logger: Logger(level: .info, sink: logs))
    }

    /// Queues one reply on `channel`; the worker last wrote `lastInboundAgo` seconds ago.
    @discardableResult
    func enqueue(channel: String = "sms", text: String = "Petugas kami akan menelepon Anda.",
                 address: String = OutboxHarness.address, lastInboundAgo: Double = 60, replyToken: String? = nil,
                 replyTokenExpiresIn: Double? = nil) async throws -> QueuedReply {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let queued = try await database.write { connection in
            let contact = try connection.ensureContact(tenantID: Self.tenant, channelID: channel, address: address, now: now)
            let conversation = try connection.queryValue("""
                INSERT INTO conversations (tenant_id, contact_id, channel_id, created_at, updated_at, last_inbound_at)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id
                """, [.text(Self.tenant), .integer(contact), .text(channel), .integer(now), .integer(now),
                      .integer(now - Int64(lastInboundAgo * 1000))]).int64
            return try connection.enqueueReply(OutboundReply(
                tenantID: Self.tenant, channelID: channel, conversationID: conversation, contactID: contact, text: text,
                replyToken: replyToken, replyTokenExpiresAt: replyTokenExpiresIn.map { now + Int64($0 * 1000) }), now: now)
        }
        sender.notify()
        return queued
    }

    struct Snapshot: Sendable {
        var outboxState: String
        var attempts: Int
        var lastError: String?
        var deliveryStatus: String
        var providerMessageID: String?
        var error: String?
    }

    func snapshot(_ queued: QueuedReply) async throws -> Snapshot {
        try await database.read { connection in
            let row = try #require(try connection.queryRow("""
                SELECT o.state, o.attempts, o.last_error, m.delivery_status, m.provider_message_id, m.error
                FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.id = ?
                """, [.integer(queued.outboxID)]))
            return Snapshot(outboxState: row["state"].string ?? "", attempts: row["attempts"].int ?? -1,
                            lastError: row["last_error"].string, deliveryStatus: row["delivery_status"].string ?? "",
                            providerMessageID: row["provider_message_id"].string, error: row["error"].string)
        }
    }

    /// Polls until `condition` holds for the row, or fails after `timeout`.
    @discardableResult
    func waitFor(_ queued: QueuedReply, timeout: Duration = .seconds(15),
                 _ condition: @escaping (Snapshot) -> Bool) async throws -> Snapshot {
        let deadline = ContinuousClock.now + timeout
        while true {
            let current = try await snapshot(queued)
            if condition(current) { return current }
            if ContinuousClock.now > deadline {
                Issue.record("condition not reached in \(timeout); last state: \(current)")
                return current
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops the sender, closes the database, reopens it and starts a new
    /// sender and transport, as a daemon restart would.
    func restart() async throws {
        await sender.stop()
        await transport.shutdown()
        await database.close()
        database = try Database(path: directory + "/kawan.sqlite", logger: Logger(level: .error, sink: logs))
        transport = CurlTransport(configuration: transportConfiguration)
        sender = Self.makeSender(database: database, transport: transport, configuration: configuration,
                                 settings: settings, metrics: metrics, logs: logs)
        try await sender.start()
    }

    func shutdown() async {
        await sender.stop()
        await transport.shutdown()
        await database.close()
        await provider.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The counter once it reaches `expected`, or its value after `timeout`:
    /// the sender records a row's outcome first and counts and logs it just
    /// after, so a test that saw the row change polls for the rest.
    func counter(_ name: String, channel: String = "sms", reaching expected: Double,
                 timeout: Duration = .seconds(5)) async -> Double {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let value = counter(name, channel: channel)
            if value >= expected { return value }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return counter(name, channel: channel)
    }

    func counter(_ name: String, channel: String = "sms") -> Double {
        let rendered = metrics.render()
        let prefix = "\(name){tenant=\"\(Self.tenant)\",channel=\"\(channel)\"} "
        return rendered.split(separator: "\n").first { $0.hasPrefix(prefix) }
            .flatMap { Double($0.dropFirst(prefix.count)) } ?? 0
    }
}
