public import KawanCore
import Synchronization

/// What every event loop of one server shares: configuration, routes,
/// metrics, the logger and the connection count.
final class ServerShared: Sendable {
    let configuration: HTTPServerConfiguration
    let router: Router
    let logger: Logger
    let metrics: HTTPServerMetrics
    let accessLog: Bool
    private let openConnections = Atomic<Int>(0)
    private let connectionIDs = Atomic<UInt64>(0)

    init(configuration: HTTPServerConfiguration, router: Router, logger: Logger, metrics: HTTPServerMetrics, accessLog: Bool) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.metrics = metrics
        self.accessLog = accessLog
    }

    /// Counts a new connection if the cap allows it.
    func reserveConnection() -> Bool {
        let now = openConnections.add(1, ordering: .relaxed).newValue
        if now > configuration.maxConnections {
            openConnections.subtract(1, ordering: .relaxed)
            return false
        }
        metrics.connectionsOpen.set(Double(now))
        return true
    }

    func releaseConnection() {
        let now = openConnections.subtract(1, ordering: .relaxed).newValue
        metrics.connectionsOpen.set(Double(now))
    }

    var connectionCount: Int { openConnections.load(ordering: .relaxed) }

    func nextConnectionID() -> UInt64 { connectionIDs.add(1, ordering: .relaxed).newValue }

    func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        let statusText = String(status)
        metrics.requests.increment([route, statusText])
        metrics.duration.observe(seconds, [route])
        if accessLog {
            logger.info("http.request", ["method": .identifier(method.isEmpty ? "-" : method), "route": .identifier(route),
                                         "status": .int(status), "duration_ms": .double(seconds * 1000, decimals: 3)])
        }
    }
}

/// The server's own metric families.
public struct HTTPServerMetrics: Sendable {
    let requests: CounterFamily
    let duration: HistogramFamily
    let connectionsOpen: GaugeFamily
    let connectionsRejected: CounterFamily

    public init(registry: MetricsRegistry) {
        requests = registry.counter("kawan_http_requests_total", help: "HTTP requests answered, by route template and status.",
                                    labels: ["route", "status"])
        duration = registry.histogram("kawan_http_request_duration_seconds",
                                      help: "Time from a request's complete head to its response, by route template.",
                                      labels: ["route"])
        connectionsOpen = registry.gauge("kawan_http_connections_open", help: "Open client connections.")
        connectionsRejected = registry.counter("kawan_http_connections_rejected_total",
                                               help: "Connections closed at accept because max_connections was reached.")
        connectionsOpen.set(0)
    }
}
