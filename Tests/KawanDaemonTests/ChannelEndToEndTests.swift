import Foundation
import Glibc
import KawanCore
import KawanCrypto
import KawanHTTP
import KawanTestSupport
import Synchronization
import Testing

/// The real `kawan` binary with real providers' code on the other side:
/// a webhook signed by the official Twilio SDK, and a LINE reply delivered
/// through the outbox to a stand-in LINE API on loopback.
@Suite(.serialized) struct ChannelEndToEndTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: PythonEnvironment.interpreterPath), "\(PythonEnvironment.missingMessage)"))
    func twilioSDKSignedWebhookGetsTwiMLTheSDKAgreesWith() async throws {
        guard let python = await PythonEnvironment.interpreter(importing: ["twilio"]) else {
            print("SKIPPED: \(PythonEnvironment.missingMessage)")
            return
        }
        let work = DaemonTestEnvironment.workDirectory()
        let daemon = try DaemonProcess(arguments: ["serve", "--localization", DaemonTestEnvironment.localizationDirectory, "--config", DaemonTestEnvironment.configDirectory,
                                                   "--listen", "127.0.0.1:0", "--db", work + "/k.sqlite"])
        defer { daemon.terminate() }
        let port = try #require(await daemon.waitForPort())
        let token = try String(contentsOfFile: DaemonTestEnvironment.configDirectory + "/secrets/demo/twilio_auth_token",
                               encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        // The SDK signs the public URL (public_base_url of the demo is http://127.0.0.1:8080);
        // the request itself goes to the ephemeral port.
        let script = """
            import sys, urllib.parse, http.client, xml.etree.ElementTree as ET
            from twilio.request_validator import RequestValidator
            params = {"MessageSid": "SM" + "e" * 32, "AccountSid": "AC" + "0" * 32, "From": "+6281200000001",
                      "To": "+15005550006", "Body": "kinuha ni amo passport ko & ayaw ibalik", "NumMedia": "0"}
            signature = RequestValidator(sys.argv[1]).compute_signature("http://127.0.0.1:8080/webhooks/demo/sms", params)
            body = urllib.parse.urlencode(params)
            results = []
            for attempt in range(2):
                c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[2]), timeout=10)
                c.request("POST", "/webhooks/demo/sms", body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
                r = c.getresponse()
                text = r.read().decode()
                messages = [m.text for m in ET.fromstring(text).findall("Message")]
                results.append("%d|%s|%d" % (r.status, r.getheader("Content-Type"), len(messages)))
            c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[2]), timeout=10)
            c.request("POST", "/webhooks/demo/sms", body=body.replace("ayaw", "gusto"), headers={
                "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
            results.append(str(c.getresponse().status))
            print("\\n".join(results))
            """
        let result = try await ProcessRunner.run(python, ["-c", script, token, "\(port)"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines == ["200|text/xml; charset=utf-8|1", "200|text/xml; charset=utf-8|1", "403"])
    }

    @Test func aLINEReplyIsDeliveredThroughTheOutboxToTheProvider() async throws {
        // A stand-in LINE API on loopback that records what it receives.
        let recorder = RequestRecorder()
        var router = Router()
        router.add("POST", "/v2/bot/message/reply", .immediate { request in
            recorder.append(request)
            return .json(Array(#"{"sentMessages":[{"id":"461230966842064897","quoteToken":"q"}]}"#.utf8))
        })
        router.add("POST", "/v2/bot/message/push", .immediate { request in
            recorder.append(request)
            return .json(Array(#"{"sentMessages":[{"id":"461230966842064898","quoteToken":"q"}]}"#.utf8))
        })
        let standIn = try Self.startStandIn(router)
        defer { Task { await standIn.shutdown() } }

        let config = try DaemonTestEnvironment.copyOfConfig()
        let tenantPath = config + "/tenants/demo.json"
        var tenant = try String(contentsOfFile: tenantPath, encoding: .utf8)
        tenant = tenant.replacingOccurrences(of: "\"type\": \"line\",", with: "\"type\": \"line\", \"api_base_url\": \"http://127.0.0.1:\(standIn.port)\",")
        try tenant.write(toFile: tenantPath, atomically: true, encoding: .utf8)
        let work = DaemonTestEnvironment.workDirectory()
        let daemon = try DaemonProcess(arguments: ["serve", "--localization", DaemonTestEnvironment.localizationDirectory, "--config", config, "--listen", "127.0.0.1:0", "--db", work + "/k.sqlite"])
        defer { daemon.terminate() }
        let port = try #require(await daemon.waitForPort())

        let body = Array(#"{"destination":"Uffff","events":[{"type":"message","message":{"type":"text","id":"600000000000000001","text":"gaji saya belum dibayar"},"webhookEventId":"01JKAWANE2E0000000000000001","deliveryContext":{"isRedelivery":false},"timestamp":1795435200000,"source":{"type":"user","userId":"U1234567890abcdef1234567890abcdef"},"replyToken":"reply-token-e2e","mode":"active"}]}"#.utf8)
        let secret = try String(contentsOfFile: config + "/secrets/demo/line_channel_secret", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let signature = Data(Digest.hmac(.sha256, key: Array(secret.utf8), message: body)).base64EncodedString()
        let response = try await offPool { () -> RawHTTPClient.Response in
            let client = try RawHTTPClient(port: port)
            try client.send(Array("POST /webhooks/demo/line HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Line-Signature: \(signature)\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            return try client.readResponse()
        }
        #expect(response.status == 200)
        // The sender picks the reply up at once (woken by the commit) and uses the fresh reply token.
        let deadline = Date().addingTimeInterval(10)
        while recorder.count == 0 && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        let request = try #require(recorder.first)
        #expect(request.path == "/v2/bot/message/reply")
        #expect(request.headers["Authorization"]?.hasPrefix("Bearer ") == true)
        let sent = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(sent?["replyToken"] as? String == "reply-token-e2e")
        // The message row says it was sent, with LINE's id.
        try await Task.sleep(nanoseconds: 300_000_000)
        let check = try await ProcessRunner.run(ProcessRunner.which("python3")!, ["-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            print(c.execute("SELECT delivery_status, provider_message_id FROM messages WHERE direction = 'out'").fetchall())
            """, work + "/k.sqlite"])
        #expect(check.stdout.contains("('sent', '461230966842064897')"))
        daemon.send(signal: SIGTERM)
        #expect(await daemon.waitForExit(timeout: 30) == 0)
    }
}

extension ChannelEndToEndTests {
    @Test func anUrgentMessageNotifiesTheTenantsAlertWebhookWithoutItsText() async throws {
        let recorder = RequestRecorder()
        var router = Router()
        router.add("POST", "/alerts", .immediate { request in
            recorder.append(request)
            return .text("ok")
        })
        let standIn = try Self.startStandIn(router)
        defer { Task { await standIn.shutdown() } }
        let config = try DaemonTestEnvironment.copyOfConfig()
        let tenantPath = config + "/tenants/demo.json"
        var tenant = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tenantPath))) as! [String: Any]
        tenant["alert_webhook"] = "http://127.0.0.1:\(standIn.port)/alerts"
        try JSONSerialization.data(withJSONObject: tenant, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: tenantPath))
        let work = DaemonTestEnvironment.workDirectory()
        let daemon = try DaemonProcess(arguments: ["serve", "--localization", DaemonTestEnvironment.localizationDirectory,
                                                   "--config", config, "--listen", "127.0.0.1:0", "--db", work + "/k.sqlite"])
        defer { daemon.terminate() }
        let port = try #require(await daemon.waitForPort())
        let text = "majikan memukul saya setiap hari, saya takut"
        let body = Array(try JSONSerialization.data(withJSONObject: ["id": "urgent-1", "from": "+6281200000009", "text": text]))
        let secret = try String(contentsOfFile: config + "/secrets/demo/web_secret", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let timestamp = Int(Date().timeIntervalSince1970)
        let mac = Digest.hmac(.sha256, key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body)
        let response = try await offPool { () -> RawHTTPClient.Response in
            let client = try RawHTTPClient(port: port)
            try client.send(Array("POST /webhooks/demo/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Kawan-Timestamp: \(timestamp)\r\nX-Kawan-Signature: sha256=\(Hex.encode(mac))\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            return try client.readResponse()
        }
        #expect(response.status == 200)
        #expect(response.text.contains("+81-00-0000-0119"))
        let deadline = Date().addingTimeInterval(10)
        while recorder.count == 0 && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        let alert = try #require(recorder.first)
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(alert.body)) as? [String: String])
        #expect(payload["tenant"] == "demo" && payload["priority"] == "urgent" && payload["language"] == "id")
        #expect(payload["escalation_id"] != nil)
        let raw = String(decoding: alert.body, as: UTF8.self)
        #expect(!raw.contains("majikan") && !raw.contains("6281200000009"))
        daemon.send(signal: SIGTERM)
        #expect(await daemon.waitForExit(timeout: 30) == 0)
    }
}

/// Requests a stand-in provider received, in order.
final class RequestRecorder: Sendable {
    private let requests = Mutex<[HTTPRequest]>([])
    func append(_ request: HTTPRequest) { requests.withLock { $0.append(request) } }
    var count: Int { requests.withLock { $0.count } }
    var first: HTTPRequest? { requests.withLock { $0.first } }
}

extension ChannelEndToEndTests {
    /// A stand-in provider on a loopback port chosen by the system.
    static func startStandIn(_ router: Router) throws -> HTTPServer {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, ioThreads: 1),
                                router: router, logger: Logger(level: .error, sink: MemoryLogSink()), metrics: MetricsRegistry())
        try server.start()
        return server
    }
}
