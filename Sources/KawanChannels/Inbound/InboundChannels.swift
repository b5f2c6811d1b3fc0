public import KawanConfig

/// The inbound half of each channel type, chosen from its configuration.
public enum InboundChannels {
    public static func make(for channel: ChannelConfiguration) -> any InboundChannel {
        switch channel.settings {
        case .twilio(let settings): return TwilioInboundChannel(settings: settings)
        case .vonage(let settings): return VonageInboundChannel(settings: settings)
        case .line(let settings): return LineInboundChannel(settings: settings)
        case .whatsapp(let settings): return WhatsAppInboundChannel(settings: settings)
        case .messenger(let settings): return MessengerInboundChannel(settings: settings)
        case .telegram(let settings): return TelegramInboundChannel(settings: settings)
        case .json(let settings): return JSONInboundChannel(settings: settings)
        }
    }
}
