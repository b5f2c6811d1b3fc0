import KawanChannels
import KawanConfig

/// How long a caseworker's reply may be on each channel type. Longer
/// replies are refused (422), never cut: a cut message could change its
/// meaning.
enum ReplyLimit {
    /// SMS: at most 10 segments (1,530 GSM-7 septets or 670 UCS-2 code
    /// units). Twilio refuses a `Body` over 1,600 characters; Vonage
    /// concatenates long texts. Ten segments stays inside both.
    static let maximumSMSSegments = 10

    /// Chat providers' documented text limits, counted in UTF-16 code units
    /// (WhatsApp text body 4,096; LINE text message 5,000; Messenger 2,000;
    /// Telegram sendMessage 4,096), and Kawan's json channel's `reply_url`
    /// (4,096, Kawan's own choice, as for the chat apps most widgets mirror).
    static func chatLimit(_ type: ChannelType) -> Int? {
        switch type {
        case .whatsapp: 4096
        case .line: 5000
        case .messenger: 2000
        case .telegram: 4096
        case .json: 4096
        case .twilio, .vonage: nil
        }
    }

    /// Refuses `text` when it cannot be sent on `channel` (422).
    static func check(_ text: String, channel: ChannelConfiguration) throws(APIError) {
        switch channel.settings {
        case .json(let settings) where settings.replyURL == nil:
            throw .unprocessable("channel_cannot_send",
                                 "this conversation is on a json channel without reply_url, which replies inline only; configure the channel's reply_url to send caseworker replies")
        case .twilio, .vonage:
            try TextRules.check(text, field: "text", limit: Int.max)
            let length = SMSLength(text)
            if length.segments > maximumSMSSegments {
                let capacity = SMSLength.capacity(length.encoding, segments: maximumSMSSegments)
                throw .unprocessable("text_too_long", "the reply needs \(length.segments) SMS segments (\(length.units) \(length.encoding.rawValue) units); at most \(maximumSMSSegments) segments (\(capacity) units) are allowed")
            }
        case .whatsapp, .line, .messenger, .telegram, .json:
            try TextRules.check(text, field: "text", limit: chatLimit(channel.type) ?? Int.max)
        }
    }
}
