/// One way workers reach a tenant: a provider account with its credentials.
public struct ChannelConfiguration: Sendable {
    /// Unique within the tenant; part of the channel's webhook URL.
    public let id: String
    public let settings: ChannelSettings
    /// Overrides the provider's API address, e.g. to point at a test double.
    public let apiBaseURL: String?
    /// Caps outgoing messages per second to stay within provider quotas.
    public let rateLimitPerSecond: Double?

    public init(id: String, settings: ChannelSettings, apiBaseURL: String? = nil, rateLimitPerSecond: Double? = nil) {
        self.id = id
        self.settings = settings
        self.apiBaseURL = apiBaseURL
        self.rateLimitPerSecond = rateLimitPerSecond
    }

    public var type: ChannelType { settings.type }
}
