/// Every limit and timeout of the HTTP server, with the defaults Kawan
/// ships. Each is reachable from `Config/gateway.json` (`http.*`).
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Address to bind: an IPv4 or IPv6 literal, or `localhost`.
    public var host: String
    /// Port to bind; 0 picks an ephemeral port (tests).
    public var port: UInt16
    /// Event-loop threads; 0 means one per core.
    public var ioThreads: Int
    /// Longest request line accepted (414 beyond).
    public var maxRequestLineBytes: Int
    /// Largest header section accepted, request line excluded (431 beyond).
    public var maxHeaderBytes: Int
    /// Most header fields accepted (431 beyond).
    public var maxHeaderCount: Int
    /// Largest request body (413 beyond, answered before the body is read).
    public var maxBodyBytes: Int
    /// Time allowed from a request's first byte (or the connection's accept)
    /// until its header section is complete (408 beyond): defeats slowloris.
    public var headerTimeout: Double
    /// Longest silence allowed while a body is being received (408 beyond).
    public var bodyTimeout: Double
    /// Idle time between requests on a kept-alive connection (silent close).
    public var keepAliveTimeout: Double
    /// Time allowed for a response to drain to a slow reader.
    public var writeTimeout: Double
    /// Open connections; further ones are closed as soon as accepted.
    public var maxConnections: Int
    /// How long shutdown waits for in-flight requests.
    public var shutdownGrace: Double
    /// Listen backlog.
    public var backlog: Int32

    public init(host: String = "127.0.0.1", port: UInt16 = 8080, ioThreads: Int = 0,
                maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100,
                maxBodyBytes: Int = 1024 * 1024, headerTimeout: Double = 10, bodyTimeout: Double = 10,
                keepAliveTimeout: Double = 60, writeTimeout: Double = 30, maxConnections: Int = 4096,
                shutdownGrace: Double = 10, backlog: Int32 = 1024) {
        self.host = host
        self.port = port
        self.ioThreads = ioThreads
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections
        self.shutdownGrace = shutdownGrace
        self.backlog = backlog
    }

    var parserLimits: RequestHeadParser.Limits {
        RequestHeadParser.Limits(maxRequestLineBytes: maxRequestLineBytes, maxHeaderBytes: maxHeaderBytes,
                                 maxHeaderCount: maxHeaderCount)
    }
}
