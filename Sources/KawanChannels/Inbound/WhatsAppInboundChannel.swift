import Foundation
public import KawanConfig
import KawanHTTP

/// WhatsApp Business Cloud API webhooks
/// (developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components):
/// `entry[].changes[].value` carries `messages[]` from workers and
/// `statuses[]` about messages Kawan sent. Signature and handshake are
/// Meta's (`MetaWebhook`). Deduplication key: the message's `id` (wamid).
///
/// Meta retries failed deliveries and disables webhooks that keep failing,
/// so signed but unreadable bodies are acknowledged and stored raw.
public struct WhatsAppInboundChannel: MetaInboundChannel {
    let meta: MetaWebhook

    public init(settings: WhatsAppSettings) {
        meta = MetaWebhook(appSecret: settings.appSecret, verifyToken: settings.verifyToken)
    }

    static let objectType = "whatsapp_business_account"

    func events(in entries: [JSONObject]) -> Result<[InboundEvent], WebhookParseError> {
        var out = [InboundEvent]()
        for entry in entries {
            guard let changes = entry.objects("changes") else { return .failure(.malformed("entry without \"changes\"")) }
            for change in changes {
                guard change.string("field") == "messages", let value = change.object("value") else {
                    out.append(.unhandled(UnhandledEvent(eventID: change.digestID, kind: change.string("field") ?? "change",
                                                         payload: change.serialized)))
                    continue
                }
                switch Self.events(in: value) {
                case .success(let events): out += events
                case .failure(let error): return .failure(error)
                }
            }
        }
        return .success(out)
    }

    private static func events(in value: JSONObject) -> Result<[InboundEvent], WebhookParseError> {
        var out = [InboundEvent]()
        for message in value.objects("messages") ?? [] {
            switch Self.message(message) {
            case .success(let event): out.append(event)
            case .failure(let error): return .failure(error)
            }
        }
        for status in value.objects("statuses") ?? [] {
            switch Self.status(status) {
            case .success(let event): out.append(event)
            case .failure(let error): return .failure(error)
            }
        }
        if value.objects("messages") == nil && value.objects("statuses") == nil {
            // Errors about the account, and whatever Meta adds next.
            out.append(.unhandled(UnhandledEvent(eventID: value.digestID, kind: "messages_value", payload: value.serialized)))
        }
        return .success(out)
    }

    private static func message(_ message: JSONObject) -> Result<InboundEvent, WebhookParseError> {
        guard let id = message.string("id"), let from = message.string("from"), let type = message.string("type") else {
            return .failure(.malformed("message without id, from or type"))
        }
        var event = InboundMessageEvent(providerMessageID: id, senderAddress: from, text: nil,
                                        sentAt: message.int64("timestamp").map(Date.init(unixSeconds:)))
        switch type {
        case "text":
            guard let body = message.object("text")?.string("body") else { return .failure(.malformed("text message without text.body")) }
            event.text = body
        case "image", "audio", "video", "document", "sticker":
            guard let media = message.object(type), let mediaID = media.string("id") else {
                return .failure(.malformed("\(type) message without \(type).id"))
            }
            event.contentType = switch type {
            case "image": .image
            case "audio": .audio
            case "video": .video
            case "sticker": .sticker
            default: .file
            }
            // The media id is exchanged for a short-lived URL through the Graph API.
            event.mediaReference = mediaID
            event.text = media.string("caption")
        case "location":
            guard let location = message.object("location"), let latitude = location.double("latitude"),
                  let longitude = location.double("longitude") else {
                return .failure(.malformed("location message without coordinates"))
            }
            event.contentType = .location
            event.mediaReference = geoURI(latitude: latitude, longitude: longitude)
            event.text = [location.string("name"), location.string("address")].compactMap { $0 }.joined(separator: "\n").nilIfEmpty
        case "button":
            // A tap on a template's quick-reply button: its text is the answer.
            guard let text = message.object("button")?.string("text") else { return .failure(.malformed("button message without text")) }
            event.text = text
        case "interactive":
            let interactive = message.object("interactive")
            guard let title = interactive?.object("button_reply")?.string("title") ?? interactive?.object("list_reply")?.string("title")
            else {
                return .success(.unhandled(UnhandledEvent(eventID: id, kind: "message:interactive", payload: message.serialized)))
            }
            event.text = title
        default:
            // reaction, contacts, order, system, unsupported…
            return .success(.unhandled(UnhandledEvent(eventID: id, kind: "message:\(type)", payload: message.serialized)))
        }
        return .success(.message(event))
    }

    /// developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components#statuses-object
    private static func status(_ status: JSONObject) -> Result<InboundEvent, WebhookParseError> {
        guard let id = status.string("id"), let value = status.string("status") else {
            return .failure(.malformed("status without id or status"))
        }
        let mapped: DeliveryStatus? = switch value {
        case "sent": .sent
        case "delivered": .delivered
        case "read": .read
        case "failed": .failed
        default: nil
        }
        guard let mapped else {
            return .success(.unhandled(UnhandledEvent(eventID: "\(id):\(value)", kind: "status:\(value)", payload: status.serialized)))
        }
        let error = status.objects("errors")?.first.map { error in
            ["WhatsApp error", error.int64("code").map(String.init), error.string("title")].compactMap { $0 }.joined(separator: " ")
        }
        return .success(.status(DeliveryStatusEvent(providerMessageID: id, status: mapped, error: error,
                                                    at: status.int64("timestamp").map(Date.init(unixSeconds:)))))
    }
}
