import KawanCore

/// The outbox's counters in `/metrics`.
struct OutboxMetrics: Sendable {
    let sent: CounterFamily
    let retried: CounterFamily
    let failed: CounterFamily
    let depth: GaugeFamily

    init(registry: MetricsRegistry) {
        sent = registry.counter("kawan_outbox_sent_total", help: "Messages a provider accepted.",
                                labels: ["tenant", "channel"])
        retried = registry.counter("kawan_outbox_retried_total",
                                   help: "Send attempts that failed and were scheduled again.",
                                   labels: ["tenant", "channel"])
        failed = registry.counter("kawan_outbox_failed_total",
                                  help: "Messages given up on (permanent error, refusal or last attempt).",
                                  labels: ["tenant", "channel"])
        depth = registry.gauge("kawan_outbox_depth", help: "Outbox rows pending or being sent.")
    }
}
