import Foundation
import KawanConfig
import KawanCrypto
import KawanHTTP

/// What WhatsApp Cloud API and Messenger webhooks share, both being Meta
/// Graph webhooks: the `X-Hub-Signature-256` header (`sha256=` and the hex
/// HMAC-SHA256 of the raw body under the app secret) and the subscription
/// handshake (`GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`,
/// answered with the challenge).
/// Source: developers.facebook.com/docs/graph-api/webhooks/getting-started
/// ("Verification Requests", "Validating Payloads").
struct MetaWebhook: Sendable {
    let appSecret: Secret
    let verifyToken: Secret

    func verify(_ request: WebhookRequest) -> Result<Void, VerificationFailure> {
        let expected = Digest.hmac(.sha256, key: appSecret.bytes, message: request.body)
        return SignatureCheck.hex(request.headers["X-Hub-Signature-256"], prefix: "sha256=", matches: expected)
    }

    func handshake(_ request: WebhookRequest) -> Result<HTTPResponse, VerificationFailure> {
        guard let parameters = RawFormParameters(decoding: request.query)?.validatedUTF8(),
              parameters["hub.mode"] == "subscribe",
              let token = parameters["hub.verify_token"], SignatureCheck.token(token, equals: verifyToken),
              let challenge = parameters["hub.challenge"] else {
            return .failure(.badVerifyToken)
        }
        return .success(.text(challenge))
    }

    /// `entry[]` of a body whose `object` is `expectedObject`.
    static func entries(_ body: JSONObject, object expectedObject: String) -> Result<[JSONObject], WebhookParseError> {
        guard body.string("object") == expectedObject else {
            return .failure(.malformed("\"object\" is not \"\(expectedObject)\""))
        }
        guard let entries = body.objects("entry") else { return .failure(.malformed("\"entry\" is not an array of objects")) }
        return .success(entries)
    }
}

/// What WhatsApp's and Messenger's inbound channels share beyond the
/// signature: no inline replies, a plain 200, Meta's handshake, and a JSON
/// body whose `object` names the product; each type reads its own entries.
protocol MetaInboundChannel: InboundChannel {
    var meta: MetaWebhook { get }
    /// The body's `object`: `whatsapp_business_account` or `page`.
    static var objectType: String { get }
    /// The events of the body's `entry[]`, in order.
    func events(in entries: [JSONObject]) -> Result<[InboundEvent], WebhookParseError>
}

extension MetaInboundChannel {
    public var supportsInlineReplies: Bool { false }
    public var acknowledgesUnreadableEvents: Bool { true }

    public func acknowledgement(inlineReplies: [String]) -> HTTPResponse { HTTPResponse(status: .ok) }

    public func verify(_ request: WebhookRequest, now: Date) -> Result<Void, VerificationFailure> { meta.verify(request) }

    public func handshake(_ request: WebhookRequest) -> Result<HTTPResponse, VerificationFailure>? { meta.handshake(request) }

    public func parse(_ request: WebhookRequest) -> Result<[InboundEvent], WebhookParseError> {
        guard request.mediaType == "application/json" else { return .failure(.unsupportedContentType(request.mediaType)) }
        return JSONObject.parseBody(request.body)
            .flatMap { MetaWebhook.entries($0, object: Self.objectType) }
            .flatMap { events(in: $0) }
    }
}
