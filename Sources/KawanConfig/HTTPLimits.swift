import Foundation

/// Resource limits of the HTTP server. Every one bounds what a single
/// client (or a flood of them) can make the daemon hold in memory or wait for.
public struct HTTPLimits: Sendable, Hashable {
    /// Event-loop threads; 0 means one per CPU core.
    public var ioThreads: Int
    public var maxRequestLineBytes: Int
    public var maxHeaderBytes: Int
    public var maxHeaderCount: Int
    public var maxBodyBytes: Int
    public var headerTimeoutSeconds: Double
    public var bodyTimeoutSeconds: Double
    public var keepAliveTimeoutSeconds: Double
    public var maxConnections: Int
    /// How long in-flight requests may finish after a stop is requested.
    public var shutdownGraceSeconds: Double

    /// The values used for keys the `http` object leaves out.
    public static let defaults = HTTPLimits(
        ioThreads: 0,
        maxRequestLineBytes: 8192,
        maxHeaderBytes: 16384,
        maxHeaderCount: 100,
        maxBodyBytes: 1_048_576,
        headerTimeoutSeconds: 10,
        bodyTimeoutSeconds: 10,
        keepAliveTimeoutSeconds: 60,
        maxConnections: 4096,
        shutdownGraceSeconds: 10
    )

    /// `ioThreads`, with 0 replaced by the number of active cores.
    public var resolvedIOThreads: Int {
        ioThreads > 0 ? ioThreads : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}
