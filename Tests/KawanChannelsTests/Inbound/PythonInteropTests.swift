import Foundation
import KawanChannels
import KawanConfig
import KawanHTTP
import KawanTestSupport
import Testing

/// Kawan against the providers' own code: requests signed by the official
/// Python SDKs must verify, and Kawan's TwiML must mean what the `twilio`
/// package's would. Needs `Scripts/python-venv.sh`; skipped otherwise.
@Suite struct PythonInteropTests {
    static func json(_ value: Any) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: value)) }

    @Test(.enabled(Comment(rawValue: PythonEnvironment.missingMessage)) { await PythonEnvironment.interpreter(importing: ["twilio.request_validator"]) != nil })
    func twilioSDKSignatureVerifies() async throws {
        let token = "kawan_interop_auth_token_0000001"
        let url = "https://hotline.example.org/webhooks/demo/sms?tenant=demo"
        // A Vietnamese message with characters form encoding must escape.
        let body = Fixture.text("twilio/inbound_text.txt")
            .replacingOccurrences(of: "Saya+butuh+bantuan%2C+paspor+saya+ditahan+majikan",
                                  with: "T%C3%B4i+c%E1%BA%A7n+gi%C3%BAp+%C4%91%E1%BB%A1+%26+100%25+%3D+%F0%9F%98%80")
        let script = """
        import json, sys, urllib.parse
        from twilio.request_validator import RequestValidator
        request = json.load(sys.stdin)
        params = dict(urllib.parse.parse_qsl(request["body"], keep_blank_values=True))
        print(RequestValidator(request["token"]).compute_signature(request["url"], params), end="")
        """
        let signature = try await PythonEnvironment.run(script, input: Self.json(["token": token, "url": url, "body": body]))
        let channel = TwilioInboundChannel(settings: TwilioSettings(accountSID: "AC1", authToken: Secret(token), sender: .phoneNumber("+1")))
        func webhook(_ body: String) -> WebhookRequest {
            request(url: url, contentType: "application/x-www-form-urlencoded", body: Array(body.utf8), headers: [("X-Twilio-Signature", signature)])
        }
        #expect(channel.verify(webhook(body), now: Date()).rejection == nil)
        let events = try channel.parse(webhook(body)).get()
        guard case .message(let message) = try #require(events.first) else { Issue.record("not a message"); return }
        #expect(message.text == "Tôi cần giúp đỡ & 100% = 😀")
        #expect(channel.verify(webhook(body.replacingOccurrences(of: "From=%2B6281200000001", with: "From=%2B6281200000009")), now: Date())
            .rejection == .badSignature)
    }

    @Test(.enabled(Comment(rawValue: PythonEnvironment.missingMessage)) { await PythonEnvironment.interpreter(importing: ["linebot.v3.webhook"]) != nil })
    func lineSDKAcceptsSignatureAndAgreesOnEvents() async throws {
        let secret = "0123456789abcdef0123456789abcdef"
        let body = Fixture.text("line/webhook_batch_two_events.json")
        // Python signs (hmac), line-bot-sdk's WebhookParser checks the signature
        // (raising InvalidSignatureError otherwise) and lists the events.
        let script = """
        import base64, hashlib, hmac, json, sys
        from linebot.v3.webhook import WebhookParser, SignatureValidator
        request = json.load(sys.stdin)
        signature = base64.b64encode(hmac.new(request["secret"].encode(), request["body"].encode(), hashlib.sha256).digest()).decode()
        assert SignatureValidator(request["secret"]).validate(request["body"], signature)
        assert not SignatureValidator(request["secret"]).validate(request["body"] + " ", signature)
        events = WebhookParser(request["secret"]).parse(request["body"], signature)
        print(json.dumps({"signature": signature, "events": [
            {"id": e.message.id, "type": e.message.type, "replyToken": e.reply_token, "userId": e.source.user_id} for e in events]}))
        """
        let output = try await PythonEnvironment.run(script, input: Self.json(["secret": secret, "body": body]))
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let signature = try #require(result["signature"] as? String)
        let sdkEvents = try #require(result["events"] as? [[String: String]])

        let channel = LineInboundChannel(settings: LineSettings(channelSecret: Secret(secret), channelAccessToken: Secret("t")))
        let webhook = request(contentType: "application/json", body: Array(body.utf8), headers: [("X-Line-Signature", signature)])
        #expect(channel.verify(webhook, now: Date()).rejection == nil)
        let events = try channel.parse(webhook).get()
        let ours: [[String: String]] = events.compactMap { event in
            guard case .message(let message) = event else { return nil }
            return ["id": message.providerMessageID, "type": message.contentType.rawValue, "replyToken": message.replyToken ?? "",
                    "userId": message.senderAddress]
        }
        #expect(ours == sdkEvents)
    }

    @Test(.enabled(Comment(rawValue: PythonEnvironment.missingMessage)) { await PythonEnvironment.interpreter(importing: ["vonage_http_client"]) != nil },
          arguments: [VonageSettings.SignatureMethod.md5, .sha1, .sha256, .sha512])
    func vonageSDKSignatureVerifies(method: VonageSettings.SignatureMethod) async throws {
        let secret = "kawan_interop_signature_secret_1"
        let now = Date()
        // The SDK's Auth.sign_params adds the current timestamp and signs (HMAC methods only in SDK v4).
        let script = """
        import json, sys, urllib.parse
        from vonage_http_client.auth import Auth
        request = json.load(sys.stdin)
        params = dict(urllib.parse.parse_qsl(request["body"], keep_blank_values=True))
        params["text"] = "gaji=0 & makan=0, Tôi cần giúp đỡ"
        auth = Auth(api_key="abcd1234", api_secret="s", signature_secret=request["secret"], signature_method=request["method"])
        params["sig"] = auth.sign_params(params)
        print(urllib.parse.urlencode(params), end="")
        """
        let query = try await PythonEnvironment.run(script, input: Self.json([
            "secret": secret, "method": method.rawValue, "body": Fixture.text("vonage/inbound_text.txt"),
        ]))
        let channel = VonageInboundChannel(settings: VonageSettings(apiKey: "abcd1234", apiSecret: Secret("s"), signatureSecret: Secret(secret),
                                                                    signatureMethod: method, from: "KAWAN"))
        let webhook = request("GET", contentType: nil, body: [], query: query)
        #expect(channel.verify(webhook, now: now).rejection == nil)
        #expect(channel.verify(request("GET", contentType: nil, body: [], query: query.replacingOccurrences(of: "msisdn=6281200000002", with: "msisdn=6281200000003")), now: now).rejection == .badSignature)
    }

    @Test(.enabled(Comment(rawValue: PythonEnvironment.missingMessage)) { await PythonEnvironment.interpreter(importing: ["twilio.twiml.messaging_response"]) != nil },
          arguments: [["a & b < c", "Xin chào 😀"], [], ["<Message>\"quoted\" 'single' > done</Message>", "日本語のメッセージ\nline two"]])
    func twimlMatchesTwilioSDK(replies: [String]) async throws {
        let ours = String(decoding: TwilioInboundChannel(settings: TwilioSettings(accountSID: "AC1", authToken: Secret("t"), sender: .phoneNumber("+1")))
            .acknowledgement(inlineReplies: replies).body, as: UTF8.self)
        // Both documents parsed with xml.etree and compared as trees.
        let script = """
        import json, sys
        import xml.etree.ElementTree as ET
        from twilio.twiml.messaging_response import MessagingResponse
        request = json.load(sys.stdin)
        reference = MessagingResponse()
        for text in request["replies"]:
            reference.message(text)
        def tree(element):
            return [element.tag, sorted(element.attrib.items()), element.text or "", [tree(child) for child in element]]
        ours = ET.fromstring(request["ours"].encode("utf-8"))
        theirs = ET.fromstring(str(reference).encode("utf-8"))
        print(json.dumps({"equal": tree(ours) == tree(theirs), "ours": tree(ours), "theirs": tree(theirs)}))
        """
        let output = try await PythonEnvironment.run(script, input: Self.json(["replies": replies, "ours": ours]))
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(result["equal"] as? Bool == true, "\(output)")
    }
}
