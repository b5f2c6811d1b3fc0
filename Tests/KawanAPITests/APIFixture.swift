import Foundation
import KawanAPI
import KawanChannels
import KawanConfig
import KawanCore
import KawanCrypto
import KawanHTTP
import KawanStore
import KawanTestSupport
import Synchronization

/// A live caseworker API: a real server on loopback, a real SQLite file,
/// the shipped demo tenant plus a copy named `other` (its own caseworkers
/// `olga` and `omar`), a movable clock, and a stand-in Telegram Bot API on
/// loopback that both tenants' `telegram` channels point at, reached by
/// the real `OutboxSender` and `CurlTransport`. The same stand-in takes
/// json-channel replies at `/widget/replies` (answering 503 to the first one
/// when `failFirstWidgetReply` is set).
final class APIFixture: @unchecked Sendable {
    static let ana = "kwn_demo_caseworker_ana_not_secret"
    static let budi = "kwn_demo_caseworker_budi_not_secret"
    static let olga = "kwn_other_caseworker_olga_test"
    static let omar = "kwn_other_caseworker_omar_test"

    let directory: String
    let database: Database
    let server: HTTPServer
    let telegram: HTTPServer
    let api: CaseworkerAPI
    let sender: OutboxSender
    let transport = CurlTransport()
    let metrics = MetricsRegistry()
    private let recorded = RequestRecorder()
    /// What the API and the sender read at every request; `reload()` swaps it.
    let current: ConfigurationBox
    let configDirectory: String
    private let clock = TestClock(APIFixture.start)

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// 12:00 on Monday 2026-11-23 in Tokyo.
    static let start: Int64 = 1_795_402_800_000

    init(leaseMinutes: Int = 30, maximumAuthenticationFailures: Int = 10) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-api-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        var telegramRouter = Router()
        let requests = recorded
        telegramRouter.add("POST", "/{bot}/sendMessage", .immediate { request in
            requests.bodies.withLock { $0.append(request.body) }
            return .json(Array(#"{"ok":true,"result":{"message_id":4242,"date":1795402800,"chat":{"id":1}}}"#.utf8))
        })
        telegramRouter.add("POST", "/widget/replies", .immediate { request in
            let attempt = requests.widget.withLock { calls in
                calls.append((headers: request.headers.fields, body: request.body))
                return calls.count
            }
            if attempt == 1 && requests.failFirstWidgetReply.load(ordering: .relaxed) {
                return HTTPResponse(status: .serviceUnavailable, body: Array(#"{"error":"busy"}"#.utf8))
            }
            return .json(Array(#"{"id":"widget-77"}"#.utf8))
        })
        telegram = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, ioThreads: 1),
                              router: telegramRouter, logger: Logger(level: .error, sink: MemoryLogSink()), metrics: MetricsRegistry())
        try telegram.start()

        let config = directory + "/Config"
        try FileManager.default.copyItem(atPath: Self.root.appendingPathComponent("Config").path, toPath: config)
        let demoPath = config + "/tenants/demo.json"
        var demo = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: demoPath))) as! [String: Any]
        demo["claim_lease_minutes"] = leaseMinutes
        var channels = demo["channels"] as! [[String: Any]]
        for index in channels.indices where channels[index]["id"] as? String == "telegram" {
            channels[index]["api_base_url"] = "http://127.0.0.1:\(telegram.port)"
        }
        demo["channels"] = channels
        try JSONSerialization.data(withJSONObject: demo, options: [.sortedKeys]).write(to: URL(fileURLWithPath: demoPath))
        var other = demo
        other["id"] = "other"
        other["name"] = "Other Hotline"
        other["caseworkers"] = [
            ["id": "olga", "name": "Olga", "languages": ["en", "id"], "token_sha256": CaseworkerToken.digestHex(of: Self.olga)],
            ["id": "omar", "name": "Omar", "languages": ["vi"], "token_sha256": CaseworkerToken.digestHex(of: Self.omar)],
        ]
        other.removeValue(forKey: "alert_webhook")
        try JSONSerialization.data(withJSONObject: other, options: [.sortedKeys])
            .write(to: URL(fileURLWithPath: config + "/tenants/other.json"))
        configDirectory = config
        let current = ConfigurationBox(try ConfigurationLoader.load(directory: config))
        self.current = current

        database = try Database(path: directory + "/kawan.sqlite", logger: Logger(level: .error, sink: MemoryLogSink()))
        let clock = self.clock
        sender = OutboxSender(database: database, transport: transport, configuration: { current.value.withLock { $0 } },
                              logger: Logger(level: .error, sink: MemoryLogSink()))
        let sender = self.sender
        api = CaseworkerAPI(configuration: { current.value.withLock { $0 } }, database: database, repliesQueued: { sender.notify() },
                            metrics: metrics, logger: Logger(level: .error, sink: MemoryLogSink()),
                            clock: { clock.value.load(ordering: .relaxed) }, leaseSweepInterval: .milliseconds(50),
                            maximumAuthenticationFailures: maximumAuthenticationFailures)
        var router = Router()
        api.register(on: &router)
        server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, ioThreads: 2),
                            router: router, logger: Logger(level: .error, sink: MemoryLogSink()), metrics: metrics)
        try server.start()
    }

    /// Edits a tenant file and loads the configuration again, as SIGHUP does.
    func reload(tenant: String, _ edit: (inout [String: Any]) -> Void) throws {
        let path = configDirectory + "/tenants/\(tenant).json"
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        edit(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        let loaded = try ConfigurationLoader.load(directory: configDirectory)
        current.value.withLock { $0 = loaded }
    }

    var now: Int64 { clock.value.load(ordering: .relaxed) }
    func advance(milliseconds: Int64) { clock.value.add(milliseconds, ordering: .relaxed) }

    /// The JSON bodies the stand-in Telegram API received.
    var telegramRequests: [[String: Any]] {
        recorded.bodies.withLock { $0 }.map { ((try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]) ?? [:] }
    }

    /// The requests the stand-in widget back end received at `/widget/replies`.
    var widgetRequests: [(headers: [(name: String, value: String)], body: [UInt8])] { recorded.widget.withLock { $0 } }
    func failFirstWidgetReply() { recorded.failFirstWidgetReply.store(true, ordering: .relaxed) }
    var standInPort: UInt16 { telegram.port }

    struct Response: Sendable {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// One request on its own connection. `body` is sent as JSON unless
    /// `contentType` says otherwise.
    func request(_ method: String, _ path: String, token: String? = APIFixture.ana, body: String? = nil,
                 contentType: String? = "application/json", port: UInt16? = nil) async throws -> Response {
        let port = port ?? server.port
        return try await offPool {
            let client = try RawHTTPClient(port: port)
            var head = "\(method) \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            let bytes = Array((body ?? "").utf8)
            if body != nil, let contentType { head += "Content-Type: \(contentType)\r\n" }
            head += "Content-Length: \(bytes.count)\r\n\r\n"
            try client.send(Array(head.utf8) + bytes)
            let response = try client.readResponse()
            return Response(status: response.status, headers: response.headers, body: response.body)
        }
    }

    // MARK: Seeding

    private let sequence = TestClock(0)

    /// An escalation with a conversation, contact and one inbound message.
    @discardableResult
    func seed(tenant: String = "demo", channel: String = "telegram", address: String? = nil, priority: String = "normal",
              language: String = "en", intent: String? = "wage_unpaid", createdAt: Int64? = nil,
              text: String = "my boss has not paid me") async throws -> Int64 {
        let n = Int(sequence.value.add(1, ordering: .relaxed).newValue)
        let address = address ?? "+6281234500\(String(format: "%03d", n))"
        let created = createdAt ?? (Self.start - 3_600_000 + Int64(n) * 1000)
        return try await database.write { connection in
            let contact = try connection.ensureContact(tenantID: tenant, channelID: channel, address: address, now: created)
            let conversation = try connection.queryValue("""
                INSERT INTO conversations (tenant_id, contact_id, channel_id, language, created_at, updated_at, last_inbound_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [.text(tenant), .integer(contact), .text(channel), .text(language), .integer(created), .integer(created),
                      .integer(created)]).int64!
            _ = try connection.insertInboundMessage(InboundMessage(
                tenantID: tenant, channelID: channel, contactID: contact, conversationID: conversation,
                providerMessageID: "p-\(n)", body: text, language: language, receivedAt: created))
            let id = try connection.queryValue("""
                INSERT INTO escalations (tenant_id, conversation_id, priority, status, reason, intent, language, created_at, updated_at)
                VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?) RETURNING id
                """, [.text(tenant), .integer(conversation), .text(priority), .text(intent ?? "human_request"), SQLValue(intent),
                      .text(language), .integer(created), .integer(created)]).int64!
            try connection.execute("""
                INSERT INTO escalation_events (tenant_id, escalation_id, kind, actor, detail, created_at)
                VALUES (?, ?, 'created', 'kawan', ?, ?)
                """, [.text(tenant), .integer(id), .text(priority), .integer(created)])
            return id
        }
    }

    func value(_ sql: String, _ arguments: [SQLValue] = []) async throws -> SQLValue {
        try await database.read { try $0.queryValue(sql, arguments) }
    }

    /// Everything the API can change, for before/after comparisons.
    func snapshot() async throws -> String {
        try await database.read { connection in
            let tables = ["escalations", "escalation_events", "messages", "outbox"]
            return try tables.map { table in
                try connection.query("SELECT * FROM \(table) ORDER BY id").map { row in
                    row.values.map { "\($0)" }.joined(separator: "|")
                }.joined(separator: "\n")
            }.joined(separator: "\n--\n")
        }
    }

    func stop() async {
        await api.stop()
        await server.shutdown()
        await sender.stop()
        await telegram.shutdown()
        await transport.shutdown()
        await database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

final class TestClock: Sendable {
    let value: Atomic<Int64>
    init(_ start: Int64) { value = Atomic(start) }
}

final class RequestRecorder: Sendable {
    let bodies = Mutex<[[UInt8]]>([])
    let widget = Mutex<[(headers: [(name: String, value: String)], body: [UInt8])]>([])
    let failFirstWidgetReply = Atomic<Bool>(false)
}

final class ConfigurationBox: Sendable {
    let value: Mutex<KawanConfiguration>
    init(_ configuration: KawanConfiguration) { value = Mutex(configuration) }
}
