import Foundation
import KawanChannels
import KawanConfig
import KawanCore
import KawanCrypto
import KawanHTTP
import KawanStore
import KawanTestSupport

/// The webhook service on a live HTTP server with a real SQLite file and
/// the shipped demo configuration (public_base_url http://127.0.0.1:8080).
final class WebhookFixture: Sendable {
    let directory: String
    let database: Database
    let server: HTTPServer
    let metrics = MetricsRegistry()
    let logSink = MemoryLogSink()
    let configuration: KawanConfiguration

    static var configDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Config").path
    }

    init(responder: any ConversationResponder = AcknowledgementResponder(),
         inbound: @escaping WebhookService.InboundFactory = WebhookFixture.demoInbound) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-webhooks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        configuration = try ConfigurationLoader.load(directory: Self.configDirectory)
        database = try Database(path: directory + "/kawan.sqlite", logger: Logger(level: .warning, sink: logSink))
        let configuration = self.configuration
        let service = WebhookService(configuration: { configuration }, database: database, responder: responder,
                                     inbound: inbound, metrics: metrics, logger: Logger(level: .info, sink: logSink))
        var router = Router()
        service.register(on: &router)
        server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, ioThreads: 1),
                            router: router, logger: Logger(level: .warning, sink: logSink), metrics: metrics)
        try server.start()
    }

    static let demoInbound: WebhookService.InboundFactory = InboundChannels.make(for:)

    func post(_ path: String, headers: [(String, String)], body: [UInt8]) async throws -> RawHTTPClient.Response {
        let port = server.port
        return try await offPool {
            let client = try RawHTTPClient(port: port)
            var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            try client.send(Array((head + "\r\n").utf8) + body)
            return try client.readResponse()
        }
    }

    /// Headers signing `body` for the demo `web` channel.
    static func signedJSONHeaders(_ body: [UInt8], secret: String = "demo-web-json-secret-not-secret",
                                  timestamp: Int = Int(Date().timeIntervalSince1970)) -> [(String, String)] {
        let mac = Digest.hmac(.sha256, key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body)
        return [("Content-Type", "application/json"), ("X-Kawan-Timestamp", "\(timestamp)"),
                ("X-Kawan-Signature", "sha256=" + Hex.encode(mac))]
    }

    func count(_ sql: String) async throws -> Int {
        try await database.read { Int(try $0.queryValue(sql).int64 ?? -1) }
    }

    func value(_ sql: String) async throws -> SQLValue {
        try await database.read { try $0.queryValue(sql) }
    }

    func stop() async {
        await server.shutdown()
        await database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
