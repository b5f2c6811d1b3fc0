import Foundation
import KawanChannels
import KawanConfig
import KawanConversation
import Testing

/// The shipped answers: complete in every language, within the SMS budget,
/// and checked against each tenant's placeholders and overrides.
@Suite struct AnswerCatalogTests {
    static let catalog = ConversationFixture.catalog

    /// Worst-case lengths of what placeholders expand to (the same widths
    /// Localization/answers/check.py uses).
    static let worstCase: [String: String] = [
        "hotline_phone": String(repeating: "9", count: 20), "emergency_phone": String(repeating: "9", count: 20),
        "labour_office_phone": String(repeating: "9", count: 20), "embassy_phone": String(repeating: "9", count: 20),
        "office_address": String(repeating: "a", count: 60), "office_hours": String(repeating: "a", count: 45),
        "next_opening": String(repeating: "a", count: 20),
    ]

    @Test func everyIntentAndSystemMessageHasAnAnswerInEveryLanguage() {
        for language in AnswerCatalog.languages {
            let pack = Self.catalog.packs[language]
            #expect(pack != nil, "\(language) missing")
            for key in AnswerCatalog.requiredKeys {
                let text = pack?.entries[key]
                #expect(text != nil && !(text!.sms.isEmpty) && !(text!.chat.isEmpty), "\(language) \(key)")
            }
            #expect(!(pack?.startWords.isEmpty ?? true) && !(pack?.stopWords.isEmpty ?? true), "\(language) start/stop words")
            #expect(!(pack?.languageNames.isEmpty ?? true), "\(language) language names")
        }
    }

    @Test func everySMSAnswerFitsThreeSegmentsAfterWorstCaseExpansion() {
        var checked = 0
        for (language, pack) in Self.catalog.packs {
            for (key, text) in pack.entries {
                // Placeholders expand to worst-case ASCII widths; a UCS-2 text stays UCS-2.
                let expanded = AnswerCatalog.expand(text.sms, values: Self.worstCase)
                let length = SMSLength(expanded)
                #expect(length.segments <= 3, "\(language) \(key): \(length.units) \(length.encoding.rawValue) units = \(length.segments) segments")
                checked += 1
            }
        }
        #expect(checked == 5 * AnswerCatalog.requiredKeys.count)
    }

    @Test func smsLengthCountsGSM7AndUCS2Correctly() {
        #expect(SMSLength("Gaji saya belum dibayar").encoding == .gsm7)
        #expect(SMSLength(String(repeating: "a", count: 160)).segments == 1)
        #expect(SMSLength(String(repeating: "a", count: 161)).segments == 2)
        #expect(SMSLength(String(repeating: "a", count: 459)).segments == 3)
        #expect(SMSLength(String(repeating: "a", count: 460)).segments == 4)
        // The extension table costs two septets.
        #expect(SMSLength("{}").units == 4 && SMSLength("€").encoding == .gsm7)
        // One Vietnamese or Japanese character makes the whole message UCS-2.
        #expect(SMSLength("Tiền lương").encoding == .ucs2)
        #expect(SMSLength(String(repeating: "給", count: 70)).segments == 1)
        #expect(SMSLength(String(repeating: "給", count: 71)).segments == 2)
        #expect(SMSLength(String(repeating: "給", count: 201)).segments == 3)
        #expect(SMSLength(String(repeating: "給", count: 202)).segments == 4)
        // Emoji are two UTF-16 units.
        #expect(SMSLength("😀").units == 2)
    }

    @Test func theDemoTenantHasEveryPlaceholderItsAnswersUse() throws {
        let configuration = try ConfigurationLoader.load(directory: ConversationFixture.configDirectory)
        #expect(Self.catalog.problems(for: configuration.tenant(id: "demo")!) == [])
    }

    @Test func aMissingPlaceholderOrUnknownOverrideIsAConfigurationProblem() throws {
        let configuration = try ConfigurationLoader.load(directory: ConversationFixture.configDirectory)
        let demo = configuration.tenant(id: "demo")!
        var placeholders = demo.placeholders
        placeholders.removeValue(forKey: "hotline_phone")
        let tenant = TenantConfiguration(
            id: demo.id, name: demo.name, defaultLanguage: demo.defaultLanguage, languages: [.english],
            officeHours: demo.officeHours, retentionDays: demo.retentionDays, alertWebhook: nil, escalateIntents: [:],
            claimLeaseMinutes: demo.claimLeaseMinutes, channels: demo.channels, caseworkers: [], placeholders: placeholders,
            answers: [.english: [
                AnswerOverride(key: "intents.wage_unpaid", sms: "Call {embassy_phonee}", chat: nil, file: "tenants/demo.json", line: 40),
                AnswerOverride(key: "intents.no_such_intent", sms: "x", chat: nil, file: "tenants/demo.json", line: 41),
            ]])
        let problems = Self.catalog.problems(for: tenant).map(\.description)
        #expect(problems.contains { $0.hasPrefix("tenants/demo.json: placeholders.hotline_phone: missing: the en answer") })
        #expect(problems.contains("tenants/demo.json:40: answers.en.intents.wage_unpaid.sms: uses {embassy_phonee}, which the tenant's placeholders do not define"))
        #expect(problems.contains("tenants/demo.json:41: answers.en.intents.no_such_intent: no such answer (keys are intents.<intent> or system.<message>)"))
    }

    @Test func expandFillsKnownPlaceholdersOnly() {
        #expect(AnswerCatalog.expand("Call {a} or {b}.", values: ["a": "110"]) == "Call 110 or {b}.")
        #expect(AnswerCatalog.placeholders(in: "x {a} {b_c} {not a name} {}") == ["a", "b_c"])
    }
}
