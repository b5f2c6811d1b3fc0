import Foundation
public import KawanConfig
import KawanChannels
public import KawanCore

/// One answer in its two lengths: `sms` fits three SMS segments, `chat` is
/// the fuller version for chat apps.
public struct AnswerText: Sendable, Equatable {
    public var sms: String
    public var chat: String

    public init(sms: String, chat: String) {
        self.sms = sms
        self.chat = chat
    }
}

/// Which of the two versions a channel gets.
public enum AnswerLength: String, Sendable {
    case sms
    case chat
}

/// Everything the hotline says in one language, from
/// `Localization/answers/<language>.json` (format in that folder's README).
public struct AnswerPack: Sendable {
    public let language: String
    public let languageName: String
    /// Keyed `system.<message>` and `intents.<intent>`.
    public let entries: [String: AnswerText]
    /// Short topic label per menu digit.
    public let menuLabels: [String: String]
    public let startWords: [String]
    public let stopWords: [String]
    /// How workers name this language to switch to it.
    public let languageNames: [String]
}

/// Why the answer files cannot be used.
public struct AnswerCatalogError: Error, CustomStringConvertible, LogSafeError, Sendable {
    public let file: String
    public let message: String
    public var description: String { "\(file): \(message)" }
    public var logSummary: String { description }
}

/// The shipped answers in every language, with each tenant's overrides
/// applied on lookup. Loaded once at start-up and validated whole: a
/// missing key in any language is refused then, not discovered by a worker.
public struct AnswerCatalog: Sendable {
    public static let systemMessages = [
        "welcome", "menu", "clarify", "safety", "handoff_open", "handoff_after_hours", "escalation_ack",
        "opt_out_confirmation", "opt_in_confirmation", "flood_notice", "language_switched", "escalated_after_clarify",
    ]
    /// Placeholders the engine fills itself; all others come from the tenant.
    public static let enginePlaceholders: Set<String> = ["office_hours", "next_opening"]
    public static let languages = ["id", "tl", "vi", "ja", "en"]

    public let packs: [String: AnswerPack]

    public init(packs: [String: AnswerPack]) { self.packs = packs }

    /// Every key an answer file must have.
    public static var requiredKeys: [String] {
        systemMessages.map { "system.\($0)" } + IntentID.allCases.map { "intents.\($0.rawValue)" }
    }

    /// Reads `<directory>/<language>.json` for the five languages.
    public static func load(directory: String) throws(AnswerCatalogError) -> AnswerCatalog {
        var packs: [String: AnswerPack] = [:]
        for language in languages {
            packs[language] = try loadPack(path: directory + "/" + language + ".json", language: language)
        }
        return AnswerCatalog(packs: packs)
    }

    static func loadPack(path: String, language: String) throws(AnswerCatalogError) -> AnswerPack {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnswerCatalogError(file: name, message: "cannot be read (looked in \(path))")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw AnswerCatalogError(file: name, message: "is not a JSON object")
        }
        guard (root["language"] as? String) == language else {
            throw AnswerCatalogError(file: name, message: "\"language\" must be \"\(language)\"")
        }
        var entries: [String: AnswerText] = [:]
        for section in ["system", "intents"] {
            guard let object = root[section] as? [String: Any] else {
                throw AnswerCatalogError(file: name, message: "\"\(section)\" must be an object")
            }
            for (key, value) in object {
                guard let pair = value as? [String: Any], let sms = pair["sms"] as? String, let chat = pair["chat"] as? String,
                      !sms.isEmpty, !chat.isEmpty else {
                    throw AnswerCatalogError(file: name, message: "\(section).\(key) needs non-empty \"sms\" and \"chat\" texts")
                }
                entries["\(section).\(key)"] = AnswerText(sms: sms, chat: chat)
            }
        }
        for key in requiredKeys where entries[key] == nil {
            throw AnswerCatalogError(file: name, message: "\(key) is missing")
        }
        let labels = root["menu_labels"] as? [String: String] ?? [:]
        let strings: (String) -> [String] = { (root[$0] as? [String]) ?? [] }
        return AnswerPack(language: language, languageName: root["language_name"] as? String ?? language, entries: entries,
                          menuLabels: labels, startWords: strings("start_words"), stopWords: strings("stop_words"),
                          languageNames: strings("language_names"))
    }

    /// The text to send, the tenant's override winning, placeholders not yet filled.
    public func template(_ key: String, language: String, length: AnswerLength, tenant: TenantConfiguration) -> String? {
        if let code = Language(rawValue: language),
           let override = tenant.answers[code]?.last(where: { $0.key == key }) {
            switch length {
            case .sms: if let sms = override.sms { return sms }
            case .chat: if let chat = override.chat { return chat }
            }
        }
        guard let text = packs[language]?.entries[key] else { return nil }
        return length == .sms ? text.sms : text.chat
    }

    /// Replaces `{name}` with its value; unknown names are left as written
    /// (load-time validation makes that impossible for configured tenants).
    public static func expand(_ template: String, values: [String: String]) -> String {
        Placeholders.expand(template, values: values)
    }

    /// The `{names}` a template uses.
    public static func placeholders(in template: String) -> Set<String> {
        var names: Set<String> = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = rest[rest.index(after: open)..<close]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { names.insert(String(name)) }
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// Configuration problems this catalogue finds in a tenant: overrides of
    /// keys that do not exist, and answers (shipped or overridden, in the
    /// tenant's languages) naming a placeholder the tenant does not define.
    public func problems(for tenant: TenantConfiguration) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        let defined = Set(tenant.placeholders.keys).union(Self.enginePlaceholders)
        let file = "tenants/\(tenant.id).json"
        for language in tenant.languages {
            guard let pack = packs[language.rawValue] else { continue }
            for (key, text) in pack.entries.sorted(by: { $0.key < $1.key }) {
                for (length, template) in [("sms", text.sms), ("chat", text.chat)] {
                    for name in Self.placeholders(in: template).subtracting(defined).sorted() {
                        problems.append(ConfigurationProblem(
                            file: file, line: nil, keyPath: "placeholders.\(name)",
                            message: "missing: the \(language.rawValue) answer \(key) (\(length)) uses {\(name)}"))
                    }
                }
            }
            for override in tenant.answers[language] ?? [] {
                let path = "answers.\(language.rawValue).\(override.key)"
                guard pack.entries[override.key] != nil else {
                    problems.append(ConfigurationProblem(file: override.file, line: override.line, keyPath: path,
                                                         message: "no such answer (keys are intents.<intent> or system.<message>)"))
                    continue
                }
                for (length, template) in [("sms", override.sms), ("chat", override.chat)] {
                    guard let template else { continue }
                    for name in Self.placeholders(in: template).subtracting(defined).sorted() {
                        problems.append(ConfigurationProblem(file: override.file, line: override.line, keyPath: "\(path).\(length)",
                                                             message: "uses {\(name)}, which the tenant's placeholders do not define"))
                    }
                }
            }
        }
        return problems
    }
}
