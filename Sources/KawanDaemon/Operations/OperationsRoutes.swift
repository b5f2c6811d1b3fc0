import KawanCore
import KawanHTTP

/// `GET /healthz`, `GET /readyz` and `GET /metrics`.
enum OperationsRoutes {
    static func add(to router: inout Router, readiness: Readiness, metrics: MetricsRegistry) {
        router.add("GET", "/healthz", .immediate { _ in .text("ok\n") })
        router.add("GET", "/readyz", .async { _ in
            if let reason = await readiness.failure() {
                return .text("not ready: \(reason)\n", status: .serviceUnavailable)
            }
            return .text("ready\n")
        })
        router.add("GET", "/metrics", .immediate { _ in
            HTTPResponse(status: .ok, headers: HTTPHeaders([("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]),
                         body: Array(metrics.render().utf8))
        })
    }
}
