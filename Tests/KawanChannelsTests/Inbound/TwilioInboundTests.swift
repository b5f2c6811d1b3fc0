import Foundation
import KawanChannels
import KawanConfig
import KawanCrypto
import KawanHTTP
import Testing

enum TwilioCases {
    static let token = "kawan_test_auth_token_000000000a"
    static let channel = TwilioInboundChannel(settings: TwilioSettings(accountSID: "AC00000000000000000000000000000000",
                                                                        authToken: Secret(token), sender: .phoneNumber("+15005550006")))
    static let url = "https://kawan.example.org/w/twilio/11111111-2222-3333-4444-555555555555/receive"
    static let statusURL = "https://kawan.example.org/w/twilio/11111111-2222-3333-4444-555555555555/status"
    static let form = "application/x-www-form-urlencoded"

    /// Twilio's algorithm, written out again for the tests: URL, then each
    /// parameter's name and value, sorted by name.
    static func sign(url: String, body: String) -> String {
        let signed = url + formPairs(body).sorted { $0.0 < $1.0 }.map { $0.0 + $0.1 }.joined()
        return base64HMAC(.sha1, key: token, message: Array(signed.utf8))
    }

    static func signed(_ fixture: String, url: String = url) -> WebhookRequest {
        let body = Fixture.text("twilio/\(fixture)")
        return request(url: url, contentType: form, body: Array(body.utf8), headers: [("X-Twilio-Signature", sign(url: url, body: body))])
    }

    static func signed(body: [UInt8], contentType: String? = form, url: String = url, signature: String) -> WebhookRequest {
        request(url: url, contentType: contentType, body: body, headers: [("X-Twilio-Signature", signature)])
    }

    static let text = InboundMessageEvent(providerMessageID: "SM00000000000000000000000000000001", senderAddress: "+6281200000001",
                                          text: "Saya butuh bantuan, paspor saya ditahan majikan")

    static let all: [InboundCase] = [
        InboundCase("text message", signed("inbound_text.txt"), parsed: .success([.message(text)])),
        // Known answer: computed by the researcher and checked again with
        // Python's hmac (hmac.new(token, url + sorted name+value, sha1)),
        // see Fixtures/twilio and /work/wt-research/fixtures/twilio/signature_example_inbound_text.json.
        InboundCase("known-answer signature", signed(body: Fixture.bytes("twilio/inbound_text.txt"), signature: "rRLYzHVVplqOI1VOCildJ7gfBEc="),
                    parsed: .success([.message(text)])),
        InboundCase("known-answer status signature",
                    signed(body: Fixture.bytes("twilio/status_callback_delivered.txt"), url: statusURL, signature: "WhskzZslM5dEJ1PFteFcVDGmvOQ="),
                    parsed: .success([.status(DeliveryStatusEvent(providerMessageID: "SM00000000000000000000000000000099",
                                                                  status: .delivered))])),
        InboundCase("signed with the default port in the URL",
                    signed(body: Fixture.bytes("twilio/inbound_text.txt"),
                           signature: sign(url: url.replacingOccurrences(of: ".org/", with: ".org:443/"),
                                           body: Fixture.text("twilio/inbound_text.txt")))),
        InboundCase("image (MMS)", signed("inbound_mms_image.txt"), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "MM00000000000000000000000000000002", senderAddress: "+6281200000001", text: nil, contentType: .image,
            mediaReference: "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages/MM00000000000000000000000000000002/Media/ME00000000000000000000000000000003"))])),
        InboundCase("status callback: undelivered", signed("status_callback_undelivered.txt", url: statusURL),
                    parsed: .success([.status(DeliveryStatusEvent(providerMessageID: "SM00000000000000000000000000000099", status: .failed,
                                                                  error: "Twilio error 30003"))])),
        InboundCase("bad signature (another token)",
                    signed(body: Fixture.bytes("twilio/inbound_text.txt"), signature: base64HMAC(.sha1, key: "wrong", message: Array(url.utf8))),
                    rejectedWith: .badSignature),
        InboundCase("signature over another URL",
                    signed(body: Fixture.bytes("twilio/inbound_text.txt"), url: statusURL, signature: "rRLYzHVVplqOI1VOCildJ7gfBEc="),
                    rejectedWith: .badSignature),
        InboundCase("tampered body",
                    signed(body: Array(Fixture.text("twilio/inbound_text.txt").replacingOccurrences(of: "bantuan", with: "uang").utf8),
                           signature: "rRLYzHVVplqOI1VOCildJ7gfBEc="),
                    rejectedWith: .badSignature),
        InboundCase("missing signature", request(url: url, contentType: form, body: Fixture.bytes("twilio/inbound_text.txt")),
                    rejectedWith: .missingSignature),
        InboundCase("signature that is not base64", signed(body: Fixture.bytes("twilio/inbound_text.txt"), signature: "%%%"),
                    rejectedWith: .badSignature),
        InboundCase("malformed: no MessageSid", signed(body: Array("From=%2B6281200000001&Body=hi".utf8),
                                                       signature: sign(url: url, body: "From=%2B6281200000001&Body=hi")),
                    parsed: .failure(.malformed("MessageSid missing"))),
        InboundCase("malformed: broken percent-escape", signed(body: Array("MessageSid=SM1&From=%2&Body=hi".utf8), signature: "AAAA"),
                    rejectedWith: .badSignature, parsed: .failure(.malformed("bad percent-escape in form data"))),
        // A JSON body is signed over the URL only (Twilio's bodySHA256 scheme), so it verifies and is then refused.
        InboundCase("wrong content type", signed(body: Array(#"{"Body":"hi"}"#.utf8), contentType: "application/json",
                                                 signature: sign(url: url, body: "")),
                    parsed: .failure(.unsupportedContentType("application/json"))),
        // Signed over the decoded bytes, as Twilio signs what it sends.
        InboundCase("invalid UTF-8", signed(body: Array("MessageSid=SM1&From=%2B62&Body=%80%C0%AF".utf8),
                                            signature: Data(Digest.hmac(.sha1, key: Array(token.utf8), message: Array((url + "Body").utf8)
                                                + invalidUTF8 + Array("From+62MessageSidSM1".utf8))).base64EncodedString()),
                    parsed: .failure(.invalidUTF8)),
    ]
}

@Suite struct TwilioInboundTests {
    @Test(arguments: TwilioCases.all)
    func table(_ testCase: InboundCase) {
        testCase.check(with: TwilioCases.channel)
    }

    @Test func twimlEscapesAndDropsControlCharacters() {
        let response = TwilioCases.channel.acknowledgement(inlineReplies: ["a & b < c > d \"q\" 'a'", "bell\u{07}tab\tend"])
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/xml; charset=utf-8")
        #expect(String(decoding: response.body, as: UTF8.self) ==
            #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>a &amp; b &lt; c &gt; d &quot;q&quot; &apos;a&apos;</Message>"#
            + "<Message>belltab\tend</Message></Response>")
    }

    @Test func emptyTwimlWhenNothingToSay() {
        let body = String(decoding: TwilioCases.channel.acknowledgement(inlineReplies: []).body, as: UTF8.self)
        #expect(body == #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#)
    }

    @Test func noHandshake() {
        #expect(TwilioCases.channel.handshake(request("GET", contentType: nil, body: [])) == nil)
    }
}
