import Foundation
import KawanConversation
import KawanStore
import Testing

/// The engine's rules in isolation: what language understanding says is
/// scripted per text, so each rule is tested on exactly the input it is
/// about. (The scenario tests run the same engine with the real model.)
@Suite struct EngineRuleTests {
    /// Language understanding's verdict for each text a test sends.
    struct ScriptedAnalyser: MessageAnalyser {
        var verdicts: [String: MessageUnderstanding]
        var fallback = MessageUnderstanding(language: "en", languageConfidence: 0.3, intent: nil, confidence: 0.2, urgent: false)

        /// The verdict of the longest scripted text the message starts with.
        func analyse(_ text: String) -> MessageUnderstanding {
            verdicts.filter { text.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value ?? fallback
        }
    }

    static func verdict(_ language: String, _ intent: String?, urgent: Bool = false, confidence: Double = 0.95) -> MessageUnderstanding {
        MessageUnderstanding(language: language, languageConfidence: 0.95, intent: intent, confidence: confidence, urgent: urgent)
    }

    static let analyser = ScriptedAnalyser(verdicts: [
        "hello": verdict("en", "greeting"),
        "halo kak": verdict("id", "greeting"),
        "my boss has not paid me for three months": verdict("en", "wage_unpaid"),
        "gaji saya belum dibayar tiga bulan": verdict("id", "wage_unpaid"),
        "majikan pukul saya tadi malam": verdict("id", "abuse_violence", urgent: true),
        "I want to talk to a person": verdict("en", "human_agent"),
        "stop": verdict("en", "opt_out"),
        "blue elephants dancing": verdict("en", nil, confidence: 0.2),
        "kinuha ng amo ko ang passport ko at hindi ibinabalik": verdict("tl", "passport_held"),
        "kumusta po kayo diyan": verdict("tl", "greeting"),
        "what visa do I need to change jobs": verdict("en", "visa_status"),
    ])

    @Test func greetingGetsWelcomeAndMenuThenADigitSelectsATopic() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        let first = try await fixture.send("hello")
        #expect(first == [fixture.answer("system.welcome", "en"), fixture.answer("system.menu", "en")])
        let second = try await fixture.send("1")
        #expect(second == [fixture.answer("intents.wage_unpaid", "en")])
        await fixture.stop()
    }

    @Test func urgentMessagesGetTheSafetyMessageAndAnUrgentEscalation() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        let replies = try await fixture.send("majikan pukul saya tadi malam")
        #expect(replies == [fixture.answer("system.safety", "id")])
        #expect(replies.first?.contains("+81-00-0000-0119") == true)
        let escalations = try await fixture.escalations()
        #expect(escalations.count == 1)
        #expect(escalations[0]["priority"].string == "urgent" && escalations[0]["reason"].string == "urgent_signal")
        #expect(escalations[0]["intent"].string == "abuse_violence" && escalations[0]["language"].string == "id")
        await fixture.stop()
    }

    @Test func urgentRaisesAnOpenEscalationAndReachesOptedOutContacts() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        _ = try await fixture.send("I want to talk to a person")
        _ = try await fixture.send("majikan pukul saya tadi malam")
        var escalations = try await fixture.escalations()
        #expect(escalations.count == 1 && escalations[0]["priority"].string == "urgent")
        let events = try await fixture.value("SELECT group_concat(kind) FROM escalation_events")
        #expect(events.string == "created,raised")
        // Opted out, still heard when in danger.
        let other = "worker-2"
        _ = try await fixture.send("stop", from: other)
        let replies = try await fixture.send("majikan pukul saya tadi malam", from: other)
        // A long, confident Indonesian message also moves the conversation to Indonesian.
        #expect(replies == [fixture.answer("system.safety", "id")])
        escalations = try await fixture.escalations()
        #expect(escalations.count == 2)
        await fixture.stop()
    }

    @Test func aPersonAlreadyOnItMeansNoFAQAnswerAndOneAcknowledgement() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        let handoff = try await fixture.send("I want to talk to a person")
        #expect(handoff == [fixture.answer("system.handoff_open", "en")])
        let first = try await fixture.send("my boss has not paid me for three months")
        #expect(first == [fixture.answer("system.escalation_ack", "en")])
        let second = try await fixture.send("my boss has not paid me for three months, please")
        #expect(second.isEmpty)
        // Claimed: nothing automated at all.
        try await fixture.database.write { try $0.execute("UPDATE escalations SET status = 'claimed', claimed_by = 'ana'") }
        fixture.advance(seconds: 4 * 3600)
        #expect(try await fixture.send("hello").isEmpty)
        // Messages joined the conversation.
        #expect(try await fixture.value("SELECT count(*) FROM messages WHERE direction = 'in'").int64 == 4)
        await fixture.stop()
    }

    @Test func optOutConfirmsOnceThenSilenceUntilAStartWord() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        #expect(try await fixture.send("stop") == [fixture.answer("system.opt_out_confirmation", "en")])
        #expect(try await fixture.value("SELECT opted_out FROM contacts").int64 == 1)
        #expect(try await fixture.send("hello").isEmpty)
        #expect(try await fixture.send("my boss has not paid me for three months").isEmpty)
        #expect(try await fixture.send("START") == [fixture.answer("system.opt_in_confirmation", "en")])
        #expect(try await fixture.value("SELECT opted_out FROM contacts").int64 == 0)
        #expect(try await fixture.send("hello").count == 2)
        await fixture.stop()
    }

    @Test func askingForAPersonAfterHoursSaysWhenCaseworkersAnswer() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser, now: ConversationFixture.mondayNightTokyo)
        let replies = try await fixture.send("I want to talk to a person")
        let template = fixture.answer("system.handoff_after_hours", "en")
        #expect(replies.count == 1 && replies[0].hasPrefix(template))
        #expect(replies[0].contains("Mon-Fri 09:00-18:00"))
        #expect(!replies[0].contains("{"))
        let escalations = try await fixture.escalations()
        #expect(escalations.count == 1 && escalations[0]["reason"].string == "human_request")
        await fixture.stop()
    }

    @Test func zeroInTheMenuAsksForAPerson() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        _ = try await fixture.send("hello")
        #expect(try await fixture.send("0") == [fixture.answer("system.handoff_open", "en")])
        #expect(try await fixture.escalations().count == 1)
        await fixture.stop()
    }

    @Test func configuredIntentsAlsoEscalateWithTheirPriority() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        let replies = try await fixture.send("kinuha ng amo ko ang passport ko at hindi ibinabalik")
        #expect(replies == [fixture.answer("intents.passport_held", "tl")])
        let escalations = try await fixture.escalations()
        #expect(escalations.count == 1 && escalations[0]["priority"].string == "high" && escalations[0]["reason"].string == "passport_held")
        await fixture.stop()
    }

    @Test func twoAbstentionsInARowHandTheWorkerToAPerson() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        #expect(try await fixture.send("blue elephants dancing") == [fixture.answer("system.clarify", "en"), fixture.answer("system.menu", "en")])
        #expect(try await fixture.escalations().isEmpty)
        #expect(try await fixture.send("blue elephants dancing again") == [fixture.answer("system.escalated_after_clarify", "en")])
        let escalations = try await fixture.escalations()
        #expect(escalations.count == 1 && escalations[0]["reason"].string == "low_confidence" && escalations[0]["priority"].string == "normal")
        await fixture.stop()
    }

    @Test func namingALanguageSwitchesTheConversation() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        _ = try await fixture.send("kumusta po kayo diyan")
        #expect(try await fixture.value("SELECT language FROM conversations").string == "tl")
        let switched = try await fixture.send("English")
        #expect(switched == [fixture.answer("system.language_switched", "en"), fixture.answer("system.menu", "en")])
        #expect(try await fixture.value("SELECT language FROM conversations").string == "en")
        // A long confident message in another language switches it too.
        _ = try await fixture.send("gaji saya belum dibayar tiga bulan")
        #expect(try await fixture.value("SELECT language FROM conversations").string == "id")
        await fixture.stop()
    }

    @Test func repliesOnlyInTheTenantsLanguages() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser) { tenant in
            tenant["languages"] = ["en", "id"]
            tenant["default_language"] = "en"
            var caseworkers = tenant["caseworkers"] as! [[String: Any]]
            for index in caseworkers.indices { caseworkers[index]["languages"] = ["en"] }
            tenant["caseworkers"] = caseworkers
        }
        let replies = try await fixture.send("kinuha ng amo ko ang passport ko at hindi ibinabalik")
        #expect(replies == [fixture.answer("intents.passport_held", "en")])
        await fixture.stop()
    }

    @Test func floodControlStopsAnsweringAfterTheLimit() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser, settings: EngineSettings(floodLimit: 3))
        var counts: [Int] = []
        for index in 0..<6 { counts.append(try await fixture.send("what visa do I need to change jobs \(index)").count) }
        // Three answers, one flood notice, then silence.
        #expect(counts == [1, 1, 1, 1, 0, 0])
        #expect(try await fixture.value("SELECT count(*) FROM messages WHERE direction = 'in'").int64 == 6)
        #expect(fixture.metrics.render().contains(#"kawan_conversation_replies_suppressed_total{tenant="demo",reason="flood"} 3"#))
        // The window passes: answers resume.
        fixture.advance(seconds: 11 * 60)
        #expect(try await fixture.send("what visa do I need to change jobs").count == 1)
        await fixture.stop()
    }

    @Test func theTenantsFloodLimitWins() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser) { $0["flood_limit"] = 1 }
        let first = try await fixture.send("what visa do I need to change jobs 1").count
        let second = try await fixture.send("what visa do I need to change jobs 2")
        let third = try await fixture.send("what visa do I need to change jobs 3").count
        #expect(first == 1 && second == [fixture.answer("system.flood_notice", "en")] && third == 0)
        await fixture.stop()
    }

    @Test func theSameTextOverAndOverIsALoopAndNotAnswered() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        let counts = [try await fixture.send("Auto-reply: I am away").count,
                      try await fixture.send("Auto-reply: I am away").count,
                      try await fixture.send("Auto-reply: I am away").count,
                      try await fixture.send("Auto-reply: I am away").count]
        #expect(counts[0] > 0 && counts[2] == 0 && counts[3] == 0)
        await fixture.stop()
    }

    /// An auto-responder that sends Kawan's own reply back is a loop too.
    @Test func anEchoOfKawansOwnReplyIsNotAnswered() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser)
        let reply = try #require(try await fixture.send("hello").first)
        #expect(try await fixture.send(reply).isEmpty)
        #expect(fixture.metrics.render().contains(#"kawan_conversation_replies_suppressed_total{tenant="demo",reason="loop"} 1"#))
        await fixture.stop()
    }

    @Test func aBareNumberOutsideTheMenuIsUnclearNotUrgent() async throws {
        // The analyser would call it urgent; without letters there is nothing to classify.
        var analyser = Self.analyser
        analyser.verdicts["2"] = Self.verdict("en", "abuse_violence", urgent: true)
        let fixture = try ConversationFixture(analyser: analyser)
        #expect(try await fixture.send("2") == [fixture.answer("system.clarify", "en"), fixture.answer("system.menu", "en")])
        #expect(try await fixture.escalations().isEmpty)
        await fixture.stop()
    }

    @Test func aTenantOverrideReplacesTheShippedAnswer() async throws {
        let fixture = try ConversationFixture(analyser: Self.analyser) { tenant in
            tenant["answers"] = ["en": ["intents.wage_unpaid": ["chat": "Our own wage answer. Call {hotline_phone}."]]]
        }
        #expect(try await fixture.send("my boss has not paid me for three months") == ["Our own wage answer. Call +81-00-0000-0000."])
        await fixture.stop()
    }
}
