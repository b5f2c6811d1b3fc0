import Foundation
import KawanChannels
import KawanConfig
import KawanHTTP
import Testing

/// Table-driven checks of each channel type's request and of how it reads
/// its provider's answers (shapes from the providers' documentation and
/// the research fixtures).
@Suite("Outbound channel requests and answers")
struct OutboundChannelTests {
    static let now = Date(timeIntervalSince1970: 1_795_435_200)

    static func message(to address: String = "+6281200000001", text: String = "Petugas kami akan menelepon Anda.",
                        replyToken: String? = nil, replyTokenExpiresAt: Date? = nil, lastInboundAt: Date? = now,
                        byPerson: Bool = false, key: String = "demo:42") -> OutboundMessage {
        OutboundMessage(messageID: 42, tenantID: "demo", channelID: "ch", recipientAddress: address, text: text,
                        replyToken: replyToken, replyTokenExpiresAt: replyTokenExpiresAt, lastInboundAt: lastInboundAt,
                        authoredByPerson: byPerson, idempotencyKey: key)
    }

    static func built(_ channel: some OutboundChannel, _ message: OutboundMessage) throws -> ProviderRequest {
        try channel.request(for: message, now: now).get()
    }

    static func header(_ request: ProviderRequest, _ name: String) -> String? {
        request.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    static func json(_ request: ProviderRequest) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
    }

    static func form(_ request: ProviderRequest) -> [String: String] {
        Dictionary(HTTPRequest.decodeForm(String(decoding: request.body, as: UTF8.self)).map { ($0.name, $0.value) },
                   uniquingKeysWith: { first, _ in first })
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func failure(_ result: Result<Void, VerificationFailure>) -> VerificationFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }

    // MARK: Requests

    @Test func twilioRequestWithNumberAndWithMessagingService() throws {
        let base = "http://127.0.0.1:9/twilio/"
        let withNumber = TwilioOutboundChannel(
            settings: TwilioSettings(accountSID: "AC123", authToken: Secret("tok"), sender: .phoneNumber("+15005550006")),
            apiBaseURL: base)
        let request = try Self.built(withNumber, Self.message(text: "Halo & selamat pagi"))
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:9/twilio/2010-04-01/Accounts/AC123/Messages.json")
        #expect(Self.header(request, "Authorization") == "Basic " + Data("AC123:tok".utf8).base64EncodedString())
        #expect(Self.header(request, "Content-Type") == "application/x-www-form-urlencoded")
        #expect(Self.form(request) == ["To": "+6281200000001", "Body": "Halo & selamat pagi", "From": "+15005550006"])

        let withService = TwilioOutboundChannel(
            settings: TwilioSettings(accountSID: "AC123", authToken: Secret("tok"), sender: .messagingService(sid: "MG9")))
        let serviceRequest = try Self.built(withService, Self.message())
        #expect(serviceRequest.url == "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json")
        #expect(Self.form(serviceRequest)["MessagingServiceSid"] == "MG9")
        #expect(Self.form(serviceRequest)["From"] == nil)
    }

    @Test(arguments: [
        ("Kami sudah menerima pesan Anda.", nil as String?),  // Indonesian: GSM-7
        ("Salamat po, tatawag kami bukas.", nil),             // Tagalog: GSM-7
        ("Prices in € {ok}", nil),                            // extension table is still GSM-7
        ("Chúng tôi đã nhận được tin nhắn.", "unicode"),     // Vietnamese diacritics
        ("メッセージを受け取りました。", "unicode"),              // Japanese
    ])
    func vonageRequestSwitchesToUnicodeOutsideGSM7(text: String, type: String?) throws {
        let channel = VonageOutboundChannel(
            settings: VonageSettings(apiKey: "abcd1234", apiSecret: Secret("s3cret"), signatureSecret: Secret("sig"),
                                     signatureMethod: .sha256, from: "KAWAN"),
            apiBaseURL: "http://127.0.0.1:9")
        let request = try Self.built(channel, Self.message(to: "+6281200000002", text: text))
        #expect(request.url == "http://127.0.0.1:9/sms/json")
        let form = Self.form(request)
        #expect(form["api_key"] == "abcd1234")
        #expect(form["api_secret"] == "s3cret")
        #expect(form["from"] == "KAWAN")
        #expect(form["to"] == "6281200000002")
        #expect(form["text"] == text)
        #expect(form["type"] == type)
    }

    static let line = LineOutboundChannel(settings: LineSettings(channelSecret: Secret("cs"), channelAccessToken: Secret("lat")),
                                          apiBaseURL: "http://127.0.0.1:9")

    @Test func lineUsesReplyWhileTheTokenIsFreshAndPushAfter() throws {
        let fresh = try Self.built(Self.line, Self.message(to: "U1", replyToken: "rt", replyTokenExpiresAt: Self.now + 30))
        #expect(fresh.url == "http://127.0.0.1:9/v2/bot/message/reply")
        #expect(Self.header(fresh, "Authorization") == "Bearer lat")
        #expect(Self.header(fresh, "X-Line-Retry-Key") == nil)  // LINE answers 400 to a retry key on reply
        let freshBody = try Self.json(fresh)
        #expect(freshBody["replyToken"] as? String == "rt")
        #expect((freshBody["messages"] as? [[String: String]]) == [["type": "text", "text": "Petugas kami akan menelepon Anda."]])

        for expiry in [Self.now, Self.now - 1] {
            let stale = try Self.built(Self.line, Self.message(to: "U1", replyToken: "rt", replyTokenExpiresAt: expiry))
            #expect(stale.url == "http://127.0.0.1:9/v2/bot/message/push")
            #expect(try Self.json(stale)["to"] as? String == "U1")
            #expect(try Self.json(stale)["replyToken"] == nil)
        }
        let noToken = try Self.built(Self.line, Self.message(to: "U1"))
        #expect(noToken.url.hasSuffix("/v2/bot/message/push"))
    }

    @Test func lineRetryKeyIsAStableUUIDPerMessage() throws {
        let first = try #require(Self.header(try Self.built(Self.line, Self.message(to: "U1", key: "demo:7")), "X-Line-Retry-Key"))
        let again = try #require(Self.header(try Self.built(Self.line, Self.message(to: "U1", key: "demo:7")), "X-Line-Retry-Key"))
        let other = try #require(Self.header(try Self.built(Self.line, Self.message(to: "U1", key: "demo:8")), "X-Line-Retry-Key"))
        #expect(first == again)
        #expect(first != other)
        let uuid = try #require(UUID(uuidString: first))
        #expect(uuid.uuidString.lowercased() == first)
        #expect(Array(first)[14] == "8")  // version 8
        #expect("89ab".contains(Array(first)[19]))  // RFC 9562 variant
    }

    static let whatsapp = WhatsAppOutboundChannel(
        settings: WhatsAppSettings(appSecret: Secret("as"), verifyToken: Secret("vt"), accessToken: Secret("wat"),
                                   phoneNumberID: "106540352242922"),
        apiBaseURL: "http://127.0.0.1:9")

    @Test func whatsappRequestInsideTheWindow() throws {
        let request = try Self.built(Self.whatsapp, Self.message(to: "6281200000001", lastInboundAt: Self.now - 23 * 3600))
        #expect(request.url == "http://127.0.0.1:9/106540352242922/messages")
        #expect(Self.header(request, "Authorization") == "Bearer wat")
        let body = try Self.json(request)
        #expect(body["messaging_product"] as? String == "whatsapp")
        #expect(body["to"] as? String == "6281200000001")
        #expect(body["type"] as? String == "text")
        #expect((body["text"] as? [String: Any])?["body"] as? String == "Petugas kami akan menelepon Anda.")
        #expect(WhatsAppOutboundChannel(settings: Self.whatsapp.settings).baseURL == "https://graph.facebook.com/v25.0")
    }

    @Test(arguments: [Self.now - 24 * 3600 - 1, nil] as [Date?])
    func whatsappRefusesOutsideTheCustomerServiceWindow(lastInbound: Date?) {
        let result = Self.whatsapp.request(for: Self.message(lastInboundAt: lastInbound, byPerson: true), now: Self.now)
        guard case .failure(let refusal) = result else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.reason.contains("24 hours"))
        #expect(!refusal.reason.contains("Petugas"))
    }

    static let messenger = MessengerOutboundChannel(
        settings: MessengerSettings(appSecret: Secret("as"), verifyToken: Secret("vt"), pageAccessToken: Secret("pat")),
        apiBaseURL: "http://127.0.0.1:9/")

    @Test(arguments: [
        (1.0, false, "RESPONSE", nil as String?),
        (1.0, true, "RESPONSE", nil),
        (25.0, true, "MESSAGE_TAG", "HUMAN_AGENT"),
        (7 * 24.0 - 1, true, "MESSAGE_TAG", "HUMAN_AGENT"),
    ])
    func messengerMessagingTypeFollowsTheWindow(hoursAgo: Double, byPerson: Bool, type: String, tag: String?) throws {
        let request = try Self.built(Self.messenger, Self.message(to: "2000000000000001",
                                                                  lastInboundAt: Self.now - hoursAgo * 3600,
                                                                  byPerson: byPerson))
        #expect(request.url == "http://127.0.0.1:9/me/messages")
        #expect(Self.header(request, "Authorization") == "Bearer pat")
        #expect(!request.url.contains("pat"))
        let body = try Self.json(request)
        #expect((body["recipient"] as? [String: String]) == ["id": "2000000000000001"])
        #expect((body["message"] as? [String: String]) == ["text": "Petugas kami akan menelepon Anda."])
        #expect(body["messaging_type"] as? String == type)
        #expect(body["tag"] as? String == tag)
    }

    @Test(arguments: [(25.0, false), (7 * 24.0 + 1, true)])
    func messengerRefusesLateAutomaticRepliesAndVeryLateOnes(hoursAgo: Double, byPerson: Bool) {
        let result = Self.messenger.request(for: Self.message(lastInboundAt: Self.now - hoursAgo * 3600, byPerson: byPerson),
                                            now: Self.now)
        guard case .failure = result else {
            Issue.record("expected a refusal")
            return
        }
    }

    static let telegram = TelegramOutboundChannel(settings: TelegramSettings(botToken: Secret("123:ABC"), secretToken: Secret("st")),
                                                  apiBaseURL: "http://127.0.0.1:9")

    @Test func telegramRequest() throws {
        let request = try Self.built(Self.telegram, Self.message(to: "100000001"))
        #expect(request.url == "http://127.0.0.1:9/bot123:ABC/sendMessage")
        let body = try Self.json(request)
        #expect(body["chat_id"] as? String == "100000001")
        #expect(body["text"] as? String == "Petugas kami akan menelepon Anda.")
    }

    @Test func jsonChannelWithoutReplyURLRepliesInlineOnly() {
        let result = JSONOutboundChannel(settings: JSONChannelSettings(secret: Secret("s"))).request(for: Self.message(), now: Self.now)
        #expect(result == .failure(SendRefusal("the json channel has no reply_url: it replies inline only")))
    }

    /// The reply is signed exactly as inbound webhooks are: Kawan's own
    /// inbound check accepts it, and rejects it once the body is changed.
    @Test func jsonChannelPostsSignedRepliesToItsReplyURL() throws {
        let channel = JSONOutboundChannel(settings: JSONChannelSettings(secret: Secret("web-secret"),
                                                                       replyURL: "https://widget.example/kawan/replies"))
        let request = try Self.built(channel, Self.message(to: "visitor-42", byPerson: true, key: "demo:77"))
        #expect(request.method == "POST" && request.url == "https://widget.example/kawan/replies")
        let body = try Self.json(request)
        #expect(body["to"] as? String == "visitor-42" && body["author"] as? String == "caseworker" && body["id"] as? String == "demo:77")
        #expect(body["text"] as? String == "Petugas kami akan menelepon Anda.")
        #expect(Self.header(request, "Idempotency-Key") == "demo:77")
        #expect(Self.header(request, "X-Kawan-Timestamp") == "1795435200")
        let inbound = JSONInboundChannel(settings: JSONChannelSettings(secret: Secret("web-secret")))
        var headers = HTTPHeaders()
        for header in request.headers { headers.add(header.name, header.value) }
        let signed = WebhookRequest(method: "POST", publicURL: request.url, headers: headers, body: request.body, receivedAt: Self.now)
        #expect((try? inbound.verify(signed, now: Self.now).get()) != nil)
        var tampered = signed
        tampered.body = Array(String(decoding: request.body, as: UTF8.self).replacingOccurrences(of: "visitor-42", with: "visitor-43").utf8)
        #expect(Self.failure(inbound.verify(tampered, now: Self.now)) == .badSignature)
        let wrongKey = JSONInboundChannel(settings: JSONChannelSettings(secret: Secret("other")))
        #expect(Self.failure(wrongKey.verify(signed, now: Self.now)) == .badSignature)
    }

    @Test(arguments: [
        (200, #"{"id":"w-1"}"#, SendOutcome.accepted(providerMessageID: "w-1")),
        (204, "", SendOutcome.accepted(providerMessageID: nil)),
        (503, #"{"error":"busy"}"#, SendOutcome.retryable(reason: "HTTP 503: busy", retryAfter: nil)),
        (429, "", SendOutcome.retryable(reason: "HTTP 429", retryAfter: nil)),
        (404, #"{"error":"unknown visitor"}"#, SendOutcome.permanent(reason: "HTTP 404: unknown visitor")),
    ])
    func jsonChannelAnswers(status: Int, body: String, expected: SendOutcome) {
        let channel = JSONOutboundChannel(settings: JSONChannelSettings(secret: Secret("s"), replyURL: "http://127.0.0.1:9/r"))
        #expect(channel.interpret(status: status, headers: [], body: Self.bytes(body)) == expected)
    }

    @Test func factoryUsesTheConfiguredBaseURL() throws {
        let channel = ChannelConfiguration(id: "telegram", settings: .telegram(TelegramSettings(botToken: Secret("t"), secretToken: Secret("s"))),
                                           apiBaseURL: "http://127.0.0.1:1234")
        let request = try OutboundChannels.make(for: channel).request(for: Self.message(), now: Self.now).get()
        #expect(request.url == "http://127.0.0.1:1234/bott/sendMessage")
    }

    // MARK: Answers

    struct AnswerCase: Sendable, CustomTestStringConvertible {
        let name: String
        let channel: any OutboundChannel
        let status: Int
        let headers: [ProviderRequest.Header]
        let body: String
        let expected: SendOutcome
        var testDescription: String { name }
    }

    static let twilio = TwilioOutboundChannel(
        settings: TwilioSettings(accountSID: "AC1", authToken: Secret("t"), sender: .phoneNumber("+1")))
    static let vonage = VonageOutboundChannel(
        settings: VonageSettings(apiKey: "k", apiSecret: Secret("s"), signatureSecret: Secret("g"), signatureMethod: .md5hash,
                                 from: "KAWAN"))

    static let answers: [AnswerCase] = [
        AnswerCase(name: "twilio accepted", channel: twilio, status: 201, headers: [],
                   body: #"{"sid": "SM00000000000000000000000000000099", "status": "accepted"}"#,
                   expected: .accepted(providerMessageID: "SM00000000000000000000000000000099")),
        AnswerCase(name: "twilio 429", channel: twilio, status: 429, headers: [.init("Retry-After", "7")],
                   body: #"{"code": 20429, "message": "Too Many Requests", "status": 429}"#,
                   expected: .retryable(reason: "HTTP 429: 20429 Too Many Requests", retryAfter: 7)),
        AnswerCase(name: "twilio 500", channel: twilio, status: 500, headers: [], body: "oops",
                   expected: .retryable(reason: "HTTP 500", retryAfter: nil)),
        AnswerCase(name: "twilio 400", channel: twilio, status: 400, headers: [],
                   body: #"{"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}"#,
                   expected: .permanent(reason: "HTTP 400: 21211 Invalid 'To' Phone Number")),
        AnswerCase(name: "vonage accepted", channel: vonage, status: 200, headers: [],
                   body: #"{"message-count":"1","messages":[{"to":"62812","message-id":"0C00000000000099","status":"0"}]}"#,
                   expected: .accepted(providerMessageID: "0C00000000000099")),
        AnswerCase(name: "vonage throttled", channel: vonage, status: 200, headers: [],
                   body: #"{"message-count":"1","messages":[{"status":"1","error-text":"Throughput Rate Exceeded - please wait [ 10 ] and retry"}]}"#,
                   expected: .retryable(reason: "Vonage status 1: Throughput Rate Exceeded - please wait [ 10 ] and retry",
                                        retryAfter: nil)),
        AnswerCase(name: "vonage invalid credentials", channel: vonage, status: 200, headers: [],
                   body: #"{"message-count":"1","messages":[{"status":"4","error-text":"Bad Credentials"}]}"#,
                   expected: .permanent(reason: "Vonage status 4: Bad Credentials")),
        AnswerCase(name: "vonage second part failed", channel: vonage, status: 200, headers: [],
                   body: #"{"message-count":"2","messages":[{"status":"0","message-id":"A"},{"status":"5","error-text":"Internal Error"}]}"#,
                   expected: .retryable(reason: "Vonage status 5: Internal Error", retryAfter: nil)),
        AnswerCase(name: "vonage 503", channel: vonage, status: 503, headers: [.init("retry-after", "2")], body: "",
                   expected: .retryable(reason: "HTTP 503", retryAfter: 2)),
        AnswerCase(name: "line reply accepted", channel: line, status: 200, headers: [],
                   body: #"{"sentMessages":[{"id":"600000000000000001","quoteToken":"q"}]}"#,
                   expected: .accepted(providerMessageID: "600000000000000001")),
        AnswerCase(name: "line push already accepted (409 with retry key)", channel: line, status: 409,
                   headers: [.init("x-line-accepted-request-id", "abc")],
                   body: #"{"message":"The retry key is already accepted"}"#, expected: .accepted(providerMessageID: nil)),
        AnswerCase(name: "line invalid reply token", channel: line, status: 400, headers: [],
                   body: #"{"message":"Invalid reply token"}"#, expected: .permanent(reason: "HTTP 400: Invalid reply token")),
        AnswerCase(name: "line 429", channel: line, status: 429, headers: [],
                   body: #"{"message":"The API rate limit has been exceeded. Try again later."}"#,
                   expected: .retryable(reason: "HTTP 429: The API rate limit has been exceeded. Try again later.", retryAfter: nil)),
        AnswerCase(name: "whatsapp accepted", channel: whatsapp, status: 200, headers: [],
                   body: #"{"messaging_product":"whatsapp","contacts":[{"input":"62","wa_id":"62"}],"messages":[{"id":"wamid.TEST1"}]}"#,
                   expected: .accepted(providerMessageID: "wamid.TEST1")),
        AnswerCase(name: "whatsapp throughput limit is retryable even as 400", channel: whatsapp, status: 400, headers: [],
                   body: #"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}}"#,
                   expected: .retryable(reason: "HTTP 400: (#130429) Rate limit hit (code 130429)", retryAfter: nil)),
        AnswerCase(name: "whatsapp re-engagement required", channel: whatsapp, status: 400, headers: [],
                   body: #"{"error":{"message":"(#131047) Re-engagement message","code":131047}}"#,
                   expected: .permanent(reason: "HTTP 400: (#131047) Re-engagement message (code 131047)")),
        AnswerCase(name: "whatsapp 500", channel: whatsapp, status: 500, headers: [], body: "",
                   expected: .retryable(reason: "HTTP 500", retryAfter: nil)),
        AnswerCase(name: "messenger accepted", channel: messenger, status: 200, headers: [],
                   body: #"{"recipient_id":"2000000000000001","message_id":"m_TEST1"}"#,
                   expected: .accepted(providerMessageID: "m_TEST1")),
        AnswerCase(name: "messenger outside window", channel: messenger, status: 400, headers: [],
                   body: #"{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278}}"#,
                   expected: .permanent(reason: "HTTP 400: (#10) This message is sent outside of allowed window. (code 10, subcode 2018278)")),
        AnswerCase(name: "messenger transient", channel: messenger, status: 400, headers: [],
                   body: #"{"error":{"message":"An unexpected error has occurred.","code":2,"is_transient":true}}"#,
                   expected: .retryable(reason: "HTTP 400: An unexpected error has occurred. (code 2)", retryAfter: nil)),
        AnswerCase(name: "telegram accepted", channel: telegram, status: 200, headers: [],
                   body: #"{"ok":true,"result":{"message_id":15,"chat":{"id":100000001,"type":"private"},"date":1795435205}}"#,
                   expected: .accepted(providerMessageID: "15")),
        AnswerCase(name: "telegram flood control", channel: telegram, status: 429, headers: [],
                   body: #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 34","parameters":{"retry_after":34}}"#,
                   expected: .retryable(reason: "HTTP 429: Too Many Requests: retry after 34", retryAfter: 34)),
        AnswerCase(name: "telegram blocked", channel: telegram, status: 403, headers: [],
                   body: #"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#,
                   expected: .permanent(reason: "HTTP 403: Forbidden: bot was blocked by the user")),
        AnswerCase(name: "telegram 502 from a proxy", channel: telegram, status: 502, headers: [], body: "<html>Bad Gateway</html>",
                   expected: .retryable(reason: "HTTP 502", retryAfter: nil)),
    ]

    @Test(arguments: answers)
    func interpretsProviderAnswers(_ answer: AnswerCase) {
        let outcome = answer.channel.interpret(status: answer.status, headers: answer.headers, body: Self.bytes(answer.body))
        #expect(outcome == answer.expected)
    }

    @Test func retryAfterAsHTTPDateAndLongErrorsTruncated() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date() + 120)
        let outcome = Self.twilio.interpret(status: 429, headers: [.init("Retry-After", date)], body: [])
        guard case .retryable(_, let delay?) = outcome else {
            Issue.record("expected a retryable outcome with a delay, got \(outcome)")
            return
        }
        #expect(delay > 115 && delay <= 120)

        let long = String(repeating: "x", count: 5000)
        let permanent = Self.twilio.interpret(status: 400, headers: [], body: Self.bytes(#"{"code":1,"message":"\#(long)"}"#))
        guard case .permanent(let reason) = permanent else {
            Issue.record("expected permanent")
            return
        }
        #expect(reason.count < 220)
    }
}
