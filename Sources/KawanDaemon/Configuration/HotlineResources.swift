import Foundation
import KawanConfig
import KawanConversation
import KawanNLU

/// What the daemon loads from `Localization/` besides the configuration:
/// the answer catalogue and language understanding (trained at start-up).
public struct HotlineResources: Sendable {
    public static let defaultDirectory = "Localization"

    let catalog: AnswerCatalog
    let understanding: LanguageUnderstanding

    /// Loads `<directory>/answers` and trains `<directory>/nlu`.
    public static func load(directory: String) throws -> HotlineResources {
        let catalog = try AnswerCatalog.load(directory: directory + "/answers")
        let understanding = try LanguageUnderstanding(localizationDirectory: directory)
        return HotlineResources(catalog: catalog, understanding: understanding)
    }

    /// Configuration problems only the answers can reveal: overrides of
    /// unknown answers, and answers naming placeholders a tenant lacks.
    static func problems(in configuration: KawanConfiguration, catalog: AnswerCatalog) -> [ConfigurationProblem] {
        configuration.tenants.flatMap { catalog.problems(for: $0) }
    }
}
