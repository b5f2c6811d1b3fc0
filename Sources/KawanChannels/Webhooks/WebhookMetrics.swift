import KawanCore

/// The webhook pipeline's metric families. Labels are configured tenant
/// and channel ids (never values from the request), so cardinality is
/// bounded by the configuration.
struct WebhookMetrics: Sendable {
    let rejected: CounterFamily
    let events: CounterFamily
    let storeFailures: CounterFamily

    init(registry: MetricsRegistry) {
        rejected = registry.counter("kawan_webhook_rejected_total",
                                    help: "Webhooks refused (nothing stored), by tenant, channel and reason.",
                                    labels: ["tenant", "channel", "reason"])
        events = registry.counter("kawan_webhook_events_total",
                                  help: "Webhook events handled, by tenant, channel and kind (message, duplicate, part, status, unhandled).",
                                  labels: ["tenant", "channel", "kind"])
        storeFailures = registry.counter("kawan_webhook_store_failures_total",
                                         help: "Webhooks answered 503 because the store could not commit them.",
                                         labels: ["tenant", "channel"])
    }
}
