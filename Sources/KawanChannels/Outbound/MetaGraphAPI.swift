import Foundation

/// What WhatsApp's Cloud API and Messenger's Send API share: both are Graph
/// API endpoints with the same error shape.
enum MetaGraphAPI {
    /// The Graph API version used by default. Meta's Send API reference
    /// shows `https://graph.facebook.com/v25.0/{PAGE_ID}/messages`
    /// (https://developers.facebook.com/docs/messenger-platform/reference/send-api);
    /// an `api_base_url` replaces the whole prefix, version included.
    static let defaultBaseURL = "https://graph.facebook.com/v25.0"

    /// How long after the worker's last message free-form replies are allowed.
    static let standardWindow: Double = 24 * 3600

    /// Graph error codes that mean "slow down" or "try again", whatever the
    /// HTTP status: 4 and 80007 (application and WhatsApp account rate
    /// limits), 613 (Messenger call rate), 130429 (Cloud API throughput),
    /// 131056 (too many messages to one user), 1 and 2 (unknown or temporary
    /// service errors). Meta also marks transient errors `is_transient`.
    static let retryableErrorCodes: Set<Int> = [1, 2, 4, 613, 80007, 130429, 131056]

    static func interpret(status: Int, headers: [ProviderRequest.Header], body: [UInt8],
                          acceptedID: (Any?) -> String?) -> SendOutcome {
        let outcome = ProviderAnswer.classify(status: status, headers: headers, body: body, acceptedID: acceptedID,
                                              errorText: errorText)
        guard case .permanent(let reason) = outcome else { return outcome }
        let error = (ProviderAnswer.parseJSON(body) as? [String: Any])?["error"] as? [String: Any]
        let code = ProviderAnswer.string(json: error?["code"]).flatMap { Int($0) }
        let transient = (error?["is_transient"] as? Bool) ?? false
        if transient || code.map(retryableErrorCodes.contains) == true {
            return .retryable(reason: reason, retryAfter: ProviderAnswer.retryAfter(headers))
        }
        return outcome
    }

    /// `(#130429) Rate limit hit (code 130429)`
    static func errorText(_ json: Any?) -> String? {
        guard let message = ProviderAnswer.string(json, "error", "message") else { return nil }
        let code = ProviderAnswer.string(json, "error", "code")
        let subcode = ProviderAnswer.string(json, "error", "error_subcode")
        var text = message
        if let code { text += " (code \(code)" + (subcode.map { ", subcode \($0)" } ?? "") + ")" }
        return text
    }
}
