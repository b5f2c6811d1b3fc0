import Foundation
public import KawanConfig
public import KawanStore

/// What the conversation layer is told about one inbound message. It runs
/// inside the webhook's write transaction, so whatever it stores commits
/// together with the message and the replies.
public struct InboundContext: Sendable {
    public let tenant: TenantConfiguration
    public let channel: ChannelConfiguration
    public let contactID: Int64
    public let conversationID: Int64
    /// The stored `messages` row.
    public let messageID: Int64
    /// The message as received (a long SMS already joined).
    public let event: InboundMessageEvent
    /// Milliseconds since the Unix epoch.
    public let receivedAt: Int64
    /// What the responder's `prepare` computed for this message before the
    /// transaction, if anything.
    public let prepared: (any Sendable)?

    public init(tenant: TenantConfiguration, channel: ChannelConfiguration, contactID: Int64, conversationID: Int64,
                messageID: Int64, event: InboundMessageEvent, receivedAt: Int64, prepared: (any Sendable)? = nil) {
        self.tenant = tenant
        self.channel = channel
        self.contactID = contactID
        self.conversationID = conversationID
        self.messageID = messageID
        self.event = event
        self.receivedAt = receivedAt
        self.prepared = prepared
    }
}

/// What a responder decided for one message.
public struct ConversationResponse: Sendable, Equatable {
    /// The reply texts, in order.
    public var replies: [String]
    /// The conversation's language and state (the responder's own encoding)
    /// after this message, or nil to leave them as they were. The recorder
    /// writes them with the message's arrival time in one statement: every
    /// statement runs on the single writer thread, once per message.
    public var language: String?
    public var state: String?

    public init(replies: [String], language: String? = nil, state: String? = nil) {
        self.replies = replies
        self.language = language
        self.state = state
    }
}

/// The seam between "a message arrived" (channels) and "what to reply"
/// (the conversation engine). `respond` runs on the store's writer thread
/// inside the webhook's transaction: it may read and write through
/// `connection`, must not block on anything else, and returns the replies
/// and the conversation's new state. Throwing rolls back this message's
/// writes and the webhook answers 503, so the provider retries.
public protocol ConversationResponder: Sendable {
    /// Work that needs no database (language understanding), done before
    /// the write transaction: it then runs on the request's task, in
    /// parallel, instead of on the store's single writer thread. The result
    /// reaches `respond` as `InboundContext.prepared`.
    func prepare(_ message: InboundMessageEvent) -> (any Sendable)?

    func respond(to message: InboundContext, connection: Connection) throws -> ConversationResponse
}

extension ConversationResponder {
    public func prepare(_ message: InboundMessageEvent) -> (any Sendable)? { nil }
}

/// Answers every message with a short acknowledgement in the tenant's
/// default language, naming its hotline and emergency numbers. It stands
/// in until the conversation engine (which answers from the FAQ, escalates
/// and switches language) replaces it.
public struct AcknowledgementResponder: ConversationResponder {
    public init() {}

    public func respond(to message: InboundContext, connection: Connection) throws -> ConversationResponse {
        let template = Self.templates[message.tenant.defaultLanguage.rawValue] ?? Self.templates["en"]!
        return ConversationResponse(replies: [Placeholders.expand(template, values: message.tenant.placeholders)])
    }

    static let templates: [String: String] = [
        "id": "Terima kasih, pesan Anda sudah kami terima. Petugas kami akan membalas. Jika dalam bahaya, telepon {emergency_phone}.",
        "tl": "Salamat, natanggap namin ang mensahe mo. Sasagot ang aming staff. Kung ikaw ay nasa panganib, tumawag sa {emergency_phone}.",
        "vi": "Cảm ơn bạn, chúng tôi đã nhận được tin nhắn. Nhân viên sẽ trả lời bạn. Nếu gặp nguy hiểm, hãy gọi {emergency_phone}.",
        "ja": "メッセージを受け取りました。担当者が返信します。危険な場合は {emergency_phone} に電話してください。",
        "en": "Thank you, we received your message. A caseworker will reply. If you are in danger, call {emergency_phone}.",
    ]
}
