import Foundation
import KawanChannels
import KawanStore
import KawanTestSupport
import Testing

/// The pipeline through a real server and SQLite file, on Kawan's own
/// signed JSON channel (`demo/web`).
@Suite struct WebhookServiceTests {
    static func body(id: String = "m-1", text: String = "gaji saya belum dibayar 3 bulan") -> [UInt8] {
        Array(#"{"id":"\#(id)","from":"visitor-42","text":"\#(text)"}"#.utf8)
    }

    @Test func storesBeforeAcknowledgingAndRepliesInline() async throws {
        let fixture = try WebhookFixture()
        let body = Self.body()
        let response = try await fixture.post("/webhooks/demo/web", headers: WebhookFixture.signedJSONHeaders(body), body: body)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        let replies = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: [[String: String]]]
        #expect(replies?["replies"]?.first?["text"]?.contains("+81-00-0000-0119") == true)
        #expect(try await fixture.count("SELECT count(*) FROM messages WHERE direction = 'in' AND provider_message_id = 'm-1'") == 1)
        #expect(try await fixture.count("SELECT count(*) FROM messages WHERE direction = 'out' AND in_reply_to IS NOT NULL AND delivery_status = 'sent'") == 1)
        #expect(try await fixture.count("SELECT count(*) FROM contacts") == 1)
        #expect(try await fixture.count("SELECT count(*) FROM conversations WHERE last_inbound_at IS NOT NULL") == 1)
        #expect(try await fixture.count("SELECT count(*) FROM outbox") == 0)
        await fixture.stop()
    }

    /// The recorder writes what the responder decided about the conversation
    /// together with the message's arrival time; nil leaves a value as it was.
    @Test func conversationStateAndArrivalAreWrittenTogether() async throws {
        let fixture = try WebhookFixture(responder: ScriptedStateResponder(states: ["first", nil]))
        let first = Self.body(id: "s-1", text: "hello")
        #expect(try await fixture.post("/webhooks/demo/web", headers: WebhookFixture.signedJSONHeaders(first), body: first).status == 200)
        let arrived = try await fixture.value("SELECT last_inbound_at FROM conversations").int64 ?? 0
        #expect(try await fixture.value("SELECT state FROM conversations").string == "first")
        #expect(try await fixture.value("SELECT language FROM conversations").string == "tl")
        try await Task.sleep(for: .milliseconds(5))
        let second = Self.body(id: "s-2", text: "hello again")
        #expect(try await fixture.post("/webhooks/demo/web", headers: WebhookFixture.signedJSONHeaders(second), body: second).status == 200)
        #expect(try await fixture.count("SELECT count(*) FROM conversations") == 1)
        #expect(try await fixture.value("SELECT state FROM conversations").string == "first")
        #expect(try await fixture.value("SELECT last_inbound_at FROM conversations").int64 ?? 0 > arrived)
        #expect(try await fixture.value("SELECT updated_at = last_inbound_at FROM conversations").int64 == 1)
        await fixture.stop()
    }

    @Test func retriedDeliveryStoresNothingNewAndGetsTheSameReply() async throws {
        let counting = CountingResponder()
        let fixture = try WebhookFixture(responder: counting)
        let body = Self.body(id: "retry-1")
        let first = try await fixture.post("/webhooks/demo/web", headers: WebhookFixture.signedJSONHeaders(body), body: body)
        let second = try await fixture.post("/webhooks/demo/web", headers: WebhookFixture.signedJSONHeaders(body), body: body)
        #expect(first.status == 200 && second.status == 200)
        #expect(first.text == second.text)
        #expect(first.text.contains("reply 1"))
        #expect(counting.calls == 1)
        #expect(try await fixture.count("SELECT count(*) FROM messages") == 2)
        #expect(fixture.metrics.render().contains(#"kawan_webhook_events_total{tenant="demo",channel="web",kind="duplicate"} 1"#))
        await fixture.stop()
    }

    @Test(arguments: [
        ("bad signature", 403, "bad_signature"),
        ("missing signature", 403, "missing_signature"),
        ("stale timestamp", 403, "stale_timestamp"),
        ("malformed body", 400, "malformed"),
        ("missing field", 400, "malformed"),
        ("wrong content type", 400, "wrong_content_type"),
        ("invalid UTF-8", 400, "invalid_utf8"),
    ])
    func forgedOrBrokenInputChangesNothing(_ name: String, _ status: Int, _ reason: String) async throws {
        let fixture = try WebhookFixture()
        var body = Self.body(id: "x-1")
        var headers = WebhookFixture.signedJSONHeaders(body)
        switch name {
        case "bad signature": headers = WebhookFixture.signedJSONHeaders(body, secret: "wrong-secret")
        case "missing signature": headers = [("Content-Type", "application/json")]
        case "stale timestamp": headers = WebhookFixture.signedJSONHeaders(body, timestamp: Int(Date().timeIntervalSince1970) - 600)
        case "malformed body":
            body = Array("{\"id\": ".utf8)
            headers = WebhookFixture.signedJSONHeaders(body)
        case "missing field":
            body = Array(#"{"id":"x-1","text":"hi"}"#.utf8)
            headers = WebhookFixture.signedJSONHeaders(body)
        case "wrong content type":
            headers = WebhookFixture.signedJSONHeaders(body).map { $0.0 == "Content-Type" ? ($0.0, "text/plain") : $0 }
        case "invalid UTF-8":
            body = Array(#"{"id":"x-1","from":"v","text":""#.utf8) + [0xff, 0xfe] + Array(#""}"#.utf8)
            headers = WebhookFixture.signedJSONHeaders(body)
        default: Issue.record("unknown case")
        }
        let response = try await fixture.post("/webhooks/demo/web", headers: headers, body: body)
        #expect(response.status == status)
        #expect(try await fixture.count("SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM contacts) + (SELECT count(*) FROM webhook_events_raw)") == 0)
        #expect(fixture.metrics.render().contains(#"kawan_webhook_rejected_total{tenant="demo",channel="web",reason="\#(reason)"} 1"#))
        // The warning names the reason, never the body.
        let warning = fixture.logSink.lines.first { $0.contains("event=webhook.rejected") }
        #expect(warning?.contains("reason=\(reason)") == true)
        #expect(!fixture.logSink.lines.contains { $0.contains("gaji") || $0.contains("visitor-42") })
        await fixture.stop()
    }

    @Test func unknownTenantAndUnknownChannelAnswerTheSame404() async throws {
        let fixture = try WebhookFixture()
        let body = Self.body()
        let headers = WebhookFixture.signedJSONHeaders(body)
        let tenant = try await fixture.post("/webhooks/nobody/web", headers: headers, body: body)
        let channel = try await fixture.post("/webhooks/demo/nothing", headers: headers, body: body)
        #expect(tenant.status == 404 && channel.status == 404)
        #expect(tenant.text == channel.text)
        #expect(try await fixture.count("SELECT count(*) FROM messages") == 0)
        await fixture.stop()
    }

    @Test func handshakeOnAChannelWithoutOneIs405() async throws {
        let fixture = try WebhookFixture()
        let port = fixture.server.port
        let response = try await offPool { () -> RawHTTPClient.Response in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /webhooks/demo/web?hub.mode=subscribe HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse()
        }
        #expect(response.status == 405 && response.header("Allow") == "POST")
        await fixture.stop()
    }

    @Test func storeFailureAnswers503AndTheRetrySucceeds() async throws {
        let fixture = try WebhookFixture()
        // The database is "full": no page may be added (a disk-full stand-in;
        // tests run as root, so file permissions cannot refuse writes).
        try await fixture.database.write { connection in
            let pages = try connection.queryValue("PRAGMA page_count").int64 ?? 0
            try connection.execute("PRAGMA max_page_count = \(pages)")
        }
        // A long message needs new pages, which the cap refuses.
        let body = Self.body(id: "later-1", text: String(repeating: "tolong bantu saya ", count: 20_000))
        let refused = try await fixture.post("/webhooks/demo/web", headers: WebhookFixture.signedJSONHeaders(body), body: body)
        #expect(refused.status == 503)
        #expect(fixture.metrics.render().contains(#"kawan_webhook_store_failures_total{tenant="demo",channel="web"} 1"#))
        try await fixture.database.write { try $0.execute("PRAGMA max_page_count = 1073741823") }
        let retried = try await fixture.post("/webhooks/demo/web", headers: WebhookFixture.signedJSONHeaders(body), body: body)
        #expect(retried.status == 200)
        #expect(try await fixture.count("SELECT count(*) FROM messages WHERE provider_message_id = 'later-1'") == 1)
        await fixture.stop()
    }

    @Test func everyAcknowledgedWebhookIsAStoredRowUnderConcurrency() async throws {
        let fixture = try WebhookFixture()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let body = Self.body(id: "c-\(index)")
                    return try await fixture.post("/webhooks/demo/web", headers: WebhookFixture.signedJSONHeaders(body), body: body).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(try await fixture.count("SELECT count(*) FROM messages WHERE direction = 'in'") == 64)
        await fixture.stop()
    }
}

/// Numbers its replies and counts its calls, to prove a duplicate does not
/// reach the conversation layer again.
final class CountingResponder: ConversationResponder, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var calls: Int { lock.withLock { count } }

    func respond(to message: InboundContext, connection: Connection) throws -> ConversationResponse {
        let number = lock.withLock { () -> Int in
            count += 1
            return count
        }
        return ConversationResponse(replies: ["reply \(number)"])
    }
}

/// Returns the next scripted state (in Tagalog) for each message.
final class ScriptedStateResponder: ConversationResponder, @unchecked Sendable {
    private let lock = NSLock()
    private var states: [String?]

    init(states: [String?]) { self.states = states }

    func respond(to message: InboundContext, connection: Connection) throws -> ConversationResponse {
        let state = lock.withLock { states.isEmpty ? nil : states.removeFirst() }
        return ConversationResponse(replies: ["ok"], language: state == nil ? nil : "tl", state: state)
    }
}
