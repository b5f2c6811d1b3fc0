public import Foundation
public import KawanConfig
import KawanCrypto

/// LINE's Messaging API. While the reply token of the message being
/// answered is fresh, the free reply API (`POST /v2/bot/message/reply`);
/// otherwise the push API (`POST /v2/bot/message/push`), which counts
/// against the plan's quota
/// (https://developers.line.biz/en/reference/messaging-api/#send-reply-message).
///
/// Pushes carry `X-Line-Retry-Key`, a UUID derived from the outbox row's
/// idempotency key, so every retry of one message (across restarts too)
/// presents the same key: LINE executes the push once and answers later
/// tries with 409 (https://developers.line.biz/en/docs/messaging-api/retrying-api-request/),
/// which counts as accepted here. The reply API rejects the header (400),
/// so replies go without it; a reply token is single-use, which makes a
/// duplicate reply impossible anyway.
public struct LineOutboundChannel: OutboundChannel {
    public static let defaultBaseURL = "https://api.line.me"

    public let settings: LineSettings
    public let baseURL: String

    public init(settings: LineSettings, apiBaseURL: String? = nil) {
        self.settings = settings
        self.baseURL = ProviderAnswer.base(apiBaseURL, default: Self.defaultBaseURL)
    }

    public func request(for message: OutboundMessage, now: Date) -> Result<ProviderRequest, SendRefusal> {
        let messages: [[String: Any]] = [["type": "text", "text": message.text]]
        var headers: [ProviderRequest.Header] = [.init("Authorization", "Bearer " + settings.channelAccessToken.string),
                                                 .init("Content-Type", "application/json")]
        if let token = message.replyToken, let expiry = message.replyTokenExpiresAt, expiry > now {
            return .success(ProviderRequest(method: "POST", url: baseURL + "/v2/bot/message/reply", headers: headers,
                                            body: ProviderAnswer.jsonBody(["replyToken": token, "messages": messages])))
        }
        headers.append(.init("X-Line-Retry-Key", Self.retryKey(for: message.idempotencyKey)))
        return .success(ProviderRequest(method: "POST", url: baseURL + "/v2/bot/message/push", headers: headers,
                                        body: ProviderAnswer.jsonBody(["to": message.recipientAddress,
                                                                       "messages": messages])))
    }

    /// Both APIs answer `{"sentMessages":[{"id":"...","quoteToken":"..."}]}`;
    /// errors `{"message":"Invalid reply token"}`.
    public func interpret(status: Int, headers: [ProviderRequest.Header], body: [UInt8]) -> SendOutcome {
        // 409 answers a retried push whose first try LINE accepted.
        if status == 409, headers.contains(where: { $0.name.lowercased() == "x-line-accepted-request-id" })
            || ProviderAnswer.string(ProviderAnswer.parseJSON(body), "message")?.contains("retry key") == true {
            return .accepted(providerMessageID: nil)
        }
        return ProviderAnswer.classify(status: status, headers: headers, body: body,
                                       acceptedID: { ProviderAnswer.string($0, "sentMessages", "0", "id") },
                                       errorText: { json in
                                           guard let message = ProviderAnswer.string(json, "message") else { return nil }
                                           let detail = ProviderAnswer.string(json, "details", "0", "message")
                                           return detail.map { "\(message) (\($0))" } ?? message
                                       })
    }

    /// A version 8 (RFC 9562 "custom") UUID made of SHA-256(`key`): LINE
    /// wants a hexadecimal UUID, and it must be the same on every retry.
    public static func retryKey(for key: String) -> String {
        var bytes = Array(Digest.sha256(key).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.encode(bytes)
        let groups = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4),
                      hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return groups.map(String.init).joined(separator: "-")
    }
}
