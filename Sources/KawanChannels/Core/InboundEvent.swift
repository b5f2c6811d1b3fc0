public import Foundation

/// What one inbound webhook contained, event by event, in a
/// provider-neutral shape. A batch webhook yields several events.
public enum InboundEvent: Sendable, Equatable {
    case message(InboundMessageEvent)
    case status(DeliveryStatusEvent)
    /// A correctly signed event Kawan does not act on (a LINE follow, a
    /// Messenger read receipt...): stored raw and counted, acknowledged.
    case unhandled(UnhandledEvent)
}

/// The kind of content a worker sent.
public enum ContentType: String, Sendable, Equatable {
    case text
    case image
    case audio
    case video
    case sticker
    case location
    case file
    case contact
    case other
}

/// Parts of a long SMS that arrived split (Vonage `concat-*`).
public struct SMSConcatenation: Sendable, Equatable {
    /// The provider's reference shared by all parts of one message.
    public var reference: String
    public var total: Int
    /// 1-based.
    public var part: Int

    public init(reference: String, total: Int, part: Int) {
        self.reference = reference
        self.total = total
        self.part = part
    }
}

public struct InboundMessageEvent: Sendable, Equatable {
    /// The provider's id for this message (or event), unique per channel:
    /// the key that recognises a provider's retried webhook.
    public var providerMessageID: String
    /// Who wrote: a phone number (E.164 where the provider gives it), a LINE
    /// user id, a Telegram chat id, a page-scoped id. Personal data: never log.
    public var senderAddress: String
    /// The text, or a caption; nil for content without text.
    public var text: String?
    public var contentType: ContentType
    /// The provider's reference to the media (id or URL), for non-text content.
    public var mediaReference: String?
    /// When the provider says the worker sent it.
    public var sentAt: Date?
    /// LINE's reply token, usable once, for a short time.
    public var replyToken: String?
    public var concatenation: SMSConcatenation?

    public init(providerMessageID: String, senderAddress: String, text: String?, contentType: ContentType = .text,
                mediaReference: String? = nil, sentAt: Date? = nil, replyToken: String? = nil,
                concatenation: SMSConcatenation? = nil) {
        self.providerMessageID = providerMessageID
        self.senderAddress = senderAddress
        self.text = text
        self.contentType = contentType
        self.mediaReference = mediaReference
        self.sentAt = sentAt
        self.replyToken = replyToken
        self.concatenation = concatenation
    }
}

/// A provider's word on a message Kawan sent.
public enum DeliveryStatus: String, Sendable, Equatable {
    case queued
    case sent
    case delivered
    case read
    case failed
}

public struct DeliveryStatusEvent: Sendable, Equatable {
    /// The provider's id of the outbound message (what its send API returned).
    public var providerMessageID: String
    public var status: DeliveryStatus
    /// The provider's error code and text when it failed.
    public var error: String?
    public var at: Date?

    public init(providerMessageID: String, status: DeliveryStatus, error: String? = nil, at: Date? = nil) {
        self.providerMessageID = providerMessageID
        self.status = status
        self.error = error
        self.at = at
    }
}

public struct UnhandledEvent: Sendable, Equatable {
    /// A stable id for deduplication (the provider's event id, or a digest
    /// of the event's bytes when it has none).
    public var eventID: String
    /// The provider's event type, e.g. `follow`, `message_reads`.
    public var kind: String
    /// The event's own JSON (or the whole body).
    public var payload: [UInt8]

    public init(eventID: String, kind: String, payload: [UInt8]) {
        self.eventID = eventID
        self.kind = kind
        self.payload = payload
    }
}
