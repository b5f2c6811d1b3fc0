import Testing
@testable import KawanNLU

@Suite struct LanguageIdentificationTests {
    static let shortMessages: [(String, MessageLanguage)] = [
        ("help po", .tagalog),
        ("salamat po", .tagalog),
        ("gaji sy blm dibyr", .indonesian),
        ("tolong sy", .indonesian),
        ("toi bi cong ty giu ho chieu", .vietnamese),
        ("giúp em với", .vietnamese),
        ("cam on", .vietnamese),
        ("社長に殴られた", .japanese),
        ("たすけて", .japanese),
        ("my boss took my passport", .english),
        ("need help", .english),
    ]

    static let mixedMessages: [(String, MessageLanguage)] = [
        // Taglish: Tagalog grammar, English words.
        ("yung employer ko hindi nagbabayad ng salary ko for 2 months", .tagalog),
        ("ma'am pwede po ba mag file ng complaint online", .tagalog),
        // Indonesian and Vietnamese with Japanese loanwords in romaji.
        ("shachou di kaisha sy blm bayar gaji 2 bulan", .indonesian),
        ("zairyu card cua em bi shachou giu, em phai lam sao", .vietnamese),
        ("kaisha ko tra luong tang ca", .vietnamese),
        // Malay is answered in Indonesian.
        ("saya tak faham kenapa majikan tak bayar gaji saya", .indonesian),
        // Japanese with an English word.
        ("ビザの更新ができない、help", .japanese),
    ]

    @Test(arguments: shortMessages + mixedMessages)
    func identifies(_ message: (String, MessageLanguage)) {
        let analysis = sharedUnderstanding.analyse(message.0)
        #expect(analysis.language == message.1, "\(message.0)")
        #expect(analysis.languageConfidence > 0 && analysis.languageConfidence <= 1)
    }

    @Test func confidenceIsLowerOnAmbiguousInput() {
        let clear = sharedUnderstanding.analyse("majikan saya tidak membayar gaji saya sudah tiga bulan")
        let vague = sharedUnderstanding.analyse("ok")
        #expect(clear.languageConfidence > 0.9)
        #expect(vague.languageConfidence < clear.languageConfidence)
    }

    @Test func emptyInputGetsTheFallbackLanguageWithNoConfidence() {
        let analysis = sharedUnderstanding.analyse("!!! ...")
        #expect(analysis.language == .english)
        #expect(analysis.languageConfidence == 0)
    }
}
