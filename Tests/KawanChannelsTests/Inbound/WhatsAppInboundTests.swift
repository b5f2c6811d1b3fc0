import Foundation
import KawanChannels
import KawanConfig
import KawanCrypto
import KawanHTTP
import Testing

enum WhatsAppCases {
    static let appSecret = "kawan_test_app_secret_00000000ab"
    static let channel = WhatsAppInboundChannel(settings: WhatsAppSettings(
        appSecret: Secret(appSecret), verifyToken: Secret("kawan-verify-token"), accessToken: Secret("token"), phoneNumberID: "100000000000001"))
    static let worker = "6281200000001"

    static func signed(_ body: [UInt8], contentType: String = "application/json") -> WebhookRequest {
        let signature = "sha256=" + Hex.encode(Digest.hmac(.sha256, key: Array(appSecret.utf8), message: body))
        return request(contentType: contentType, body: body, headers: [("X-Hub-Signature-256", signature)])
    }

    static func fixture(_ name: String) -> WebhookRequest { signed(Fixture.bytes("whatsapp/\(name)")) }

    static func at(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    static let text = InboundMessageEvent(providerMessageID: "wamid.TESTMSG0000000000000000000000001", senderAddress: worker,
                                          text: "Halo, saya mau tanya soal hak cuti", sentAt: at(1_795_435_200))
    static let second = InboundMessageEvent(providerMessageID: "wamid.TESTMSG0000000000000000000000005", senderAddress: worker,
                                            text: "Saya di Singapura", sentAt: at(1_795_435_202))
    static let delivered = DeliveryStatusEvent(providerMessageID: "wamid.TESTOUT0000000000000000000000001", status: .delivered,
                                               at: at(1_795_435_320))

    static let all: [InboundCase] = [
        InboundCase("text message", fixture("webhook_text.json"), parsed: .success([.message(text)])),
        // Known answer from the researcher's fixture, checked again with Python:
        // "sha256=" + hmac.new(app_secret, body, hashlib.sha256).hexdigest().
        InboundCase("known-answer signature", request(contentType: "application/json", body: Fixture.bytes("whatsapp/webhook_text.json"),
            headers: [("X-Hub-Signature-256", "sha256=27452314766e1614967bd946f93c17c51ce175293bdada7a923ad504952b6c04")]),
                    parsed: .success([.message(text)])),
        InboundCase("signature hex in upper case", request(contentType: "application/json", body: Fixture.bytes("whatsapp/webhook_text.json"),
            headers: [("X-Hub-Signature-256", "sha256=" + "27452314766e1614967bd946f93c17c51ce175293bdada7a923ad504952b6c04".uppercased())])),
        InboundCase("batch: two messages", fixture("webhook_batch_two_messages.json"), parsed: .success([.message(text), .message(second)])),
        InboundCase("batch: message and status", fixture("webhook_batch_message_and_status.json"),
                    parsed: .success([.message(second), .status(delivered)])),
        InboundCase("image with caption", fixture("webhook_image.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "wamid.TESTMSG0000000000000000000000002", senderAddress: worker, text: "Foto slip gaji", contentType: .image,
            mediaReference: "300000000000001", sentAt: at(1_795_435_230)))])),
        InboundCase("voice note", fixture("webhook_voice.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "wamid.TESTMSG0000000000000000000000004", senderAddress: worker, text: nil, contentType: .audio,
            mediaReference: "300000000000002", sentAt: at(1_795_435_290)))])),
        InboundCase("location", fixture("webhook_location.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "wamid.TESTMSG0000000000000000000000003", senderAddress: worker, text: "Lucky Plaza\n304 Orchard Rd, Singapore",
            contentType: .location, mediaReference: "geo:1.3521,103.8198", sentAt: at(1_795_435_260)))])),
        InboundCase("status: delivered", fixture("webhook_status_delivered.json"), parsed: .success([.status(delivered)])),
        InboundCase("status: failed outside the 24-hour window", fixture("webhook_status_failed_131047.json"), parsed: .success([.status(
            DeliveryStatusEvent(providerMessageID: "wamid.TESTOUT0000000000000000000000002", status: .failed,
                                error: "WhatsApp error 131047 Re-engagement message", at: at(1_795_608_000)))])),
        InboundCase("reaction is unhandled", signed(Array(reaction.utf8)), parsed: .success([.unhandled(UnhandledEvent(
            eventID: "wamid.REACT1", kind: "message:reaction", payload: Array(reactionMessage.utf8)))])),
        InboundCase("bad signature", request(contentType: "application/json", body: Fixture.bytes("whatsapp/webhook_text.json"),
            headers: [("X-Hub-Signature-256", "sha256=" + Hex.encode(Digest.hmac(.sha256, key: Array("other".utf8), message: Fixture.bytes("whatsapp/webhook_text.json"))))]),
                    rejectedWith: .badSignature),
        InboundCase("signature without sha256= prefix", request(contentType: "application/json", body: Fixture.bytes("whatsapp/webhook_text.json"),
            headers: [("X-Hub-Signature-256", "27452314766e1614967bd946f93c17c51ce175293bdada7a923ad504952b6c04")]), rejectedWith: .badSignature),
        InboundCase("missing signature", request(contentType: "application/json", body: Fixture.bytes("whatsapp/webhook_text.json")),
                    rejectedWith: .missingSignature),
        InboundCase("malformed: another object", signed(Array(#"{"object":"page","entry":[]}"#.utf8)),
                    parsed: .failure(.malformed("\"object\" is not \"whatsapp_business_account\""))),
        InboundCase("malformed: message without from", signed(Array(#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"wamid.X","type":"text","text":{"body":"x"}}]}}]}]}"#.utf8)),
                    parsed: .failure(.malformed("message without id, from or type"))),
        InboundCase("wrong content type", signed(Fixture.bytes("whatsapp/webhook_text.json"), contentType: "application/x-www-form-urlencoded"),
                    parsed: .failure(.unsupportedContentType("application/x-www-form-urlencoded"))),
        InboundCase("invalid UTF-8", signed(Array(#"{"object":""#.utf8) + invalidUTF8 + Array(#""}"#.utf8)), parsed: .failure(.invalidUTF8)),
    ]

    static let reactionMessage = #"{"from":"6281200000001","id":"wamid.REACT1","reaction":{"emoji":"👍","message_id":"wamid.TESTOUT1"},"timestamp":"1795435300","type":"reaction"}"#
    static let reaction = #"{"object":"whatsapp_business_account","entry":[{"id":"2","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","messages":["#
        + reactionMessage + "]}}]}]}"
}

@Suite struct WhatsAppInboundTests {
    @Test(arguments: WhatsAppCases.all)
    func table(_ testCase: InboundCase) {
        testCase.check(with: WhatsAppCases.channel)
    }

    @Test func acknowledgesUnreadableEvents() {
        #expect(WhatsAppCases.channel.acknowledgesUnreadableEvents)
    }

    @Test(arguments: [
        ("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=kawan-verify-token", "1158201444"),
        ("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=kawan-verify-tokeN", nil),
        ("hub.mode=subscribe&hub.challenge=1158201444", nil),
        ("hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=kawan-verify-token", nil),
        ("hub.mode=subscribe&hub.verify_token=kawan-verify-token", nil),
    ] as [(String, String?)])
    func handshake(query: String, challenge: String?) throws {
        let result = try #require(WhatsAppCases.channel.handshake(request("GET", contentType: nil, body: [], query: query)))
        switch result {
        case .success(let response):
            #expect(response.status == .ok)
            #expect(String(decoding: response.body, as: UTF8.self) == challenge)
            #expect(response.headers["Content-Type"]?.hasPrefix("text/plain") == true)
        case .failure(let failure):
            #expect(challenge == nil)
            #expect(failure == .badVerifyToken)
        }
    }
}
