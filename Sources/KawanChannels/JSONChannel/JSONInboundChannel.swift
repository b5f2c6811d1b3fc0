public import Foundation
public import KawanConfig
import KawanCrypto
public import KawanHTTP

/// Kawan's own signed JSON webhook, for web chat widgets and custom
/// integrations (request and response shapes in docs/channels.md).
///
/// Signed like Stripe's and Slack's webhooks: `X-Kawan-Timestamp` (Unix
/// seconds) and `X-Kawan-Signature: sha256=<hex HMAC-SHA256 of
/// "<timestamp>.<raw body>">`. Covering the timestamp makes a captured
/// request useless after 5 minutes.
public struct JSONInboundChannel: InboundChannel {
    /// How far a signed timestamp may be from the server's clock.
    public static let timestampTolerance: Double = 300

    let secret: [UInt8]

    public init(settings: JSONChannelSettings) {
        secret = settings.secret.bytes
    }

    /// HMAC-SHA256 of `"<timestamp>.<body>"` under the channel's secret: what
    /// an integration signs its webhooks with, and what Kawan signs the
    /// messages it POSTs to the channel's `reply_url` with.
    static func signature(secret: [UInt8], timestamp: String, body: [UInt8]) -> [UInt8] {
        Digest.hmac(.sha256, key: secret, message: Array(timestamp.utf8) + [UInt8(ascii: ".")] + body)
    }

    public func verify(_ request: WebhookRequest, now: Date) -> Result<Void, VerificationFailure> {
        guard let timestampText = request.headers["X-Kawan-Timestamp"],
              let signature = request.headers["X-Kawan-Signature"] else { return .failure(.missingSignature) }
        guard signature.hasPrefix("sha256="), let given = Hex.decode(String(signature.dropFirst(7))) else {
            return .failure(.badSignature)
        }
        guard let timestamp = Double(timestampText), timestampText.allSatisfy(\.isNumber) else {
            return .failure(.badSignature)
        }
        let expected = Self.signature(secret: secret, timestamp: timestampText, body: request.body)
        guard Digest.constantTimeEqual(given, expected) else { return .failure(.badSignature) }
        guard abs(now.timeIntervalSince1970 - timestamp) <= Self.timestampTolerance else {
            return .failure(.staleTimestamp)
        }
        return .success(())
    }

    /// `{"id": "...", "from": "...", "text": "...", "type": "text", "media_url": "...", "sent_at": 1700000000}`
    public func parse(_ request: WebhookRequest) -> Result<[InboundEvent], WebhookParseError> {
        guard request.mediaType == "application/json" else {
            return .failure(.unsupportedContentType(request.mediaType))
        }
        guard String(validating: request.body, as: UTF8.self) != nil else { return .failure(.invalidUTF8) }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] else {
            return .failure(.malformed("body is not a JSON object"))
        }
        guard let id = object["id"] as? String, !id.isEmpty, id.utf8.count <= 200 else {
            return .failure(.malformed("\"id\" must be a non-empty string of at most 200 bytes"))
        }
        guard let from = object["from"] as? String, !from.isEmpty, from.utf8.count <= 200 else {
            return .failure(.malformed("\"from\" must be a non-empty string of at most 200 bytes"))
        }
        let typeName = (object["type"] as? String) ?? "text"
        guard let contentType = ContentType(rawValue: typeName) else {
            return .failure(.malformed("\"type\" must be one of text, image, audio, video, sticker, location, file, contact, other"))
        }
        let text = object["text"] as? String
        if object["text"] != nil && text == nil { return .failure(.malformed("\"text\" must be a string")) }
        if contentType == .text && (text ?? "").isEmpty { return .failure(.malformed("a text message needs \"text\"")) }
        let media = object["media_url"] as? String
        let sentAt = (object["sent_at"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue) }
        return .success([.message(InboundMessageEvent(providerMessageID: id, senderAddress: from, text: text,
                                                      contentType: contentType, mediaReference: media, sentAt: sentAt))])
    }

    public var supportsInlineReplies: Bool { true }

    /// `{"replies":[{"text":"..."}]}`
    public func acknowledgement(inlineReplies: [String]) -> HTTPResponse {
        let object: [String: Any] = ["replies": inlineReplies.map { ["text": $0] }]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return .json(Array(data))
    }
}
