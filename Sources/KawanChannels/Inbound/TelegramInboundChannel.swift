public import Foundation
public import KawanConfig
public import KawanHTTP

/// Telegram Bot API webhooks (core.telegram.org/bots/api#setwebhook,
/// #update): one `Update` per request, authenticated by the
/// `X-Telegram-Bot-Api-Secret-Token` header that repeats the `secret_token`
/// given to `setWebhook`.
///
/// Deduplication key: `<chat.id>:<message_id>` for messages. `update_id`
/// also repeats on a retry, but the Bot API says that after a week without
/// updates the next one is "chosen randomly instead of sequentially", so it
/// can meet an old id again; a message id never repeats within its chat.
/// Updates without a message use `update:<update_id>`.
public struct TelegramInboundChannel: InboundChannel {
    let secretToken: Secret

    public init(settings: TelegramSettings) {
        secretToken = settings.secretToken
    }

    public var supportsInlineReplies: Bool { false }

    public func acknowledgement(inlineReplies: [String]) -> HTTPResponse { HTTPResponse(status: .ok) }

    public func verify(_ request: WebhookRequest, now: Date) -> Result<Void, VerificationFailure> {
        guard let presented = request.headers["X-Telegram-Bot-Api-Secret-Token"], !presented.isEmpty else {
            return .failure(.missingSignature)
        }
        return SignatureCheck.token(presented, equals: secretToken) ? .success(()) : .failure(.badSignature)
    }

    public func parse(_ request: WebhookRequest) -> Result<[InboundEvent], WebhookParseError> {
        guard request.mediaType == "application/json" else { return .failure(.unsupportedContentType(request.mediaType)) }
        return JSONObject.parseBody(request.body).flatMap { update in
            guard let updateID = update.int64("update_id") else { return .failure(.malformed("update_id missing")) }
            guard let message = update.object("message") else {
                // edited_message, callback_query, my_chat_member (blocked/unblocked)…
                let kind = update.fields.keys.sorted().first(where: { $0 != "update_id" }) ?? "update"
                return .success([.unhandled(UnhandledEvent(eventID: "update:\(updateID)", kind: kind, payload: update.serialized))])
            }
            return Self.message(message).map { [.message($0)] }
        }
    }

    private static func message(_ message: JSONObject) -> Result<InboundMessageEvent, WebhookParseError> {
        guard let messageID = message.int64("message_id"), let chatID = message.object("chat")?.int64("id") else {
            return .failure(.malformed("message without message_id or chat.id"))
        }
        var event = InboundMessageEvent(providerMessageID: "\(chatID):\(messageID)", senderAddress: String(chatID),
                                        text: message.string("text") ?? message.string("caption"),
                                        sentAt: message.int64("date").map(Date.init(unixSeconds:)))
        if message.contains("text") { return .success(event) }
        if let sizes = message.objects("photo"), let largest = sizes.last {
            // The sizes come smallest first; the last is the original.
            event.contentType = .image
            event.mediaReference = largest.string("file_id")
        } else if let location = message.object("location") {
            guard let latitude = location.double("latitude"), let longitude = location.double("longitude") else {
                return .failure(.malformed("location without coordinates"))
            }
            event.contentType = .location
            event.mediaReference = geoURI(latitude: latitude, longitude: longitude)
            event.text = event.text ?? message.object("venue").flatMap { venue in
                [venue.string("title"), venue.string("address")].compactMap { $0 }.joined(separator: "\n").nilIfEmpty
            }
        } else if let contact = message.object("contact") {
            event.contentType = .contact
            event.text = event.text ?? [contact.string("first_name"), contact.string("phone_number")].compactMap { $0 }
                .joined(separator: " ").nilIfEmpty
        } else if let (key, type) = Self.fileKinds.first(where: { message.contains($0.key) }) {
            event.contentType = type
            event.mediaReference = message.object(key)?.string("file_id")
        } else {
            event.contentType = .other
        }
        if event.contentType != .other && event.contentType != .contact && event.contentType != .location
            && event.mediaReference == nil {
            return .failure(.malformed("media without file_id"))
        }
        return .success(event)
    }

    /// Message fields holding one file, in the order checked (an animation
    /// also carries `document`, so it comes first).
    private static let fileKinds: [(key: String, type: ContentType)] = [
        ("voice", .audio), ("audio", .audio), ("animation", .video), ("video", .video), ("video_note", .video),
        ("sticker", .sticker), ("document", .file),
    ]
}
