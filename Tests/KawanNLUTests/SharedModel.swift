import Foundation
@testable import KawanNLU

/// The repository's `Localization/` folder, found from this file's path so
/// tests do not depend on the working directory.
let localizationDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Localization").path
}()

/// Trained once per test process from the real corpus and lexicons.
let sharedUnderstanding: LanguageUnderstanding = {
    do {
        return try LanguageUnderstanding(localizationDirectory: localizationDirectory)
    } catch {
        fatalError("cannot build the language understanding from \(localizationDirectory): \(error)")
    }
}()

let sharedAbbreviations: Abbreviations = {
    do {
        return try Abbreviations(directory: localizationDirectory + "/nlu/abbreviations")
    } catch {
        fatalError("cannot read the abbreviations: \(error)")
    }
}()
