public import Foundation
public import KawanConfig
import KawanCrypto
public import KawanHTTP

/// LINE Messaging API webhooks (developers.line.biz/en/reference/messaging-api/#webhooks).
///
/// `X-Line-Signature` is base64(HMAC-SHA256(channel secret, raw body))
/// (…/messaging-api/verify-webhook-signature; `linebot.v3.SignatureValidator`
/// in line-bot-sdk-python does the same). A body with no events is LINE's
/// "Verify" button in the console: signed, and answered 200.
///
/// Deduplication key: `message.id` for message events. A redelivered event
/// (`deliveryContext.isRedelivery: true`) keeps both its `webhookEventId`
/// and its message id, so either recognises a retry; the message id is in
/// every message event (also in payloads older than `webhookEventId`) and is
/// the id LINE's content API takes. Other events use `webhookEventId`.
public struct LineInboundChannel: InboundChannel {
    let channelSecret: Secret

    public init(settings: LineSettings) {
        channelSecret = settings.channelSecret
    }

    public var supportsInlineReplies: Bool { false }

    public func acknowledgement(inlineReplies: [String]) -> HTTPResponse { HTTPResponse(status: .ok) }

    public func verify(_ request: WebhookRequest, now: Date) -> Result<Void, VerificationFailure> {
        let expected = Digest.hmac(.sha256, key: channelSecret.bytes, message: request.body)
        return SignatureCheck.base64(request.headers["X-Line-Signature"], matches: expected)
    }

    public func parse(_ request: WebhookRequest) -> Result<[InboundEvent], WebhookParseError> {
        guard request.mediaType == "application/json" else { return .failure(.unsupportedContentType(request.mediaType)) }
        return JSONObject.parseBody(request.body).flatMap { body in
            guard let events = body.objects("events") else { return .failure(.malformed("\"events\" is not an array of objects")) }
            var out = [InboundEvent]()
            for event in events {
                switch Self.event(event) {
                case .success(let parsed): out.append(parsed)
                case .failure(let error): return .failure(error)
                }
            }
            return .success(out)
        }
    }

    private static func event(_ event: JSONObject) -> Result<InboundEvent, WebhookParseError> {
        guard let type = event.string("type") else { return .failure(.malformed("event without \"type\"")) }
        guard type == "message" else {
            return .success(.unhandled(UnhandledEvent(eventID: event.string("webhookEventId") ?? event.digestID, kind: type,
                                                      payload: event.serialized)))
        }
        guard let message = event.object("message"), let id = message.string("id"), let messageType = message.string("type") else {
            return .failure(.malformed("message event without message.id or message.type"))
        }
        guard let sender = senderAddress(event.object("source")) else { return .failure(.malformed("message event without a source id")) }
        var parsed = InboundMessageEvent(providerMessageID: id, senderAddress: sender, text: nil,
                                         sentAt: event.int64("timestamp").map(Date.init(unixMilliseconds:)),
                                         replyToken: event.string("replyToken"))
        switch messageType {
        case "text":
            guard let text = message.string("text") else { return .failure(.malformed("text message without text")) }
            parsed.text = text
        case "image", "video", "audio", "file":
            parsed.contentType = switch messageType {
            case "image": .image
            case "video": .video
            case "audio": .audio
            default: .file
            }
            // Content sent through LINE is fetched by message id; content a
            // LINE app links from elsewhere has its own URL.
            let provider = message.object("contentProvider")
            parsed.mediaReference = provider?.string("type") == "external" ? provider?.string("originalContentUrl") ?? id : id
        case "location":
            guard let latitude = message.double("latitude"), let longitude = message.double("longitude") else {
                return .failure(.malformed("location message without coordinates"))
            }
            parsed.contentType = .location
            parsed.mediaReference = geoURI(latitude: latitude, longitude: longitude)
            parsed.text = [message.string("title"), message.string("address")].compactMap { $0 }.joined(separator: "\n")
                .nilIfEmpty
        case "sticker":
            parsed.contentType = .sticker
            parsed.mediaReference = [message.string("packageId"), message.string("stickerId")].compactMap { $0 }
                .joined(separator: "/")
        default:
            parsed.contentType = .other
            parsed.mediaReference = id
        }
        return .success(.message(parsed))
    }

    /// Where a reply goes: the user in a one-to-one chat, else the group or room.
    private static func senderAddress(_ source: JSONObject?) -> String? {
        guard let source else { return nil }
        return switch source.string("type") {
        case "group": source.string("groupId")
        case "room": source.string("roomId")
        default: source.string("userId")
        }
    }
}

/// A location as an RFC 5870 `geo:` URI, the media reference of a shared location.
func geoURI(latitude: Double, longitude: Double) -> String { "geo:\(latitude),\(longitude)" }

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
