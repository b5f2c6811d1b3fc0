/// The hotline's intent ids (`../shared/nlu/INTENTS.md`) and which are urgent.
/// The classifier itself works on string labels so that `kawan eval --train`
/// can learn any label set; this type names the product's.
public enum HotlineIntent {
    /// The label for out-of-scope or too-vague messages: the right answer is to abstain.
    public static let other = "other"

    /// Intents that always escalate at the highest priority.
    public static let urgent: Set<String> = ["abuse_violence", "trafficking_forced_labour", "emergency"]

    public static let all: [String] = [
        "greeting", "human_agent", "opt_out", "wage_unpaid", "passport_held", "recruitment_fees",
        "contract_conditions", "abuse_violence", "trafficking_forced_labour", "emergency", "health_injury",
        "visa_status", "repatriation", "remittance", "legal_complaint", "pre_departure",
    ]

    public static func isUrgent(_ intent: String) -> Bool { urgent.contains(intent) }
}
