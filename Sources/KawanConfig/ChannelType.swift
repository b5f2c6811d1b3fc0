/// The messaging providers a channel can connect, by the `type` names used
/// in tenant files.
public enum ChannelType: String, Sendable, Hashable, CaseIterable {
    case twilio
    case vonage
    case line
    case whatsapp
    case messenger
    case telegram
    /// Kawan's own signed JSON webhook, e.g. for a web chat widget.
    case json
}
