import Foundation
public import KawanChannels
import KawanConfig
public import KawanCore
public import KawanStore

/// The hotline's behaviour for one inbound message, in this order:
/// urgent safety net; a person already on it; opt-out; a request for a
/// person (or `0` from the menu); a confident intent's FAQ answer; a
/// greeting with the menu; a clarifying question when the classifier
/// abstains (two in a row hand the worker to a person). Language
/// switching, flood control and loop detection apply throughout.
///
/// It runs inside the webhook's write transaction (see
/// `ConversationResponder`), so the reply, the escalation and the state
/// commit together with the message.
public final class ConversationEngine: ConversationResponder {
    /// Menu digit → intent; the same in every language (the menu text in
    /// the answer files lists them). `0` asks for a person, `9` for the
    /// language list.
    public static let menu: [String: String] = [
        "1": "wage_unpaid", "2": "passport_held", "3": "recruitment_fees", "4": "contract_conditions",
        "5": "health_injury", "6": "visa_status", "7": "repatriation", "8": "legal_complaint",
    ]

    let catalog: AnswerCatalog
    let analyser: any MessageAnalyser
    let settings: EngineSettings
    let metrics: EngineMetrics
    /// Called when an urgent escalation queued a notification (wakes the alert sender).
    let alertsQueued: @Sendable () -> Void

    public init(catalog: AnswerCatalog, analyser: any MessageAnalyser, settings: EngineSettings = EngineSettings(),
                metrics: MetricsRegistry, alertsQueued: @escaping @Sendable () -> Void = {}) {
        self.catalog = catalog
        self.analyser = analyser
        self.settings = settings
        self.metrics = EngineMetrics(registry: metrics)
        self.alertsQueued = alertsQueued
    }

    /// Language understanding, before the transaction (see `ConversationResponder.prepare`).
    public func prepare(_ message: InboundMessageEvent) -> (any Sendable)? {
        guard let text = message.text, text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) else { return nil }
        return analyser.analyse(Self.trimmed(text))
    }

    public func respond(to message: InboundContext, connection: Connection) throws -> ConversationResponse {
        var turn = try Turn(engine: self, message: message, connection: connection)
        let replies = try turn.run()
        return ConversationResponse(replies: replies, language: turn.language, state: turn.state.encoded())
    }

    /// A conversation's five latest outbound messages since a time (loop
    /// detection, every inbound message): read newest first from the
    /// outbound-only index, so it costs the same in a conversation of any length.
    static let recentRepliesQuery = """
        SELECT body FROM messages WHERE tenant_id = ? AND conversation_id = ? AND direction = 'out' AND created_at >= ?
        ORDER BY created_at DESC, id DESC LIMIT 5
        """

    /// Without leading and trailing whitespace.
    static func trimmed(_ text: String) -> String { WhitespaceFolding.trimmed(text) }

    /// The SMS-or-chat version for a channel type.
    static func length(for type: ChannelType) -> AnswerLength {
        switch type {
        case .twilio, .vonage: .sms
        default: .chat
        }
    }
}

/// One message's pass through the engine.
private struct Turn {
    let engine: ConversationEngine
    let message: InboundContext
    let connection: Connection
    let tenant: TenantConfiguration
    let now: Int64
    let text: String
    /// Lower-cased, trimmed, inner spaces collapsed.
    let folded: String
    let understanding: MessageUnderstanding?
    let escalations: EscalationWriter
    var state: ConversationState
    var language: String
    var optedOut: Bool

    init(engine: ConversationEngine, message: InboundContext, connection: Connection) throws {
        self.engine = engine
        self.message = message
        self.connection = connection
        tenant = message.tenant
        now = message.receivedAt
        text = ConversationEngine.trimmed(message.event.text ?? "")
        folded = WhitespaceFolding.folded(text)
        escalations = EscalationWriter(connection: connection, tenantID: message.tenant.id, now: message.receivedAt)
        // One statement for the conversation and its contact: the writer
        // thread runs every statement of every message in turn.
        let row = try connection.queryRow("""
            SELECT conversations.language, conversations.state, contacts.opted_out
            FROM conversations JOIN contacts ON contacts.tenant_id = conversations.tenant_id AND contacts.id = ?
            WHERE conversations.tenant_id = ? AND conversations.id = ?
            """, [.integer(message.contactID), .text(message.tenant.id), .integer(message.conversationID)])
        state = ConversationState.decode(row?["state"].string)
        // A digit answering the menu is a choice, not a message to understand.
        let menuReply = state.awaitingMenu && folded.count == 1 && (folded.first?.isNumber ?? false)
        // Without a single letter (a bare number, punctuation, emoji) there is
        // nothing to classify: treated as unclear, never as urgent.
        let hasLetters = text.unicodeScalars.contains { $0.properties.isAlphabetic }
        if text.isEmpty || menuReply || !hasLetters {
            understanding = nil
        } else {
            understanding = (message.prepared as? MessageUnderstanding) ?? engine.analyser.analyse(text)
        }
        language = row?["language"].string ?? ""
        optedOut = row?["opted_out"].int64 == 1
    }

    mutating func run() throws -> [String] {
        let switched = chooseLanguage()
        try annotateMessage()
        let isLoop = try detectLoop()
        let current = try escalations.current(conversationID: message.conversationID)
        var replies: [String] = []
        var urgent = false

        if understanding?.urgent == true {
            // 1. Urgent: always escalate and answer, even opted out or after hours.
            urgent = true
            var alertFor: Int64?
            if let current {
                try escalations.raise(current, to: .urgent, reason: "urgent_signal")
                if current.priority != .urgent {
                    count(priority: .urgent)
                    alertFor = current.id
                }
            } else {
                alertFor = try escalations.create(conversationID: message.conversationID, priority: .urgent,
                                                  reason: "urgent_signal", intent: understanding?.intent, language: language)
                count(priority: .urgent)
            }
            if let alertFor, let url = tenant.alertWebhook {
                try escalations.queueAlert(url: url, escalationID: alertFor, priority: .urgent, language: language)
                engine.alertsQueued()
            }
            if !isLoop { replies = [try say("system.safety")] }
        } else if isLoop {
            suppressed("loop")
        } else if let current {
            // 2. A person is on it: the message joins the thread.
            if current.status == "open",
               now - (state.escalationAckAt ?? Int64.min / 2) >= engine.settings.escalationAckIntervalMilliseconds {
                replies = [try say("system.escalation_ack")]
                state.escalationAckAt = now
            }
        } else if optedOut {
            // 3. Opted out: nothing automated until a start word.
            if isWord(in: \.startWords) {
                try setOptedOut(false)
                replies = [try say("system.opt_in_confirmation")]
            } else {
                suppressed("opted_out")
            }
        } else if isWord(in: \.stopWords) || understanding?.intent == "opt_out" {
            try setOptedOut(true)
            replies = [try say("system.opt_out_confirmation")]
            state.awaitingMenu = false
        } else if switched {
            replies = [try say("system.language_switched"), try say("system.menu")]
            state.awaitingMenu = true
        } else if state.awaitingMenu, let digit = menuDigit() {
            replies = try menuChoice(digit)
        } else if understanding?.intent == "human_agent" {
            // 4. Asks for a person.
            replies = [try handOff(reason: "human_request", intent: "human_agent")]
        } else if let intent = understanding?.intent, intent != "greeting",
                  (understanding?.confidence ?? 0) >= engine.settings.answerConfidence {
            // 5. A confident intent.
            replies = try answer(intent)
        } else if understanding?.intent == "greeting" {
            // 6. Greeting: welcome (or, in an ongoing conversation, the
            // greeting answer) and the menu.
            replies = [try say(state.welcomed ? "intents.greeting" : "system.welcome"), try say("system.menu")]
            state.welcomed = true
            state.awaitingMenu = true
            state.abstentions = 0
        } else {
            // 7. Abstained (or nothing to classify): clarify; twice in a row, a person.
            if understanding != nil || !text.isEmpty {
                state.abstentions += 1
                engine.metrics.abstentions.increment([tenant.id])
            }
            if state.abstentions >= 2 {
                try escalations.create(conversationID: message.conversationID, priority: .normal, reason: "low_confidence",
                                       intent: nil, language: language)
                count(priority: .normal)
                replies = [try say("system.escalated_after_clarify")]
                state.abstentions = 0
                state.awaitingMenu = false
            } else {
                replies = [try say("system.clarify"), try say("system.menu")]
                state.awaitingMenu = true
            }
        }

        return floodControl(replies, urgent: urgent)
    }

    // MARK: - Behaviours

    private mutating func menuChoice(_ digit: String) throws -> [String] {
        state.awaitingMenu = false
        switch digit {
        case "0":
            return [try handOff(reason: "human_request", intent: "human_agent")]
        case "9":
            state.awaitingLanguage = true
            let names = tenant.languages.compactMap { engine.catalog.packs[$0.rawValue]?.languageName }
            return [names.joined(separator: " / ")]
        default:
            guard let intent = ConversationEngine.menu[digit] else { return [] }
            return try answer(intent)
        }
    }

    private mutating func answer(_ intent: String) throws -> [String] {
        state.abstentions = 0
        state.awaitingMenu = false
        if let id = IntentID(rawValue: intent), let priority = tenant.escalateIntents[id] {
            try escalations.create(conversationID: message.conversationID, priority: priority, reason: intent,
                                   intent: intent, language: language)
            count(priority: priority)
        }
        return [try say("intents.\(intent)")]
    }

    private mutating func handOff(reason: String, intent: String?) throws -> String {
        state.abstentions = 0
        state.awaitingMenu = false
        try escalations.create(conversationID: message.conversationID, priority: .normal, reason: reason, intent: intent,
                               language: language)
        count(priority: .normal)
        let open = tenant.officeHours.isOpen(at: Date(timeIntervalSince1970: Double(now) / 1000))
        return try say(open ? "system.handoff_open" : "system.handoff_after_hours")
    }

    // MARK: - Language

    /// Keeps, sets or switches the conversation's language; true when the
    /// worker switched it on this message.
    private mutating func chooseLanguage() -> Bool {
        let served = Set(tenant.languages.map(\.rawValue))
        if let named = namedLanguage(), served.contains(named) {
            state.awaitingLanguage = false
            let changed = named != language
            language = named
            return changed || !state.awaitingMenu
        }
        if language.isEmpty {
            if let understanding, understanding.languageConfidence >= 0.5, served.contains(understanding.language) {
                language = understanding.language
            } else {
                language = tenant.defaultLanguage.rawValue
            }
            return false
        }
        if let understanding, understanding.language != language, served.contains(understanding.language),
           understanding.languageConfidence >= engine.settings.switchConfidence,
           text.count >= engine.settings.switchMinimumCharacters {
            language = understanding.language
        }
        if !served.contains(language) { language = tenant.defaultLanguage.rawValue }
        return false
    }

    /// A short message naming a language ("English", "Bahasa", "日本語").
    private func namedLanguage() -> String? {
        let words = folded.split(separator: " ")
        guard !folded.isEmpty, words.count <= 4 else { return nil }
        for (code, pack) in engine.catalog.packs.sorted(by: { $0.key < $1.key }) {
            for name in pack.languageNames {
                let candidate = name.lowercased()
                if folded == candidate || (candidate.contains(" ") ? folded.contains(candidate) : words.contains(Substring(candidate))) {
                    return code
                }
            }
        }
        return nil
    }

    // MARK: - Helpers

    private func menuDigit() -> String? {
        guard folded.count == 1, let digit = folded.first, digit.isASCII, digit.isNumber else { return nil }
        return String(digit)
    }

    private func isWord(in list: KeyPath<AnswerPack, [String]>) -> Bool {
        engine.catalog.packs.values.contains { pack in pack[keyPath: list].contains { $0.lowercased() == folded } }
    }

    /// The same text arriving again and again (an auto-responder on the
    /// other side), or an echo of one of Kawan's own recent replies.
    private mutating func detectLoop() throws -> Bool {
        guard !folded.isEmpty else { return false }
        let window = engine.settings.floodWindowMilliseconds
        if state.lastText == folded, let at = state.lastTextAt, now - at < window {
            state.repeats += 1
        } else {
            state.lastText = folded
            state.repeats = 1
        }
        state.lastTextAt = now
        if state.repeats >= engine.settings.loopRepeats { return true }
        let echoes = try connection.query(ConversationEngine.recentRepliesQuery,
                                          [.text(tenant.id), .integer(message.conversationID), .integer(now - window)])
        // Only bodies of about the same size can be echoes; fold just those.
        let size = text.utf8.count
        return echoes.contains { row in
            guard let body = row["body"].string, abs(body.utf8.count - size) <= size / 10 + 8 else { return false }
            return WhitespaceFolding.folded(body) == folded
        }
    }

    private mutating func floodControl(_ replies: [String], urgent: Bool) -> [String] {
        let window = engine.settings.floodWindowMilliseconds
        let current = now
        state.replyTimes.removeAll { current - $0 >= window }
        guard !replies.isEmpty else { return replies }
        if !urgent && state.replyTimes.count >= (tenant.floodLimit ?? engine.settings.floodLimit) {
            if state.floodNoticeAt.map({ now - $0 >= window }) ?? true, let notice = try? say("system.flood_notice") {
                state.floodNoticeAt = now
                state.replyTimes.append(now)
                suppressed("flood")
                return [notice]
            }
            suppressed("flood")
            return []
        }
        state.replyTimes.append(now)
        return replies
    }

    private func say(_ key: String) throws -> String {
        let length = ConversationEngine.length(for: message.channel.type)
        guard let template = engine.catalog.template(key, language: language, length: length, tenant: tenant) else {
            throw EngineError.missingAnswer("\(language) \(key)")
        }
        var values = tenant.placeholders
        // Formatting dates goes through ICU: only when the text asks for it.
        if template.contains("{office_hours}") { values["office_hours"] = tenant.officeHours.summary }
        if template.contains("{next_opening}") { values["next_opening"] = nextOpening() }
        return AnswerCatalog.expand(template, values: values)
    }

    private func nextOpening() -> String {
        let date = Date(timeIntervalSince1970: Double(now) / 1000)
        guard let opening = tenant.officeHours.nextOpening(after: date) else { return tenant.officeHours.summary }
        let formatter = DateFormatter()
        formatter.timeZone = tenant.timeZone
        formatter.locale = Locale(identifier: ["id": "id_ID", "tl": "fil_PH", "vi": "vi_VN", "ja": "ja_JP"][language] ?? "en_US")
        formatter.setLocalizedDateFormatFromTemplate("EEEEHHmm")
        return formatter.string(from: opening)
    }

    private mutating func setOptedOut(_ value: Bool) throws {
        optedOut = value
        try connection.execute("UPDATE contacts SET opted_out = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
                               [.integer(value ? 1 : 0), .integer(now), .text(tenant.id), .integer(message.contactID)])
    }

    private func annotateMessage() throws {
        try connection.execute("UPDATE messages SET language = ?, intent = ?, confidence = ? WHERE tenant_id = ? AND id = ?",
                               [.text(language), SQLValue(understanding?.intent), SQLValue(understanding?.confidence),
                                .text(tenant.id), .integer(message.messageID)])
        engine.metrics.messages.increment([tenant.id, language, understanding?.intent ?? "abstained"])
    }

    private func count(priority: EscalationPriority) {
        engine.metrics.escalations.increment([tenant.id, priority.rawValue])
    }

    private func suppressed(_ reason: String) {
        engine.metrics.suppressed.increment([tenant.id, reason])
    }
}
