import Foundation
import KawanChannels
import KawanCrypto
import KawanStore
import KawanTestSupport
import Testing

/// Every channel type through the whole pipeline (live server, real SQLite
/// file, the shipped demo configuration and its demo secrets), on the
/// providers' documented payloads: status, stored rows, inline reply.
@Suite struct ChannelPipelineTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let channel: String
        let status: Int
        /// Inbound message rows, outbox rows and raw events after the request.
        let inbound: Int
        let outbox: Int
        let raw: Int
        /// Text the response body must contain ("" for none).
        let responseContains: String
        let request: @Sendable () -> (headers: [(String, String)], body: [UInt8])
        var testDescription: String { "\(channel): \(name)" }
    }

    static func fixture(_ path: String) -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/" + path)
        return Array((try? Data(contentsOf: url)) ?? Data())
    }

    static func secret(_ name: String) -> [UInt8] {
        let path = WebhookFixture.configDirectory + "/secrets/demo/" + name
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
    }

    // Signers written from the providers' documentation, independent of the channel code.
    static func twilio(_ body: [UInt8], path: String = "/webhooks/demo/sms", token: [UInt8] = secret("twilio_auth_token")) -> (headers: [(String, String)], body: [UInt8]) {
        let pairs = String(decoding: body, as: UTF8.self).split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }.sorted { $0.0 < $1.0 }
        let signed = "http://127.0.0.1:8080" + path + pairs.map { $0.0 + $0.1 }.joined()
        let mac = Digest.hmac(.sha1, key: token, message: Array(signed.utf8))
        return ([("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", Data(mac).base64EncodedString())], body)
    }

    static func vonage(_ parameters: [(String, String)], timestamp: Int = Int(Date().timeIntervalSince1970),
                       key: [UInt8] = secret("vonage_signature_secret")) -> (headers: [(String, String)], body: [UInt8]) {
        let all = parameters + [("timestamp", "\(timestamp)"), ("nonce", UUID().uuidString)]
        let string = all.sorted { $0.0 < $1.0 }.map {
            "&\($0.0)=" + $0.1.replacingOccurrences(of: "&", with: "_").replacingOccurrences(of: "=", with: "_")
        }.joined()
        let sig = Hex.encode(Digest.hmac(.sha256, key: key, message: Array(string.utf8)))
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = (all + [("sig", sig)]).map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        return ([("Content-Type", "application/x-www-form-urlencoded")], Array(body.utf8))
    }

    static func line(_ body: [UInt8], key: [UInt8] = secret("line_channel_secret")) -> (headers: [(String, String)], body: [UInt8]) {
        let mac = Digest.hmac(.sha256, key: key, message: body)
        return ([("Content-Type", "application/json"), ("X-Line-Signature", Data(mac).base64EncodedString())], body)
    }

    static func meta(_ body: [UInt8], _ secretName: String) -> (headers: [(String, String)], body: [UInt8]) {
        let mac = Digest.hmac(.sha256, key: secret(secretName), message: body)
        return ([("Content-Type", "application/json"), ("X-Hub-Signature-256", "sha256=" + Hex.encode(mac))], body)
    }

    static func telegram(_ body: [UInt8], token: [UInt8] = secret("telegram_secret_token")) -> (headers: [(String, String)], body: [UInt8]) {
        ([("Content-Type", "application/json"), ("X-Telegram-Bot-Api-Secret-Token", String(decoding: token, as: UTF8.self))], body)
    }

    static let vonageText: [(String, String)] = [("msisdn", "6281200000002"), ("to", "15005550007"),
                                                  ("messageId", "0A00000000000001"), ("text", "Tolong, gaji saya belum dibayar"),
                                                  ("type", "text"), ("message-timestamp", "2026-11-23 12:00:00")]

    static let cases: [Case] = [
        Case(name: "text", channel: "sms", status: 200, inbound: 1, outbox: 0, raw: 0, responseContains: "<Message>") {
            twilio(fixture("twilio/inbound_text.txt")) },
        Case(name: "non-text (MMS)", channel: "sms", status: 200, inbound: 1, outbox: 0, raw: 0, responseContains: "<Response>") {
            twilio(fixture("twilio/inbound_mms_image.txt")) },
        Case(name: "status callback", channel: "sms", status: 200, inbound: 0, outbox: 0, raw: 0, responseContains: "<Response/>") {
            twilio(fixture("twilio/status_callback_delivered.txt")) },
        Case(name: "bad signature", channel: "sms", status: 403, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            twilio(fixture("twilio/inbound_text.txt"), token: Array("wrong".utf8)) },
        Case(name: "missing MessageSid", channel: "sms", status: 400, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            twilio(Array("From=%2B6281200000001&Body=halo".utf8)) },

        Case(name: "text", channel: "vonage", status: 204, inbound: 1, outbox: 1, raw: 0, responseContains: "") { vonage(vonageText) },
        Case(name: "stale timestamp", channel: "vonage", status: 403, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            vonage(vonageText, timestamp: Int(Date().timeIntervalSince1970) - 3600) },
        Case(name: "bad signature", channel: "vonage", status: 403, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            vonage(vonageText, key: Array("wrong".utf8)) },
        Case(name: "first part of a long SMS", channel: "vonage", status: 204, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            vonage(vonageText + [("concat", "true"), ("concat-ref", "77"), ("concat-total", "2"), ("concat-part", "1")]) },

        Case(name: "text", channel: "line", status: 200, inbound: 1, outbox: 1, raw: 0, responseContains: "") {
            line(fixture("line/webhook_text.json")) },
        Case(name: "batch", channel: "line", status: 200, inbound: 2, outbox: 2, raw: 0, responseContains: "") {
            line(fixture("line/webhook_batch_two_events.json")) },
        Case(name: "sticker", channel: "line", status: 200, inbound: 1, outbox: 1, raw: 0, responseContains: "") {
            line(fixture("line/webhook_sticker.json")) },
        Case(name: "unfollow (unhandled)", channel: "line", status: 200, inbound: 0, outbox: 0, raw: 1, responseContains: "") {
            line(fixture("line/webhook_unfollow.json")) },
        Case(name: "bad signature", channel: "line", status: 403, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            line(fixture("line/webhook_text.json"), key: Array("wrong".utf8)) },
        Case(name: "malformed body", channel: "line", status: 400, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            line(Array("{\"events\": [".utf8)) },

        Case(name: "text", channel: "whatsapp", status: 200, inbound: 1, outbox: 1, raw: 0, responseContains: "") {
            meta(fixture("whatsapp/webhook_text.json"), "whatsapp_app_secret") },
        Case(name: "batch of two", channel: "whatsapp", status: 200, inbound: 2, outbox: 2, raw: 0, responseContains: "") {
            meta(fixture("whatsapp/webhook_batch_two_messages.json"), "whatsapp_app_secret") },
        Case(name: "image", channel: "whatsapp", status: 200, inbound: 1, outbox: 1, raw: 0, responseContains: "") {
            meta(fixture("whatsapp/webhook_image.json"), "whatsapp_app_secret") },
        Case(name: "bad signature", channel: "whatsapp", status: 403, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            meta(fixture("whatsapp/webhook_text.json"), "messenger_app_secret") },
        Case(name: "signed but unreadable: 200, kept raw", channel: "whatsapp", status: 200, inbound: 0, outbox: 0, raw: 1, responseContains: "") {
            meta(Array("{\"entry\": 5".utf8), "whatsapp_app_secret") },

        Case(name: "text", channel: "messenger", status: 200, inbound: 1, outbox: 1, raw: 0, responseContains: "") {
            meta(fixture("messenger/webhook_text.json"), "messenger_app_secret") },
        Case(name: "batch", channel: "messenger", status: 200, inbound: 2, outbox: 2, raw: 0, responseContains: "") {
            meta(fixture("messenger/webhook_batch_two_events.json"), "messenger_app_secret") },
        Case(name: "echo (unhandled)", channel: "messenger", status: 200, inbound: 0, outbox: 0, raw: 1, responseContains: "") {
            meta(fixture("messenger/webhook_echo.json"), "messenger_app_secret") },
        Case(name: "bad signature", channel: "messenger", status: 403, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            meta(fixture("messenger/webhook_text.json"), "whatsapp_app_secret") },

        Case(name: "text", channel: "telegram", status: 200, inbound: 1, outbox: 1, raw: 0, responseContains: "") {
            telegram(fixture("telegram/update_text.json")) },
        Case(name: "photo", channel: "telegram", status: 200, inbound: 1, outbox: 1, raw: 0, responseContains: "") {
            telegram(fixture("telegram/update_photo.json")) },
        Case(name: "wrong secret token", channel: "telegram", status: 403, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            telegram(fixture("telegram/update_text.json"), token: Array("wrong".utf8)) },
        Case(name: "malformed body", channel: "telegram", status: 400, inbound: 0, outbox: 0, raw: 0, responseContains: "") {
            telegram(Array("[1, 2".utf8)) },
    ]

    @Test(arguments: cases)
    func channelCase(_ testCase: Case) async throws {
        let fixture = try WebhookFixture()
        let (headers, body) = testCase.request()
        let response = try await fixture.post("/webhooks/demo/\(testCase.channel)", headers: headers, body: body)
        #expect(response.status == testCase.status)
        #expect(try await fixture.count("SELECT count(*) FROM messages WHERE direction = 'in'") == testCase.inbound)
        #expect(try await fixture.count("SELECT count(*) FROM outbox") == testCase.outbox)
        #expect(try await fixture.count("SELECT count(*) FROM webhook_events_raw") == testCase.raw)
        if !testCase.responseContains.isEmpty { #expect(response.text.contains(testCase.responseContains)) }
        if testCase.status >= 400 {
            #expect(try await fixture.count("SELECT count(*) FROM contacts") == 0)
        }
        await fixture.stop()
    }

    /// A retried delivery stores nothing new and gets the same answer, on
    /// every channel type.
    @Test(arguments: [
        ("sms", twilio(fixture("twilio/inbound_text.txt"))),
        ("vonage", vonage(vonageText)),
        ("line", line(fixture("line/webhook_text.json"))),
        ("whatsapp", meta(fixture("whatsapp/webhook_text.json"), "whatsapp_app_secret")),
        ("messenger", meta(fixture("messenger/webhook_text.json"), "messenger_app_secret")),
        ("telegram", telegram(fixture("telegram/update_text.json"))),
    ])
    func retriesAreIdempotent(_ channel: String, _ request: (headers: [(String, String)], body: [UInt8])) async throws {
        let fixture = try WebhookFixture()
        let first = try await fixture.post("/webhooks/demo/\(channel)", headers: request.headers, body: request.body)
        let rows = try await fixture.count("SELECT count(*) FROM messages")
        let outbox = try await fixture.count("SELECT count(*) FROM outbox")
        let second = try await fixture.post("/webhooks/demo/\(channel)", headers: request.headers, body: request.body)
        #expect(first.status == second.status && first.status < 300)
        #expect(first.text == second.text)
        #expect(try await fixture.count("SELECT count(*) FROM messages") == rows)
        #expect(try await fixture.count("SELECT count(*) FROM outbox") == outbox)
        #expect(rows >= 1)
        await fixture.stop()
    }

    @Test func aLongSMSIsJoinedAcrossWebhooks() async throws {
        let fixture = try WebhookFixture()
        let second = Self.vonage([("msisdn", "6281200000002"), ("to", "15005550007"), ("messageId", "0A02"),
                                  ("text", "tiga bulan."), ("type", "text"), ("concat", "true"), ("concat-ref", "88"),
                                  ("concat-total", "2"), ("concat-part", "2")])
        let first = Self.vonage([("msisdn", "6281200000002"), ("to", "15005550007"), ("messageId", "0A01"),
                                 ("text", "Gaji saya belum dibayar "), ("type", "text"), ("concat", "true"),
                                 ("concat-ref", "88"), ("concat-total", "2"), ("concat-part", "1")])
        #expect(try await fixture.post("/webhooks/demo/vonage", headers: second.headers, body: second.body).status == 204)
        #expect(try await fixture.count("SELECT count(*) FROM messages") == 0)
        #expect(try await fixture.post("/webhooks/demo/vonage", headers: first.headers, body: first.body).status == 204)
        let body = try await fixture.database.read { try $0.queryValue("SELECT body FROM messages WHERE direction = 'in'").string }
        #expect(body == "Gaji saya belum dibayar tiga bulan.")
        await fixture.stop()
    }

    @Test func metaHandshakeAnswersTheChallengeOnlyWithTheVerifyToken() async throws {
        let fixture = try WebhookFixture()
        let token = String(decoding: Self.secret("whatsapp_verify_token"), as: UTF8.self)
        let port = fixture.server.port
        let (good, bad) = try await offPool { () -> (RawHTTPClient.Response, RawHTTPClient.Response) in
            let a = try RawHTTPClient(port: port)
            try a.send("GET /webhooks/demo/whatsapp?hub.mode=subscribe&hub.verify_token=\(token)&hub.challenge=1158201444 HTTP/1.1\r\nHost: x\r\n\r\n")
            let b = try RawHTTPClient(port: port)
            try b.send("GET /webhooks/demo/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444 HTTP/1.1\r\nHost: x\r\n\r\n")
            return (try a.readResponse(), try b.readResponse())
        }
        #expect(good.status == 200 && good.text == "1158201444")
        #expect(bad.status == 403)
        await fixture.stop()
    }
}
