import Foundation
import KawanCrypto

/// Reads one `tenants/<id>.json`. Returns the tenant only when the file has
/// no problems, but always walks the whole file so every problem is logged.
enum TenantDecoder {
    static let keys = [
        "id", "name", "default_language", "languages", "timezone", "office_hours", "retention_days",
        "alert_webhook", "escalate_intents", "claim_lease_minutes", "channels", "caseworkers", "placeholders",
        "answers", "flood_limit",
    ]

    /// Placeholders every tenant must define, because built-in replies use them.
    static let requiredPlaceholders = ["hotline_phone", "emergency_phone"]

    /// `fileID` is the file name without `.json` when that is a valid id.
    static func decode(_ root: JSONValue, fileID: String?, resolver: SecretResolver,
                       registry: inout LoadingRegistry, _ log: inout ProblemLog) -> TenantConfiguration? {
        let before = log.problems.count
        guard let object = Field(value: root, path: .root).object(allowedKeys: keys, &log) else { return nil }

        let id = decodeID(object, fileID: fileID, registry: &registry, &log)
        let name = object.required("name", &log)?.nonEmptyString(&log)
        let languages = decodeLanguages(object, &log)
        let defaultLanguage = decodeDefaultLanguage(object, languages: languages, &log)
        let timeZone = decodeTimeZone(object, &log)
        let officeHours = object.required("office_hours", &log).flatMap {
            OfficeHoursDecoder.decode($0, timeZone: timeZone ?? .gmt, &log)
        }
        let retentionDays = object.required("retention_days", &log)?.integer(in: 1...3650, &log)
        let alertWebhook = object.optional("alert_webhook")?.httpURL(isBase: false, &log)
        let escalateIntents = decodeEscalateIntents(object, &log)
        let claimLeaseMinutes = object.optional("claim_lease_minutes").map { $0.integer(in: 1...1440, &log) } ?? 30
        let channels = decodeChannels(object, resolver: resolver, &log)
        let caseworkers = decodeCaseworkers(object, tenantLanguages: languages, registry: &registry, &log)
        let placeholders = decodePlaceholders(object, &log)
        let answers = decodeAnswers(object, languages: languages ?? [], &log)
        let floodLimit = object.optional("flood_limit").flatMap { $0.integer(in: 1...100, &log) }

        guard let id, let name, let languages, let defaultLanguage, timeZone != nil, let officeHours, let retentionDays,
              let claimLeaseMinutes, let placeholders, !log.hasProblems(since: before) else { return nil }
        return TenantConfiguration(
            id: id, name: name, defaultLanguage: defaultLanguage, languages: languages, officeHours: officeHours,
            retentionDays: retentionDays, alertWebhook: alertWebhook, escalateIntents: escalateIntents,
            claimLeaseMinutes: claimLeaseMinutes, channels: channels, caseworkers: caseworkers, placeholders: placeholders,
            answers: answers, floodLimit: floodLimit)
    }

    private static func decodeID(_ object: ObjectField, fileID: String?, registry: inout LoadingRegistry,
                                 _ log: inout ProblemLog) -> String? {
        guard let field = object.required("id", &log), let id = field.identifier(&log) else { return nil }
        if let fileID, id != fileID {
            log.add(field.path, line: field.line, "\"\(id)\" does not match the file name \"\(fileID).json\"")
            return nil
        }
        if let firstFile = registry.tenantFiles[id] {
            log.add(field.path, line: field.line, "tenant id \"\(id)\" is already used by \(firstFile)")
            return nil
        }
        registry.tenantFiles[id] = log.file
        return id
    }

    /// A non-empty list without repeats; nil if anything is wrong with it.
    private static func decodeLanguages(_ object: ObjectField, _ log: inout ProblemLog) -> [Language]? {
        guard let field = object.required("languages", &log) else { return nil }
        return languageList(field, &log)
    }

    static func languageList(_ field: Field, _ log: inout ProblemLog) -> [Language]? {
        guard let elements = field.array(&log) else { return nil }
        let before = log.problems.count
        if elements.isEmpty {
            log.add(field.path, line: field.line, "must list at least one language")
        }
        var languages: [Language] = []
        for element in elements {
            guard let language = element.choice(Language.self, noun: "language", &log) else { continue }
            if languages.contains(language) {
                log.add(element.path, line: element.line, "\"\(language.rawValue)\" is listed twice")
                continue
            }
            languages.append(language)
        }
        return log.hasProblems(since: before) ? nil : languages
    }

    /// Checked against `languages` only when that list itself is valid, so
    /// one typo is not reported twice.
    private static func decodeDefaultLanguage(_ object: ObjectField, languages: [Language]?,
                                              _ log: inout ProblemLog) -> Language? {
        guard let field = object.required("default_language", &log),
              let language = field.choice(Language.self, noun: "language", &log) else { return nil }
        if let languages, !languages.contains(language) {
            log.add(field.path, line: field.line, "\"\(language.rawValue)\" is not in languages")
            return nil
        }
        return language
    }

    /// An IANA zone name such as `Asia/Jakarta`, or `UTC`. Abbreviations and
    /// offsets like `JST` or `GMT+7` are refused: they ignore daylight saving
    /// rules and are ambiguous.
    private static func decodeTimeZone(_ object: ObjectField, _ log: inout ProblemLog) -> TimeZone? {
        guard let field = object.required("timezone", &log), let name = field.string(&log) else { return nil }
        if isRegionName(name), let zone = TimeZone(identifier: name) {
            return zone
        }
        let candidates = TimeZone.knownTimeZoneIdentifiers.filter(isRegionName).sorted()
        if let close = Spelling.suggestion(for: name, among: candidates) {
            log.add(field.path, line: field.line, "unknown time zone \"\(name)\" (did you mean \"\(close)\"?)")
        } else {
            log.add(field.path, line: field.line, "unknown time zone \"\(name)\" (expected an IANA name such as \"Asia/Jakarta\" or \"UTC\")")
        }
        return nil
    }

    private static func isRegionName(_ name: String) -> Bool { name.contains("/") || name == "UTC" }

    private static func decodeEscalateIntents(_ object: ObjectField, _ log: inout ProblemLog) -> [IntentID: EscalationPriority] {
        guard let field = object.optional("escalate_intents"),
              let intents = field.object(allowedKeys: IntentID.allCases.map(\.rawValue), &log) else { return [:] }
        var result: [IntentID: EscalationPriority] = [:]
        for (key, priorityField) in intents.fields {
            guard let intent = IntentID(rawValue: key),
                  let priority = priorityField.choice(EscalationPriority.self, noun: "priority", &log) else { continue }
            result[intent] = priority
        }
        return result
    }

    private static func decodeChannels(_ object: ObjectField, resolver: SecretResolver,
                                       _ log: inout ProblemLog) -> [ChannelConfiguration] {
        guard let field = object.required("channels", &log), let elements = field.array(&log) else { return [] }
        if elements.isEmpty {
            log.add(field.path, line: field.line, "must list at least one channel")
        }
        var firstLineOfID: [String: Int] = [:]
        var channels: [ChannelConfiguration] = []
        for element in elements {
            checkUniqueID(element, noun: "channel", seen: &firstLineOfID, &log)
            if let channel = ChannelDecoder.decode(element, resolver: resolver, &log) {
                channels.append(channel)
            }
        }
        return channels
    }

    private static func decodeCaseworkers(_ object: ObjectField, tenantLanguages: [Language]?,
                                          registry: inout LoadingRegistry, _ log: inout ProblemLog) -> [CaseworkerConfiguration] {
        guard let field = object.required("caseworkers", &log), let elements = field.array(&log) else { return [] }
        var firstLineOfID: [String: Int] = [:]
        var caseworkers: [CaseworkerConfiguration] = []
        for element in elements {
            checkUniqueID(element, noun: "caseworker", seen: &firstLineOfID, &log)
            if let caseworker = decodeCaseworker(element, tenantLanguages: tenantLanguages, registry: &registry, &log) {
                caseworkers.append(caseworker)
            }
        }
        return caseworkers
    }

    private static func decodeCaseworker(_ field: Field, tenantLanguages: [Language]?, registry: inout LoadingRegistry,
                                         _ log: inout ProblemLog) -> CaseworkerConfiguration? {
        let before = log.problems.count
        guard let object = field.object(allowedKeys: ["id", "name", "languages", "token_sha256"], &log) else { return nil }
        let id = object.required("id", &log)?.identifier(&log)
        let name = object.required("name", &log)?.nonEmptyString(&log)
        var languages: [Language]?
        if let languagesField = object.required("languages", &log) {
            languages = languageList(languagesField, &log)
            if let languages, let tenantLanguages, case .array(let values) = languagesField.value.kind {
                // A valid list has one language per element, in order.
                for (offset, language) in languages.enumerated() where !tenantLanguages.contains(language) {
                    log.add(languagesField.path.index(offset), line: values[offset].line,
                            "\"\(language.rawValue)\" is not one of the tenant's languages")
                }
            }
        }
        let digest = decodeTokenDigest(object, caseworkerID: id, registry: &registry, &log)
        guard let id, let name, let languages, let digest, !log.hasProblems(since: before) else { return nil }
        return CaseworkerConfiguration(id: id, name: name, languages: languages, tokenSHA256: digest)
    }

    /// 64 lower-case hex digits, unused by any other caseworker of any tenant:
    /// a token must identify exactly one person.
    private static func decodeTokenDigest(_ object: ObjectField, caseworkerID: String?, registry: inout LoadingRegistry,
                                          _ log: inout ProblemLog) -> [UInt8]? {
        guard let field = object.required("token_sha256", &log), let hex = field.string(&log) else { return nil }
        let isLowerHex = hex.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
        }
        guard hex.utf8.count == 64, isLowerHex, let digest = Hex.decode(hex) else {
            log.add(field.path, line: field.line, "expected 64 lower-case hex digits (the SHA-256 printed by \"kawan token\")")
            return nil
        }
        if let owner = registry.tokenOwners[hex] {
            log.add(field.path, line: field.line, "token digest already used by \(owner)")
            return nil
        }
        registry.tokenOwners[hex] = "caseworker \"\(caseworkerID ?? "?")\" in \(log.file)"
        return digest
    }

    /// Reports a repeated `id` among the objects of one list.
    private static func checkUniqueID(_ element: Field, noun: String, seen: inout [String: Int], _ log: inout ProblemLog) {
        guard case .object(let members) = element.value.kind,
              let member = members.first(where: { $0.key == "id" }),
              case .string(let id) = member.value.kind else { return }
        if let firstLine = seen[id] {
            log.add(element.path.key("id"), line: member.value.line, "duplicate \(noun) id \"\(id)\" (first on line \(firstLine))")
        } else {
            seen[id] = member.value.line
        }
    }

    /// Text substituted into replies. Keys are lower-case words so templates
    /// can name them as `{hotline_phone}`.
    private static func decodePlaceholders(_ object: ObjectField, _ log: inout ProblemLog) -> [String: String]? {
        let before = log.problems.count
        guard let field = object.required("placeholders", &log),
              let placeholders = field.object(allowedKeys: nil, &log) else { return nil }
        var result: [String: String] = [:]
        for (key, valueField) in placeholders.fields {
            guard isPlaceholderName(key) else {
                log.add(valueField.path, line: valueField.line, "placeholder names must match ^[a-z][a-z0-9_]{0,63}$")
                continue
            }
            if let value = valueField.nonEmptyString(&log) { result[key] = value }
        }
        for required in requiredPlaceholders where !placeholders.has(required) {
            log.add(field.path.key(required), line: field.line, "missing required key")
        }
        return log.hasProblems(since: before) ? nil : result
    }

    /// `{"id": {"intents.wage_unpaid": {"sms": "...", "chat": "..."}}}`: the
    /// shape only; keys and placeholders are checked against the answer
    /// catalogue by the daemon.
    private static func decodeAnswers(_ object: ObjectField, languages: [Language],
                                      _ log: inout ProblemLog) -> [Language: [AnswerOverride]] {
        guard let field = object.optional("answers"), let byLanguage = field.object(allowedKeys: nil, &log) else { return [:] }
        var result: [Language: [AnswerOverride]] = [:]
        for (code, languageField) in byLanguage.fields {
            guard let language = Language(rawValue: code) else {
                log.add(languageField.path, line: languageField.line, "unknown language \"\(code)\" (one of id, tl, vi, ja, en)")
                continue
            }
            guard languages.isEmpty || languages.contains(language) else {
                log.add(languageField.path, line: languageField.line, "the tenant does not serve \"\(code)\" (see languages)")
                continue
            }
            guard let keys = languageField.object(allowedKeys: nil, &log) else { continue }
            for (key, entryField) in keys.fields {
                let parts = key.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0] == "intents" || parts[0] == "system", !parts[1].isEmpty else {
                    log.add(entryField.path, line: entryField.line, "answer keys are intents.<intent> or system.<message>")
                    continue
                }
                guard let entry = entryField.object(allowedKeys: ["sms", "chat"], &log) else { continue }
                let sms = entry.optional("sms")?.nonEmptyString(&log)
                let chat = entry.optional("chat")?.nonEmptyString(&log)
                if !entry.has("sms") && !entry.has("chat") {
                    log.add(entryField.path, line: entryField.line, "give \"sms\", \"chat\" or both")
                    continue
                }
                result[language, default: []].append(AnswerOverride(key: key, sms: sms, chat: chat, file: log.file,
                                                                    line: entryField.line))
            }
        }
        return result
    }

    private static func isPlaceholderName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), bytes[0] >= UInt8(ascii: "a"), bytes[0] <= UInt8(ascii: "z") else { return false }
        return bytes.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "_")
        }
    }
}
