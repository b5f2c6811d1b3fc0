public import Foundation
public import KawanConfig

/// Vonage's SMS API: `POST /sms/json` with `api_key`, `api_secret`, `from`,
/// `to`, `text` in a form body (https://developer.vonage.com/en/api/sms).
/// Text outside the GSM-7 alphabet (Vietnamese diacritics, Japanese) is
/// sent with `type=unicode`, or it would arrive garbled.
///
/// Vonage answers HTTP 200 even when it refuses a message: the verdict is
/// `messages[i].status`, "0" for success. Status 1 (throttled) and 5
/// (internal error) are worth retrying; the others are permanent
/// (https://developer.vonage.com/messaging/sms/guides/troubleshooting-sms). Vonage
/// takes no idempotency key (at least once).
public struct VonageOutboundChannel: OutboundChannel {
    public static let defaultBaseURL = "https://rest.nexmo.com"
    static let retryableStatuses: Set<String> = ["1", "5"]

    public let settings: VonageSettings
    public let baseURL: String

    public init(settings: VonageSettings, apiBaseURL: String? = nil) {
        self.settings = settings
        self.baseURL = ProviderAnswer.base(apiBaseURL, default: Self.defaultBaseURL)
    }

    public func request(for message: OutboundMessage, now: Date) -> Result<ProviderRequest, SendRefusal> {
        // Vonage numbers are international format without the leading `+`.
        let recipient = message.recipientAddress.hasPrefix("+")
            ? String(message.recipientAddress.dropFirst()) : message.recipientAddress
        var fields = [("api_key", settings.apiKey), ("api_secret", settings.apiSecret.string),
                      ("from", settings.from), ("to", recipient), ("text", message.text)]
        if !GSM7Alphabet.canEncode(message.text) { fields.append(("type", "unicode")) }
        return .success(ProviderRequest(
            method: "POST", url: baseURL + "/sms/json",
            headers: [.init("Content-Type", "application/x-www-form-urlencoded"), .init("Accept", "application/json")],
            body: ProviderAnswer.formBody(fields)))
    }

    public func interpret(status: Int, headers: [ProviderRequest.Header], body: [UInt8]) -> SendOutcome {
        let outcome = ProviderAnswer.classify(status: status, headers: headers, body: body,
                                              acceptedID: { ProviderAnswer.string($0, "messages", "0", "message-id") },
                                              errorText: { ProviderAnswer.string($0, "error-text") })
        guard case .accepted = outcome else { return outcome }
        // A long text is sent as several parts, each with its own status.
        let parts = (ProviderAnswer.parseJSON(body) as? [String: Any])?["messages"] as? [[String: Any]] ?? []
        guard !parts.isEmpty else { return .permanent(reason: "Vonage answered without a messages array") }
        for part in parts {
            let code = ProviderAnswer.string(json: part["status"]) ?? "?"
            guard code != "0" else { continue }
            let text = (ProviderAnswer.string(json: part["error-text"])).map(ProviderAnswer.truncate) ?? "no error text"
            let reason = "Vonage status \(code): \(text)"
            return Self.retryableStatuses.contains(code) ? .retryable(reason: reason, retryAfter: nil) : .permanent(reason: reason)
        }
        return outcome
    }
}
