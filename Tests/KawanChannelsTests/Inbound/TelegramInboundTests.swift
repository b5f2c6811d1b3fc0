import Foundation
import KawanChannels
import KawanConfig
import KawanHTTP
import Testing

enum TelegramCases {
    static let secretToken = "kawan_test_secret_token_0001"
    static let channel = TelegramInboundChannel(settings: TelegramSettings(botToken: Secret("7000000001:TEST"), secretToken: Secret(secretToken)))

    static func signed(_ body: [UInt8], contentType: String = "application/json", token: String = secretToken) -> WebhookRequest {
        request(contentType: contentType, body: body, headers: [("X-Telegram-Bot-Api-Secret-Token", token)])
    }

    static func fixture(_ name: String) -> WebhookRequest { signed(Fixture.bytes("telegram/\(name)")) }

    static func at(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    static var blockedPayload: [UInt8] {
        let object = try! JSONSerialization.jsonObject(with: Data(Fixture.bytes("telegram/update_my_chat_member_blocked.json")))
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static let all: [InboundCase] = [
        // The header is compared with the secret itself: the known answer is the fixture's header value.
        InboundCase("text message", fixture("update_text.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "100000001:11", senderAddress: "100000001", text: "Halo, saya perlu bantuan", sentAt: at(1_795_435_200)))])),
        InboundCase("/start command is a text message", fixture("update_start_command.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "100000001:10", senderAddress: "100000001", text: "/start", sentAt: at(1_795_435_140)))])),
        InboundCase("photo: the largest size, with caption", fixture("update_photo.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "100000001:12", senderAddress: "100000001", text: "Foto kontrak saya", contentType: .image,
            mediaReference: "AgACAgTESTFILEID_large", sentAt: at(1_795_435_230)))])),
        InboundCase("voice", fixture("update_voice.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "100000001:13", senderAddress: "100000001", text: nil, contentType: .audio,
            mediaReference: "AwACAgTESTVOICEFILEID", sentAt: at(1_795_435_260)))])),
        InboundCase("location", fixture("update_location.json"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "100000001:14", senderAddress: "100000001", text: nil, contentType: .location,
            mediaReference: "geo:22.281,114.158", sentAt: at(1_795_435_290)))])),
        InboundCase("bot blocked (my_chat_member) is unhandled", fixture("update_my_chat_member_blocked.json"), parsed: .success([
            .unhandled(UnhandledEvent(eventID: "update:900000005", kind: "my_chat_member", payload: blockedPayload))])),
        InboundCase("wrong secret token", signed(Fixture.bytes("telegram/update_text.json"), token: "kawan_test_secret_token_0002"),
                    rejectedWith: .badSignature),
        InboundCase("secret token prefix only", signed(Fixture.bytes("telegram/update_text.json"), token: "kawan_test_secret_token_000"),
                    rejectedWith: .badSignature),
        InboundCase("missing secret token", request(contentType: "application/json", body: Fixture.bytes("telegram/update_text.json")),
                    rejectedWith: .missingSignature),
        InboundCase("malformed: no update_id", signed(Array(#"{"message":{"message_id":1,"chat":{"id":1},"text":"x"}}"#.utf8)),
                    parsed: .failure(.malformed("update_id missing"))),
        InboundCase("malformed: message without chat", signed(Array(#"{"update_id":1,"message":{"message_id":1,"text":"x"}}"#.utf8)),
                    parsed: .failure(.malformed("message without message_id or chat.id"))),
        InboundCase("wrong content type", signed(Fixture.bytes("telegram/update_text.json"), contentType: "text/plain"),
                    parsed: .failure(.unsupportedContentType("text/plain"))),
        InboundCase("invalid UTF-8", signed(Array(#"{"update_id":1,"x":""#.utf8) + invalidUTF8 + Array(#""}"#.utf8)),
                    parsed: .failure(.invalidUTF8)),
    ]
}

@Suite struct TelegramInboundTests {
    @Test(arguments: TelegramCases.all)
    func table(_ testCase: InboundCase) {
        testCase.check(with: TelegramCases.channel)
    }

    @Test func editedMessageIsUnhandled() throws {
        let body = Array(#"{"update_id":900000009,"edited_message":{"message_id":11,"chat":{"id":100000001,"type":"private"},"date":1,"edit_date":2,"text":"x"}}"#.utf8)
        let events = try TelegramCases.channel.parse(TelegramCases.signed(body)).get()
        guard case .unhandled(let event) = try #require(events.first) else { Issue.record("not unhandled"); return }
        #expect(event.kind == "edited_message")
        #expect(event.eventID == "update:900000009")
    }
}
