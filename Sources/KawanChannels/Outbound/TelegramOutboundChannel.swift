public import Foundation
public import KawanConfig

/// Telegram's Bot API: `POST /bot{token}/sendMessage` with JSON `chat_id`
/// and `text`; the answer is `{"ok":true,"result":{"message_id":…}}`
/// (https://core.telegram.org/bots/api#sendmessage). Flood control answers
/// 429 with `parameters.retry_after` seconds, which is honoured. No
/// idempotency key (at least once).
public struct TelegramOutboundChannel: OutboundChannel {
    public static let defaultBaseURL = "https://api.telegram.org"

    public let settings: TelegramSettings
    public let baseURL: String

    public init(settings: TelegramSettings, apiBaseURL: String? = nil) {
        self.settings = settings
        self.baseURL = ProviderAnswer.base(apiBaseURL, default: Self.defaultBaseURL)
    }

    public func request(for message: OutboundMessage, now: Date) -> Result<ProviderRequest, SendRefusal> {
        .success(ProviderRequest(
            method: "POST", url: baseURL + "/bot" + settings.botToken.string + "/sendMessage",
            headers: [.init("Content-Type", "application/json")],
            body: ProviderAnswer.jsonBody(["chat_id": message.recipientAddress, "text": message.text])))
    }

    public func interpret(status: Int, headers: [ProviderRequest.Header], body: [UInt8]) -> SendOutcome {
        let json = ProviderAnswer.parseJSON(body)
        let errorCode = ProviderAnswer.string(json, "error_code").flatMap { Int($0) }
        // Telegram mirrors error_code in the HTTP status; trust the body when they differ.
        let effective = (200..<300).contains(status) && (json as? [String: Any])?["ok"] as? Bool == false
            ? (errorCode ?? 500) : status
        let outcome = ProviderAnswer.classify(
            status: effective, headers: headers, body: body,
            acceptedID: { ProviderAnswer.string($0, "result", "message_id") },
            errorText: { ProviderAnswer.string($0, "description") })
        if case .retryable(let reason, let headerDelay) = outcome,
           let delay = ProviderAnswer.string(json, "parameters", "retry_after").flatMap(Double.init) {
            return .retryable(reason: reason, retryAfter: max(delay, headerDelay ?? 0))
        }
        return outcome
    }
}
