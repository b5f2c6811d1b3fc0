import KawanCore

/// The store's families in the daemon's `/metrics`.
struct StoreMetrics: Sendable {
    let transactions: CounterFamily
    let writes: CounterFamily
    let batchSize: HistogramFamily
    let commitSeconds: HistogramFamily

    init(registry: MetricsRegistry) {
        transactions = registry.counter("kawan_store_transactions_total",
                                        help: "Write transactions committed by the store's writer.")
        writes = registry.counter("kawan_store_writes_total",
                                  help: "Write calls finished, by result (ok or error).", labels: ["result"])
        batchSize = registry.histogram("kawan_store_batch_writes",
                                       help: "Writes sharing one group-commit transaction.",
                                       buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512])
        commitSeconds = registry.histogram("kawan_store_batch_duration_seconds",
                                           help: "Time from BEGIN IMMEDIATE to COMMIT of one group of writes.")
    }
}
