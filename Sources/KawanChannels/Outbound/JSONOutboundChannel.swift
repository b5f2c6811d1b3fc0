public import Foundation
public import KawanConfig
import KawanCrypto

/// Kawan's own signed JSON channel. Replies to a webhook travel in its
/// response (`{"replies":[{"text":"..."}]}`); a message that cannot go inline
/// (a caseworker's later answer) is POSTed to the channel's `reply_url`,
/// signed exactly as inbound webhooks are, so the integration checks it with
/// the code it already has. Without `reply_url` such a message is refused,
/// so it fails visibly instead of waiting in the outbox forever.
///
/// The request (docs/channels.md):
///
///     POST <reply_url>
///     Content-Type: application/json
///     Idempotency-Key: <stable across retries>
///     X-Kawan-Timestamp: <Unix seconds>
///     X-Kawan-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
///
///     {"id": "<idempotency key>", "to": "<the person's from>", "text": "...", "author": "caseworker"}
///
/// 2xx delivers it (an `id` in a JSON answer is kept as the provider's id);
/// 429 and 5xx are retried; any other status fails the message.
public struct JSONOutboundChannel: OutboundChannel {
    let secret: [UInt8]
    let replyURL: String?

    public init(settings: JSONChannelSettings) {
        secret = settings.secret.bytes
        replyURL = settings.replyURL
    }

    /// True when messages can be sent outside a webhook's response.
    public var canSendLater: Bool { replyURL != nil }

    public func request(for message: OutboundMessage, now: Date) -> Result<ProviderRequest, SendRefusal> {
        guard let replyURL else {
            return .failure(SendRefusal("the json channel has no reply_url: it replies inline only"))
        }
        let body = ProviderAnswer.jsonBody([
            "id": message.idempotencyKey, "to": message.recipientAddress, "text": message.text,
            "author": message.authoredByPerson ? "caseworker" : "kawan",
        ])
        let timestamp = String(Int(now.timeIntervalSince1970))
        let signature = JSONInboundChannel.signature(secret: secret, timestamp: timestamp, body: body)
        return .success(ProviderRequest(
            method: "POST", url: replyURL,
            headers: [.init("Content-Type", "application/json"), .init("Idempotency-Key", message.idempotencyKey),
                      .init("X-Kawan-Timestamp", timestamp), .init("X-Kawan-Signature", "sha256=" + Hex.encode(signature))],
            body: body))
    }

    public func interpret(status: Int, headers: [ProviderRequest.Header], body: [UInt8]) -> SendOutcome {
        ProviderAnswer.classify(status: status, headers: headers, body: body,
                                acceptedID: { ProviderAnswer.string($0, "id") },
                                errorText: { ProviderAnswer.string($0, "error") })
    }
}
