import Foundation
public import KawanConfig
import KawanHTTP

/// Messenger Platform webhooks (developers.facebook.com/docs/messenger-platform/webhooks,
/// …/reference/webhook-events): `entry[].messaging[]`, one event each.
/// Signature and handshake are Meta's (`MetaWebhook`). Deduplication key:
/// `message.mid`.
///
/// Echoes of the page's own sends (`message.is_echo`), read receipts (a
/// watermark, no message ids), postbacks and the rest are unhandled events.
/// Meta disables webhooks that keep failing, so signed but unreadable bodies
/// are acknowledged and stored raw.
public struct MessengerInboundChannel: MetaInboundChannel {
    let meta: MetaWebhook

    public init(settings: MessengerSettings) {
        meta = MetaWebhook(appSecret: settings.appSecret, verifyToken: settings.verifyToken)
    }

    static let objectType = "page"

    func events(in entries: [JSONObject]) -> Result<[InboundEvent], WebhookParseError> {
        var out = [InboundEvent]()
        for entry in entries {
            guard let messaging = entry.objects("messaging") else {
                // `standby` (handover protocol), `changes` (feed)…
                out.append(.unhandled(UnhandledEvent(eventID: entry.digestID, kind: "entry", payload: entry.serialized)))
                continue
            }
            for event in messaging {
                switch Self.events(event) {
                case .success(let events): out += events
                case .failure(let error): return .failure(error)
                }
            }
        }
        return .success(out)
    }

    private static func events(_ event: JSONObject) -> Result<[InboundEvent], WebhookParseError> {
        if let message = event.object("message") {
            guard let mid = message.string("mid") else { return .failure(.malformed("message without mid")) }
            if message.bool("is_echo") == true {
                return .success([.unhandled(UnhandledEvent(eventID: mid, kind: "message_echo", payload: event.serialized))])
            }
            guard let sender = event.object("sender")?.string("id") else { return .failure(.malformed("message without sender.id")) }
            return self.message(message, id: mid, sender: sender, sentAt: event.int64("timestamp").map(Date.init(unixMilliseconds:)))
                .map { [$0] }
        }
        if let delivery = event.object("delivery"), let mids = delivery.strings("mids"), !mids.isEmpty {
            // A delivery receipt lists the delivered messages' ids.
            let at = delivery.int64("watermark").map(Date.init(unixMilliseconds:))
            return .success(mids.map { .status(DeliveryStatusEvent(providerMessageID: $0, status: .delivered, at: at)) })
        }
        let kind = ["delivery", "read", "postback", "referral", "optin", "reaction", "account_linking"]
            .first(where: event.contains) ?? "messaging"
        return .success([.unhandled(UnhandledEvent(eventID: event.digestID, kind: kind, payload: event.serialized))])
    }

    private static func message(_ message: JSONObject, id: String, sender: String, sentAt: Date?) -> Result<InboundEvent, WebhookParseError> {
        var event = InboundMessageEvent(providerMessageID: id, senderAddress: sender, text: message.string("text"), sentAt: sentAt)
        if let attachment = message.objects("attachments")?.first {
            // One media reference per message: the first attachment's.
            let payload = attachment.object("payload")
            event.contentType = switch attachment.string("type") {
            case "image": message.contains("sticker_id") ? .sticker : .image
            case "audio": .audio
            case "video": .video
            case "file": .file
            case "location": .location
            default: .other
            }
            if let coordinates = payload?.object("coordinates"), let latitude = coordinates.double("lat"),
               let longitude = coordinates.double("long") {
                event.mediaReference = geoURI(latitude: latitude, longitude: longitude)
            } else {
                event.mediaReference = payload?.string("url")
            }
        } else if event.text == nil {
            return .failure(.malformed("message without text or attachments"))
        }
        return .success(.message(event))
    }
}
