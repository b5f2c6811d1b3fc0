/// The intents the conversation engine recognises, by the ids used as keys
/// of a tenant's `escalate_intents`. Listing them here lets configuration
/// catch a misspelt intent instead of silently never escalating it.
public enum IntentID: String, Sendable, Hashable, CaseIterable {
    case greeting
    case humanAgent = "human_agent"
    case optOut = "opt_out"
    case wageUnpaid = "wage_unpaid"
    case passportHeld = "passport_held"
    case recruitmentFees = "recruitment_fees"
    case contractConditions = "contract_conditions"
    case abuseViolence = "abuse_violence"
    case traffickingForcedLabour = "trafficking_forced_labour"
    case emergency
    case healthInjury = "health_injury"
    case visaStatus = "visa_status"
    case repatriation
    case remittance
    case legalComplaint = "legal_complaint"
    case preDeparture = "pre_departure"
}
