public import Foundation

/// One organisation served by the daemon, from `tenants/<id>.json`.
public struct TenantConfiguration: Sendable {
    /// Equal to the file name without `.json`.
    public let id: String
    public let name: String
    /// Used until a worker's language is known.
    public let defaultLanguage: Language
    /// Languages offered, in the tenant's order of preference.
    public let languages: [Language]
    public let timeZone: TimeZone
    public let officeHours: OfficeHours
    /// Conversations older than this are deleted.
    public let retentionDays: Int
    /// Where operational alerts are posted, if anywhere.
    public let alertWebhook: String?
    /// Intents that hand the conversation to a caseworker, with how urgently.
    public let escalateIntents: [IntentID: EscalationPriority]
    /// How long a caseworker's claim on a conversation lasts without activity.
    public let claimLeaseMinutes: Int
    public let channels: [ChannelConfiguration]
    public let caseworkers: [CaseworkerConfiguration]
    /// Values substituted into replies, e.g. `hotline_phone`, `emergency_phone`.
    public let placeholders: [String: String]
    /// The tenant's own wording of answers, by language.
    public let answers: [Language: [AnswerOverride]]
    /// Automated replies per contact per 10 minutes; nil: the engine's default.
    public let floodLimit: Int?

    public init(id: String, name: String, defaultLanguage: Language, languages: [Language], officeHours: OfficeHours,
                retentionDays: Int, alertWebhook: String?, escalateIntents: [IntentID: EscalationPriority],
                claimLeaseMinutes: Int, channels: [ChannelConfiguration], caseworkers: [CaseworkerConfiguration],
                placeholders: [String: String], answers: [Language: [AnswerOverride]] = [:], floodLimit: Int? = nil) {
        self.id = id
        self.name = name
        self.defaultLanguage = defaultLanguage
        self.languages = languages
        self.timeZone = officeHours.timeZone
        self.officeHours = officeHours
        self.retentionDays = retentionDays
        self.alertWebhook = alertWebhook
        self.escalateIntents = escalateIntents
        self.claimLeaseMinutes = claimLeaseMinutes
        self.channels = channels
        self.caseworkers = caseworkers
        self.placeholders = placeholders
        self.answers = answers
        self.floodLimit = floodLimit
    }

    public func channel(id: String) -> ChannelConfiguration? { channels.first { $0.id == id } }

    public func caseworker(id: String) -> CaseworkerConfiguration? { caseworkers.first { $0.id == id } }

    /// `demo: "Demo Hotline" languages=id,tl,vi,ja,en channels=7 caseworkers=2 timezone=Asia/Tokyo`
    public var summaryLine: String {
        "\(id): \"\(name)\" languages=\(languages.map(\.rawValue).joined(separator: ","))"
            + " channels=\(channels.count) caseworkers=\(caseworkers.count) timezone=\(timeZone.identifier)"
    }
}
