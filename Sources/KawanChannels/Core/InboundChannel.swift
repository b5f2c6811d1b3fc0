public import Foundation
public import KawanHTTP

/// Why a webhook's authenticity check failed. Answered 403; nothing stored.
public enum VerificationFailure: Error, Equatable, Sendable {
    case missingSignature
    case badSignature
    /// A signed timestamp outside the accepted window (5 minutes).
    case staleTimestamp
    /// The GET handshake's verify token did not match.
    case badVerifyToken

    /// The `reason` label of `kawan_webhook_rejected_total`.
    public var reason: String {
        switch self {
        case .missingSignature: "missing_signature"
        case .badSignature: "bad_signature"
        case .staleTimestamp: "stale_timestamp"
        case .badVerifyToken: "bad_verify_token"
        }
    }
}

/// Why a correctly signed webhook could not be read. Answered 400 (or as
/// the provider's rules require); nothing stored.
public enum WebhookParseError: Error, Equatable, Sendable {
    case unsupportedContentType(String)
    case invalidUTF8
    case malformed(String)

    public var reason: String {
        switch self {
        case .unsupportedContentType: "wrong_content_type"
        case .invalidUTF8: "invalid_utf8"
        case .malformed: "malformed"
        }
    }
}

/// The inbound half of one channel type: authenticity, parsing, and the
/// shape of the acknowledgement. Implementations are pure (no I/O, no
/// clock but the one passed in), so each is tested table-driven on real
/// provider payloads.
public protocol InboundChannel: Sendable {
    /// Checks the request's signature (in constant time) or token.
    func verify(_ request: WebhookRequest, now: Date) -> Result<Void, VerificationFailure>

    /// Reads the (verified) body into events, in the order the provider sent them.
    func parse(_ request: WebhookRequest) -> Result<[InboundEvent], WebhookParseError>

    /// Whether replies can ride in the webhook's response (TwiML, JSON).
    var supportsInlineReplies: Bool { get }

    /// The 2xx answer to a webhook that was stored, carrying `inlineReplies`
    /// when `supportsInlineReplies`.
    func acknowledgement(inlineReplies: [String]) -> HTTPResponse

    /// Answers a `GET` verification handshake (Meta's `hub.challenge`), or
    /// nil when the channel type has none (the route then answers 405).
    func handshake(_ request: WebhookRequest) -> Result<HTTPResponse, VerificationFailure>?

    /// Whether a signed but unreadable request must still be answered 200
    /// (Meta disables webhooks that keep failing): the raw body is then
    /// stored as an unhandled event instead of being refused with 400.
    var acknowledgesUnreadableEvents: Bool { get }
}

extension InboundChannel {
    public func handshake(_ request: WebhookRequest) -> Result<HTTPResponse, VerificationFailure>? { nil }
    public var acknowledgesUnreadableEvents: Bool { false }
}
