public import KawanCore

/// Daemon-wide settings from `gateway.json`: where to listen, where the
/// database lives, how the HTTP server protects itself. Unlike tenant files,
/// changing most of these needs a restart, not a reload.
public struct GatewayConfiguration: Sendable, Equatable {
    /// How hard the store works to keep a committed write across a power cut.
    public enum Durability: String, Sendable, CaseIterable {
        /// Sync on every commit: no acknowledged message is ever lost.
        case full
        /// Fewer syncs: faster, but the last moments may be lost on power loss.
        case normal
    }

    public var listen: ListenAddress
    /// As written; a relative path is relative to the daemon's working directory.
    public var databasePath: String
    /// Scheme, host, optional port and path, no trailing slash: the prefix of
    /// webhook URLs given to providers.
    public var publicBaseURL: String
    public var durability: Durability
    public var logLevel: LogLevel
    public var accessLog: Bool
    public var http: HTTPLimits

    /// The values used for keys `gateway.json` leaves out.
    public static let defaults = GatewayConfiguration(
        listen: ListenAddress(host: "127.0.0.1", port: 8080),
        databasePath: "var/kawan.sqlite",
        publicBaseURL: "http://127.0.0.1:8080",
        durability: .full,
        logLevel: .info,
        accessLog: true,
        http: .defaults
    )
}
