/// Twilio Programmable Messaging (SMS). Webhooks are signed with the auth token.
public struct TwilioSettings: Sendable {
    /// Where outgoing messages come from: a number, or a messaging service
    /// that picks one from its pool.
    public enum Sender: Sendable, Hashable {
        case phoneNumber(String)
        case messagingService(sid: String)
    }

    public let accountSID: String
    public let authToken: Secret
    public let sender: Sender

    public init(accountSID: String, authToken: Secret, sender: Sender) {
        self.accountSID = accountSID
        self.authToken = authToken
        self.sender = sender
    }
}

/// Vonage (Nexmo) SMS. Inbound webhooks are signed with `signatureSecret`.
public struct VonageSettings: Sendable {
    /// Vonage's signature schemes: `md5hash` appends the secret to the sorted
    /// parameters and hashes them; the others are HMACs keyed with the secret.
    public enum SignatureMethod: String, Sendable, Hashable, CaseIterable {
        case md5hash
        case md5
        case sha1
        case sha256
        case sha512
    }

    public let apiKey: String
    public let apiSecret: Secret
    public let signatureSecret: Secret
    public let signatureMethod: SignatureMethod
    public let from: String

    public init(apiKey: String, apiSecret: Secret, signatureSecret: Secret, signatureMethod: SignatureMethod, from: String) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.signatureSecret = signatureSecret
        self.signatureMethod = signatureMethod
        self.from = from
    }
}

/// LINE Messaging API. Webhooks are signed with the channel secret.
public struct LineSettings: Sendable {
    public let channelSecret: Secret
    public let channelAccessToken: Secret

    public init(channelSecret: Secret, channelAccessToken: Secret) {
        self.channelSecret = channelSecret
        self.channelAccessToken = channelAccessToken
    }
}

/// WhatsApp Business Cloud API. Webhooks are signed with the app secret;
/// the verify token answers Meta's subscription handshake.
public struct WhatsAppSettings: Sendable {
    public let appSecret: Secret
    public let verifyToken: Secret
    public let accessToken: Secret
    public let phoneNumberID: String

    public init(appSecret: Secret, verifyToken: Secret, accessToken: Secret, phoneNumberID: String) {
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.accessToken = accessToken
        self.phoneNumberID = phoneNumberID
    }
}

/// Facebook Messenger Platform, signed and verified like WhatsApp.
public struct MessengerSettings: Sendable {
    public let appSecret: Secret
    public let verifyToken: Secret
    public let pageAccessToken: Secret

    public init(appSecret: Secret, verifyToken: Secret, pageAccessToken: Secret) {
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.pageAccessToken = pageAccessToken
    }
}

/// Telegram Bot API. Telegram echoes `secretToken` in a header on every webhook.
public struct TelegramSettings: Sendable {
    public let botToken: Secret
    public let secretToken: Secret

    public init(botToken: Secret, secretToken: Secret) {
        self.botToken = botToken
        self.secretToken = secretToken
    }
}

/// Kawan's own JSON webhook, signed with an HMAC under `secret`. Replies
/// go inline in the webhook's response; with `replyURL`, messages that
/// cannot go inline (a caseworker's answer) are POSTed there, signed the
/// same way.
public struct JSONChannelSettings: Sendable {
    public let secret: Secret
    public let replyURL: String?

    public init(secret: Secret, replyURL: String? = nil) {
        self.secret = secret
        self.replyURL = replyURL
    }
}
