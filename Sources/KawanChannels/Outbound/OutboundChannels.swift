public import KawanConfig

/// Builds the outbound half of a configured channel.
public enum OutboundChannels {
    /// The channel's provider API client, pointed at its `api_base_url`
    /// when one is configured (a test double, a regional endpoint).
    public static func make(for channel: ChannelConfiguration) -> any OutboundChannel {
        switch channel.settings {
        case .twilio(let settings): TwilioOutboundChannel(settings: settings, apiBaseURL: channel.apiBaseURL)
        case .vonage(let settings): VonageOutboundChannel(settings: settings, apiBaseURL: channel.apiBaseURL)
        case .line(let settings): LineOutboundChannel(settings: settings, apiBaseURL: channel.apiBaseURL)
        case .whatsapp(let settings): WhatsAppOutboundChannel(settings: settings, apiBaseURL: channel.apiBaseURL)
        case .messenger(let settings): MessengerOutboundChannel(settings: settings, apiBaseURL: channel.apiBaseURL)
        case .telegram(let settings): TelegramOutboundChannel(settings: settings, apiBaseURL: channel.apiBaseURL)
        case .json(let settings): JSONOutboundChannel(settings: settings)
        }
    }
}
