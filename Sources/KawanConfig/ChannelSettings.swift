/// A channel's provider and its provider-specific settings, secrets resolved.
public enum ChannelSettings: Sendable {
    case twilio(TwilioSettings)
    case vonage(VonageSettings)
    case line(LineSettings)
    case whatsapp(WhatsAppSettings)
    case messenger(MessengerSettings)
    case telegram(TelegramSettings)
    case json(JSONChannelSettings)

    public var type: ChannelType {
        switch self {
        case .twilio: .twilio
        case .vonage: .vonage
        case .line: .line
        case .whatsapp: .whatsapp
        case .messenger: .messenger
        case .telegram: .telegram
        case .json: .json
        }
    }
}
