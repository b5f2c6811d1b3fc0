import KawanCore

/// The conversation engine's metrics. Label values are configured tenant
/// ids, the five language codes and the 16 intents (or `abstained`).
struct EngineMetrics: Sendable {
    let messages: CounterFamily
    let abstentions: CounterFamily
    let escalations: CounterFamily
    let suppressed: CounterFamily

    init(registry: MetricsRegistry) {
        messages = registry.counter("kawan_conversation_messages_total",
                                    help: "Inbound messages understood, by tenant, language and intent (abstained when none).",
                                    labels: ["tenant", "language", "intent"])
        abstentions = registry.counter("kawan_conversation_abstentions_total",
                                       help: "Messages the classifier abstained on, by tenant.", labels: ["tenant"])
        escalations = registry.counter("kawan_escalations_created_total",
                                       help: "Escalations created (or raised to urgent), by tenant and priority.",
                                       labels: ["tenant", "priority"])
        suppressed = registry.counter("kawan_conversation_replies_suppressed_total",
                                      help: "Automated replies not sent, by tenant and reason (flood, loop, opted_out).",
                                      labels: ["tenant", "reason"])
    }
}
