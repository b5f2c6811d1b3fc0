import Foundation
import KawanConversation
import KawanNLU
import KawanStore
import Testing

/// Conversations in each language through the real webhook route, with the
/// real language understanding trained from the shipped corpus.
@Suite struct ScenarioTests {
    static let analyser = NLUAnalyser(try! LanguageUnderstanding(
        localizationDirectory: ConversationFixture.root.appendingPathComponent("Localization").path))

    struct Language: CustomTestStringConvertible, Sendable {
        let code: String
        let greeting: String
        let urgent: [(family: String, text: String)]
        var testDescription: String { code }
    }

    static let languages: [Language] = [
        Language(code: "id", greeting: "halo kak", urgent: [
            ("abuse_violence", "majikan memukul saya setiap hari"),
            ("trafficking_forced_labour", "paspor saya ditahan, saya dikunci di asrama dan tidak boleh keluar"),
            ("emergency", "saya mau bunuh diri")]),
        Language(code: "tl", greeting: "kumusta po", urgent: [
            ("abuse_violence", "amo ko sinasaktan ako araw-araw"),
            ("trafficking_forced_labour", "kinulong kami ng amo, hindi kami makalabas, kinuha ang passport"),
            ("emergency", "gusto ko nang mamatay")]),
        Language(code: "vi", greeting: "xin chào", urgent: [
            ("abuse_violence", "ông chủ đánh tôi mỗi ngày"),
            ("trafficking_forced_labour", "cong ty nhot chung toi, khong cho ra ngoai, giu ho chieu"),
            ("emergency", "tôi không muốn sống nữa")]),
        Language(code: "ja", greeting: "こんにちは", urgent: [
            ("abuse_violence", "社長に毎日殴られています"),
            ("trafficking_forced_labour", "寮に閉じ込められて外に出られない、パスポートも取られた"),
            ("emergency", "死にたい")]),
        Language(code: "en", greeting: "hello", urgent: [
            ("abuse_violence", "my boss hits me every day"),
            ("trafficking_forced_labour", "we are locked in and cannot leave, they took our passports"),
            ("emergency", "I want to die")]),
    ]

    @Test(arguments: languages)
    func greetingThenMenuDigitThenAnswer(_ language: Language) async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        let welcome = try await fixture.send(language.greeting)
        #expect(welcome == [fixture.answer("system.welcome", language.code), fixture.answer("system.menu", language.code)])
        let answer = try await fixture.send("2")
        #expect(answer == [fixture.answer("intents.passport_held", language.code)])
        await fixture.stop()
    }

    @Test(arguments: languages)
    func everyUrgentFamilyRaisesAnUrgentEscalationWithTheSafetyMessage(_ language: Language) async throws {
        for (index, (family, text)) in language.urgent.enumerated() {
            let fixture = try ConversationFixture(analyser: Self.analyser)
            let replies = try await fixture.send(text, from: "worker-\(index)")
            #expect(replies == [fixture.answer("system.safety", language.code)], "\(family)")
            #expect(replies.first?.contains("+81-00-0000-0119") == true, "\(family): the tenant's emergency number")
            let escalations = try await fixture.escalations()
            #expect(escalations.count == 1, "\(family)")
            #expect(escalations.first?["priority"].string == "urgent", "\(family)")
            #expect(escalations.first?["reason"].string == "urgent_signal", "\(family)")
            #expect(escalations.first?["language"].string == language.code, "\(family)")
            await fixture.stop()
        }
    }

    @Test func aWorkerWritesTagalogThenAsksForEnglish() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        #expect(try await fixture.send("kumusta po") == [fixture.answer("system.welcome", "tl"), fixture.answer("system.menu", "tl")])
        #expect(try await fixture.send("English") == [fixture.answer("system.language_switched", "en"), fixture.answer("system.menu", "en")])
        #expect(try await fixture.send("7") == [fixture.answer("intents.repatriation", "en")])
        await fixture.stop()
    }

    @Test func optOutThenAStartWord() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        #expect(try await fixture.send("BERHENTI") == [fixture.answer("system.opt_out_confirmation", "id")])
        #expect(try await fixture.send("halo kak").isEmpty)
        #expect(try await fixture.send("MULAI") == [fixture.answer("system.opt_in_confirmation", "id")])
        #expect(try await fixture.send("halo kak").count == 2)
        await fixture.stop()
    }

    @Test func aMessageToAnOpenEscalationJoinsItWithoutAnFAQAnswer() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        #expect(try await fixture.send("saya mau bicara dengan petugas") == [fixture.answer("system.handoff_open", "id")])
        let joined = try await fixture.send("gaji saya belum dibayar tiga bulan")
        #expect(joined == [fixture.answer("system.escalation_ack", "id")])
        #expect(try await fixture.escalations().count == 1)
        let messages = try await fixture.value("SELECT count(*) FROM messages WHERE direction = 'in'")
        #expect(messages.int64 == 2)
        await fixture.stop()
    }

    @Test func afterHoursHandOffSaysWhenCaseworkersAnswer() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser, now: ConversationFixture.mondayNightTokyo)
        let replies = try await fixture.send("I need to talk to a real person please")
        #expect(replies.count == 1)
        #expect(replies.first?.hasPrefix(fixture.answer("system.handoff_after_hours", "en")) == true)
        #expect(replies.first?.contains("Tuesday") == true)
        await fixture.stop()
    }

    @Test func floodLimitAppliesToRealConversations() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser, settings: EngineSettings(floodLimit: 2))
        var counts: [Int] = []
        for text in ["hello", "what is the weather in Osaka", "do you like football", "tell me a joke", "hi again"] {
            counts.append(try await fixture.send(text).count)
        }
        #expect(counts[2] == 1)            // the flood notice
        #expect(counts[3] == 0 && counts[4] == 0)
        await fixture.stop()
    }

    @Test func aTenantOverrideIsWhatTheWorkerGets() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser) { tenant in
            tenant["answers"] = ["id": ["system.welcome": ["chat": "Selamat datang di hotline kami. Telepon {hotline_phone}."]]]
        }
        let replies = try await fixture.send("halo kak")
        #expect(replies.first == "Selamat datang di hotline kami. Telepon +81-00-0000-0000.")
        await fixture.stop()
    }
}
