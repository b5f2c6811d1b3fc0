import Foundation
import KawanChannels
import KawanConfig
import KawanCrypto
import KawanHTTP
import Testing

enum MessengerCases {
    static let appSecret = "kawan_test_app_secret_00000000ab"
    static let channel = MessengerInboundChannel(settings: MessengerSettings(
        appSecret: Secret(appSecret), verifyToken: Secret("messenger-verify"), pageAccessToken: Secret("token")))
    static let worker = "2000000000000001"

    static func signed(_ body: [UInt8], contentType: String = "application/json") -> WebhookRequest {
        let signature = "sha256=" + Hex.encode(Digest.hmac(.sha256, key: Array(appSecret.utf8), message: body))
        return request(contentType: contentType, body: body, headers: [("X-Hub-Signature-256", signature)])
    }

    static func fixture(_ name: String) -> WebhookRequest { signed(Fixture.bytes("messenger/\(name)")) }

    static func at(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000) }

    /// The `messaging[0]` object of a fixture, as the channel stores it.
    static func firstEventPayload(_ name: String) -> [UInt8] {
        let body = try! JSONSerialization.jsonObject(with: Data(Fixture.bytes("messenger/\(name)"))) as! [String: Any]
        let entry = (body["entry"] as! [[String: Any]])[0]
        return Array(try! JSONSerialization.data(withJSONObject: (entry["messaging"] as! [Any])[0], options: [.sortedKeys]))
    }

    static let text = InboundMessageEvent(providerMessageID: "m_TESTMID00000000000000000000001", senderAddress: worker,
                                          text: "Halo, saya pekerja rumah tangga di Hong Kong", sentAt: at(1_795_435_200_000))

    static let all: [InboundCase] = [
        InboundCase("text message", fixture("webhook_text.json"), parsed: .success([.message(text)])),
        // Known answer from the researcher's fixture, checked again with Python's hmac (sha256 hexdigest).
        InboundCase("known-answer signature", request(contentType: "application/json", body: Fixture.bytes("messenger/webhook_text.json"),
            headers: [("X-Hub-Signature-256", "sha256=33f0dff81b1852bcb031e5f2674a95a516cebf43df7f5f1ff423673f69e906b1")]),
                    parsed: .success([.message(text)])),
        InboundCase("batch: two entries", fixture("webhook_batch_two_events.json"), parsed: .success([
            .message(text),
            .message(InboundMessageEvent(providerMessageID: "m_TESTMID00000000000000000000004", senderAddress: worker,
                                         text: "Majikan saya tidak memberi hari libur", sentAt: at(1_795_435_200_800))),
        ])),
        InboundCase("image attachment", fixture("webhook_image.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "m_TESTMID00000000000000000000002", senderAddress: worker, text: nil, contentType: .image,
            mediaReference: "https://scontent.xx.fbcdn.net/v/t1.15752-9/TEST_image.jpg?oh=TEST&oe=TEST", sentAt: at(1_795_435_201_000)))])),
        InboundCase("sticker (the like button)", fixture("webhook_sticker_like.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "m_TESTMID00000000000000000000003", senderAddress: worker, text: nil, contentType: .sticker,
            mediaReference: "https://scontent.xx.fbcdn.net/v/t39.1997-6/TEST_thumbsup.png", sentAt: at(1_795_435_202_000)))])),
        InboundCase("delivery receipt", fixture("webhook_delivery.json"), parsed: .success([.status(DeliveryStatusEvent(
            providerMessageID: "m_TESTMIDOUT000000000000000001", status: .delivered, at: at(1_795_435_204_900)))])),
        InboundCase("read receipt (watermark only) is unhandled", fixture("webhook_read.json"), parsed: .success([.unhandled(UnhandledEvent(
            eventID: "sha256:" + Hex.encode(Digest.sha256(firstEventPayload("webhook_read.json"))), kind: "read",
            payload: firstEventPayload("webhook_read.json")))])),
        InboundCase("echo of the page's own message is unhandled", fixture("webhook_echo.json"), parsed: .success([.unhandled(UnhandledEvent(
            eventID: "m_TESTMIDOUT000000000000000002", kind: "message_echo", payload: firstEventPayload("webhook_echo.json")))])),
        InboundCase("bad signature", request(contentType: "application/json", body: Fixture.bytes("messenger/webhook_text.json"),
            headers: [("X-Hub-Signature-256", "sha256=27452314766e1614967bd946f93c17c51ce175293bdada7a923ad504952b6c04")]),
                    rejectedWith: .badSignature),
        InboundCase("missing signature", request(contentType: "application/json", body: Fixture.bytes("messenger/webhook_text.json")),
                    rejectedWith: .missingSignature),
        InboundCase("malformed: message without sender", signed(Array(#"{"object":"page","entry":[{"messaging":[{"message":{"mid":"m1","text":"x"}}]}]}"#.utf8)),
                    parsed: .failure(.malformed("message without sender.id"))),
        InboundCase("malformed: entry is not an array", signed(Array(#"{"object":"page","entry":{}}"#.utf8)),
                    parsed: .failure(.malformed("\"entry\" is not an array of objects"))),
        InboundCase("wrong content type", signed(Fixture.bytes("messenger/webhook_text.json"), contentType: "text/plain"),
                    parsed: .failure(.unsupportedContentType("text/plain"))),
        InboundCase("invalid UTF-8", signed(Array(#"{"object":""#.utf8) + invalidUTF8 + Array(#""}"#.utf8)), parsed: .failure(.invalidUTF8)),
    ]
}

@Suite struct MessengerInboundTests {
    @Test(arguments: MessengerCases.all)
    func table(_ testCase: InboundCase) {
        testCase.check(with: MessengerCases.channel)
    }

    @Test func handshakeUsesItsOwnVerifyToken() throws {
        let good = try #require(MessengerCases.channel.handshake(request("GET", contentType: nil, body: [],
            query: "hub.mode=subscribe&hub.challenge=42&hub.verify_token=messenger-verify")))
        #expect(try String(decoding: good.get().body, as: UTF8.self) == "42")
        let whatsAppToken = try #require(MessengerCases.channel.handshake(request("GET", contentType: nil, body: [],
            query: "hub.mode=subscribe&hub.challenge=42&hub.verify_token=kawan-verify-token")))
        #expect(throws: VerificationFailure.badVerifyToken) { try whatsAppToken.get() }
        #expect(MessengerCases.channel.acknowledgesUnreadableEvents)
    }
}
