public import Foundation

/// One message to send through a provider's API, with what the provider's
/// rules need to decide how (or whether) it may be sent.
public struct OutboundMessage: Sendable, Equatable {
    /// The `messages` row id.
    public var messageID: Int64
    public var tenantID: String
    public var channelID: String
    /// The worker's address on this channel. Personal data: never log.
    public var recipientAddress: String
    public var text: String
    /// LINE: the reply token of the message being answered, and until when
    /// it may be used (the push API is used after that).
    public var replyToken: String?
    public var replyTokenExpiresAt: Date?
    /// When the worker last wrote on this conversation (WhatsApp's and
    /// Messenger's 24-hour windows count from it).
    public var lastInboundAt: Date?
    /// True for a caseworker's reply (Messenger tags it HUMAN_AGENT after 24 h).
    public var authoredByPerson: Bool
    /// Stable across retries and restarts, for providers that honour one.
    public var idempotencyKey: String

    public init(messageID: Int64, tenantID: String, channelID: String, recipientAddress: String, text: String,
                replyToken: String? = nil, replyTokenExpiresAt: Date? = nil, lastInboundAt: Date? = nil,
                authoredByPerson: Bool = false, idempotencyKey: String) {
        self.messageID = messageID
        self.tenantID = tenantID
        self.channelID = channelID
        self.recipientAddress = recipientAddress
        self.text = text
        self.replyToken = replyToken
        self.replyTokenExpiresAt = replyTokenExpiresAt
        self.lastInboundAt = lastInboundAt
        self.authoredByPerson = authoredByPerson
        self.idempotencyKey = idempotencyKey
    }
}

/// An HTTP request to a provider's API, built without sending it.
public struct ProviderRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [Header]
    public var body: [UInt8]

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(method: String, url: String, headers: [Header], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A provider's answer to a send, classified.
public enum SendOutcome: Sendable, Equatable {
    /// Accepted; the provider's id for the message when it returns one.
    case accepted(providerMessageID: String?)
    /// Worth trying again: timeouts, 429 (with `Retry-After` seconds when
    /// given), 5xx.
    case retryable(reason: String, retryAfter: Double?)
    /// Will never succeed as is (4xx other than 429): the message fails.
    case permanent(reason: String)
}

/// Why a message is not sent at all (a provider rule forbids it).
public struct SendRefusal: Error, Equatable, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// The outbound half of one channel type: builds the provider API request
/// and reads its answer. Pure, like `InboundChannel`.
public protocol OutboundChannel: Sendable {
    func request(for message: OutboundMessage, now: Date) -> Result<ProviderRequest, SendRefusal>
    func interpret(status: Int, headers: [ProviderRequest.Header], body: [UInt8]) -> SendOutcome
}
