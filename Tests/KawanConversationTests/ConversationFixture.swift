import Foundation
import KawanChannels
import KawanConfig
import KawanConversation
import KawanCore
import KawanCrypto
import KawanHTTP
import KawanStore
import KawanTestSupport

/// A worker's side of a conversation with the real engine: a live server
/// with the webhook routes, a real SQLite file, the shipped demo tenant
/// (or an edited copy) and the shipped answers. Messages go in through the
/// demo's signed JSON channel (`web`), whose replies come back inline.
final class ConversationFixture: @unchecked Sendable {
    let directory: String
    let database: Database
    let server: HTTPServer
    let metrics = MetricsRegistry()
    /// What the webhook service logged (errors only), shown when a send fails.
    let serviceLogs = MemoryLogSink()
    let configuration: KawanConfiguration
    var clock: Date
    private let clockBox: ClockBox

    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var configDirectory: String { root.appendingPathComponent("Config").path }
    static var answersDirectory: String { root.appendingPathComponent("Localization/answers").path }

    static let catalog: AnswerCatalog = try! AnswerCatalog.load(directory: answersDirectory)

    /// - Parameters:
    ///   - editTenant: changes to the demo tenant file before loading.
    ///   - now: the engine's clock (office hours, flood windows).
    init(analyser: any MessageAnalyser, settings: EngineSettings = EngineSettings(),
         editTenant: (inout [String: Any]) -> Void = { _ in }, now: Date = ConversationFixture.mondayNoonTokyo) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-conversation-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/Config"
        try FileManager.default.copyItem(atPath: Self.configDirectory, toPath: config)
        let tenantPath = config + "/tenants/demo.json"
        var tenant = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tenantPath))) as! [String: Any]
        editTenant(&tenant)
        try JSONSerialization.data(withJSONObject: tenant, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: tenantPath))
        configuration = try ConfigurationLoader.load(directory: config)
        database = try Database(path: directory + "/kawan.sqlite", logger: Logger(level: .error, sink: MemoryLogSink()))
        clock = now
        clockBox = ClockBox(now)
        let engine = ConversationEngine(catalog: Self.catalog, analyser: analyser, settings: settings, metrics: metrics)
        let configuration = self.configuration
        let box = clockBox
        let service = WebhookService(configuration: { configuration }, database: database, responder: engine,
                                     inbound: InboundChannels.make(for:), metrics: metrics,
                                     logger: Logger(level: .error, sink: serviceLogs), clock: { box.now })
        var router = Router()
        service.register(on: &router)
        server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, ioThreads: 1),
                            router: router, logger: Logger(level: .error, sink: MemoryLogSink()), metrics: metrics)
        try server.start()
    }

    /// 12:00 on Monday 2026-11-23 in Tokyo (03:00 UTC): the demo office is open.
    static let mondayNoonTokyo = Date(timeIntervalSince1970: 1_795_402_800)
    /// 23:00 on Monday in Tokyo: closed.
    static let mondayNightTokyo = Date(timeIntervalSince1970: 1_795_442_400)

    func advance(seconds: Double) { clockBox.now = clockBox.now.addingTimeInterval(seconds) }

    private var sequence = 0

    /// Sends `text` from `from` on the JSON channel; returns the replies.
    func send(_ text: String, from: String = "worker-1") async throws -> [String] {
        sequence += 1
        let object: [String: Any] = ["id": "m-\(sequence)-\(UUID().uuidString)", "from": from, "text": text]
        let body = Array(try JSONSerialization.data(withJSONObject: object))
        let timestamp = Int(clockBox.now.timeIntervalSince1970)
        let secret = try String(contentsOfFile: configuration.directory + "/secrets/demo/web_secret", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let mac = Digest.hmac(.sha256, key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body)
        let port = server.port
        let response = try await offPool { () -> RawHTTPClient.Response in
            let client = try RawHTTPClient(port: port)
            var head = "POST /webhooks/demo/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            head += "X-Kawan-Timestamp: \(timestamp)\r\nX-Kawan-Signature: sha256=\(Hex.encode(mac))\r\nContent-Length: \(body.count)\r\n\r\n"
            try client.send(Array(head.utf8) + body)
            return try client.readResponse()
        }
        guard response.status == 200 else {
            throw FixtureError.status(response.status, response.text + serviceLogs.lines.joined(separator: "\n"))
        }
        let decoded = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: [[String: String]]]
        return decoded?["replies"]?.compactMap { $0["text"] } ?? []
    }

    /// The shipped answer (chat length, demo placeholders filled).
    func answer(_ key: String, _ language: String) -> String {
        let template = Self.catalog.packs[language]!.entries[key]!.chat
        var values = configuration.tenant(id: "demo")!.placeholders
        values["office_hours"] = configuration.tenant(id: "demo")!.officeHours.summary
        return AnswerCatalog.expand(template, values: values).components(separatedBy: "{next_opening}").first!
    }

    func escalations() async throws -> [Row] {
        try await database.read { try $0.query("SELECT priority, status, reason, intent, language FROM escalations ORDER BY id") }
    }

    func value(_ sql: String) async throws -> SQLValue { try await database.read { try $0.queryValue(sql) } }

    func stop() async {
        await server.shutdown()
        await database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    enum FixtureError: Error { case status(Int, String) }
}

final class ClockBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ value: Date) { self.value = value }
    var now: Date {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
