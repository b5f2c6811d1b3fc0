import Foundation
import KawanChannels
import KawanConfig
import KawanCrypto
import KawanHTTP
import Testing

enum LineCases {
    static let secret = "0123456789abcdef0123456789abcdef"
    static let channel = LineInboundChannel(settings: LineSettings(channelSecret: Secret(secret), channelAccessToken: Secret("token")))
    static let user = "U00000000000000000000000000000001"

    static func signed(_ body: [UInt8], contentType: String = "application/json") -> WebhookRequest {
        request(contentType: contentType, body: body, headers: [("X-Line-Signature", base64HMAC(.sha256, key: secret, message: body))])
    }

    static func fixture(_ name: String) -> WebhookRequest { signed(Fixture.bytes("line/\(name)")) }

    static func sentAt(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000) }

    static let text = InboundMessageEvent(providerMessageID: "500000000000000001", senderAddress: user,
                                          text: "Halo, saya butuh bantuan soal kontrak kerja", sentAt: sentAt(1_795_435_200_000),
                                          replyToken: "0f3779fba3b349968c5d07db31eab56f")

    static let all: [InboundCase] = [
        InboundCase("text message", fixture("webhook_text.json"), parsed: .success([.message(text)])),
        // Known answer from the researcher's fixture, checked again with Python:
        // base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).
        InboundCase("known-answer signature", request(contentType: "application/json", body: Fixture.bytes("line/webhook_text.json"),
                                                      headers: [("x-line-signature", "cCfqRe+Ao24fzAPq9dAuqPMgrsta1eMUbcbJbRTOCZk=")]),
                    parsed: .success([.message(text)])),
        InboundCase("redelivery carries the same message id", fixture("webhook_text_redelivered.json"), parsed: .success([.message(text)])),
        InboundCase("batch: image then text", fixture("webhook_batch_two_events.json"), parsed: .success([
            .message(InboundMessageEvent(providerMessageID: "500000000000000004", senderAddress: user, text: nil, contentType: .image,
                                         mediaReference: "500000000000000004", sentAt: sentAt(1_795_435_201_000),
                                         replyToken: "2b3c4d5e6f7041829304a5b6c7d8e9f0")),
            .message(InboundMessageEvent(providerMessageID: "500000000000000005", senderAddress: user, text: "Ini foto kontraknya",
                                         sentAt: sentAt(1_795_435_201_500), replyToken: "3c4d5e6f708142939405b6c7d8e9f0a1")),
        ])),
        InboundCase("sticker", fixture("webhook_sticker.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "500000000000000002", senderAddress: user, text: nil, contentType: .sticker, mediaReference: "11537/52002734",
            sentAt: sentAt(1_795_435_200_000), replyToken: "8cf9239d56244f4197887e939187e19e"))])),
        InboundCase("location", fixture("webhook_location.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "500000000000000003", senderAddress: user,
            text: "Taipei Main Station\nNo. 3, Beiping W Rd, Zhongzheng District, Taipei City, Taiwan", contentType: .location,
            mediaReference: "geo:25.047924,121.517081", sentAt: sentAt(1_795_435_200_000), replyToken: "1a2b3c4d5e6f40718293a4b5c6d7e8f9"))])),
        InboundCase("unfollow is unhandled, keyed by webhookEventId", fixture("webhook_unfollow.json"), parsed: .success([.unhandled(UnhandledEvent(
            eventID: "01JKAWAN0000000000000000V1", kind: "unfollow", payload: unfollowPayload))])),
        InboundCase("console verify request: no events", fixture("webhook_verify_empty.json"), parsed: .success([])),
        InboundCase("bad signature", request(contentType: "application/json", body: Fixture.bytes("line/webhook_text.json"),
                                             headers: [("X-Line-Signature", base64HMAC(.sha256, key: "other", message: Fixture.bytes("line/webhook_text.json")))]),
                    rejectedWith: .badSignature),
        InboundCase("body changed after signing", request(contentType: "application/json", body: Fixture.bytes("line/webhook_text.json") + [0x20],
                                                          headers: [("X-Line-Signature", "cCfqRe+Ao24fzAPq9dAuqPMgrsta1eMUbcbJbRTOCZk=")]),
                    rejectedWith: .badSignature),
        InboundCase("missing signature", request(contentType: "application/json", body: Fixture.bytes("line/webhook_text.json")),
                    rejectedWith: .missingSignature),
        InboundCase("malformed: events is not an array", signed(Array(#"{"destination":"U1","events":{}}"#.utf8)),
                    parsed: .failure(.malformed("\"events\" is not an array of objects"))),
        InboundCase("malformed: not JSON", signed(Array("events=1".utf8)), parsed: .failure(.malformed("body is not JSON"))),
        InboundCase("malformed: message without id", signed(Array(#"{"events":[{"type":"message","message":{"type":"text","text":"x"},"source":{"type":"user","userId":"U1"}}]}"#.utf8)),
                    parsed: .failure(.malformed("message event without message.id or message.type"))),
        InboundCase("wrong content type", signed(Fixture.bytes("line/webhook_text.json"), contentType: "text/plain"),
                    parsed: .failure(.unsupportedContentType("text/plain"))),
        InboundCase("invalid UTF-8", signed(Array(#"{"events":[],"x":""#.utf8) + invalidUTF8 + Array(#""}"#.utf8)),
                    parsed: .failure(.invalidUTF8)),
    ]

    static var unfollowPayload: [UInt8] {
        let body = try! JSONSerialization.jsonObject(with: Data(Fixture.bytes("line/webhook_unfollow.json"))) as! [String: Any]
        let event = (body["events"] as! [Any])[0]
        return Array(try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]))
    }
}

@Suite struct LineInboundTests {
    @Test(arguments: LineCases.all)
    func table(_ testCase: InboundCase) {
        testCase.check(with: LineCases.channel)
    }

    @Test func answersEmpty200WithoutHandshake() {
        #expect(LineCases.channel.acknowledgement(inlineReplies: []).status == .ok)
        #expect(LineCases.channel.supportsInlineReplies == false)
        #expect(LineCases.channel.handshake(request("GET", contentType: nil, body: [])) == nil)
    }
}
