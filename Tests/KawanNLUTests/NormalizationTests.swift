import Foundation
import Testing
@testable import KawanNLU

@Suite struct NormalizationTests {
    func words(_ text: String, _ language: MessageLanguage) -> [String] {
        PreparedMessage(text, language: language, abbreviations: sharedAbbreviations).words
    }

    @Test func indonesianShorthandStretchedLettersAndNumbers() {
        #expect(words("TOLOOONG gaji sy udh 3bln gk dibyr", .indonesian)
            == ["tolong", "gaji", "saya", "sudah", "3", "bulan", "tidak", "dibayar"])
        #expect(words("blm dpt 2jt", .indonesian) == ["belum", "dapat", "2", "juta"])
    }

    @Test func fullWidthAndCaseAreFolded() {
        #expect(words("ＴＯＬＯＮＧ　ＰＡＳＰＯＲ！", .indonesian) == ["tolong", "paspor"])
        let tokens = TextNormalizer.tokens("ｶﾞｲｺｸｼﾞﾝ")
        #expect(tokens.map(\.text) == ["ガイコクジン"])
    }

    @Test func vietnameseKeepsBothForms() {
        let tokens = TextNormalizer.tokens("Tôi KHÔNG được trả lương, Đà Nẵng")
        #expect(tokens.map(\.text) == ["tôi", "không", "được", "trả", "lương", "đà", "nẵng"])
        #expect(tokens.map(\.folded) == ["toi", "khong", "duoc", "tra", "luong", "da", "nang"])
        // Typed without diacritics and with shorthand, the folded words are the same.
        #expect(words("toi ko dc tra luong", .vietnamese) == ["toi", "khong", "duoc", "tra", "luong"])
        #expect(PreparedMessage("tôi không được", language: .vietnamese, abbreviations: sharedAbbreviations).accentedWords
            == ["tôi", "không", "được"])
    }

    @Test func tagalogShorthandDependsOnTheLanguage() {
        #expect(words("d2 po aq, nd makauwi", .tagalog) == ["dito", "po", "ako", "hindi", "makauwi"])
        // "ko" is Tagalog "my" but Vietnamese "không".
        #expect(words("ko", .tagalog) == ["ko"])
        #expect(words("ko", .vietnamese) == ["khong"])
    }

    @Test func japaneseIsNotSplitIntoWordsAndKeepsVoicingMarks() {
        let tokens = TextNormalizer.tokens("社長に殴られた。パスポートがない")
        #expect(tokens.map(\.text) == ["社長に殴られた", "パスポートがない"])
        #expect(tokens.allSatisfy { $0.kind == .ideographic && $0.folded == $0.text })
        // Romaji loanwords next to Japanese script become separate words.
        #expect(TextNormalizer.tokens("zairyuカード").map(\.text) == ["zairyu", "カード"])
    }

    @Test func englishApostrophesShorthandAndEmoji() {
        #expect(words("pls help, I can't go out!!! 😭🙏", .english)
            == ["please", "help", "i", "cannot", "go", "out", "_sad", "_pray"])
        // English shorthand is understood inside other languages too.
        #expect(words("pls tulong", .tagalog) == ["please", "tulong"])
    }
}

@Suite struct CompatibilityShortcutTests {
    /// The shortcut must only skip NFKC where NFKC changes nothing.
    @Test func shortcutAgreesWithFoundation() {
        var samples = ["gaji sy blm dibyr", "Tôi không được trả lương đầy đủ", "社長に殴られた、パスポートがない。",
                       "「助けて」", "ｶﾞｲｺｸｼﾞﾝ", "ＴＯＬＯＮＧ", "e\u{301}", "ﬁle", "㈱会社", "…", "①", "𝐡𝐞𝐥𝐩", "😭🙏❤️"]
        // Every scalar of the ranges the shortcut accepts, one at a time.
        for value in UInt32(0)...0x2FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            if TextNormalizer.isCompatibilityNormalized(text) { samples.append(text) }
        }
        for text in samples where TextNormalizer.isCompatibilityNormalized(text) {
            #expect(text.precomposedStringWithCompatibilityMapping.unicodeScalars.elementsEqual(text.unicodeScalars),
                    "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(!TextNormalizer.isCompatibilityNormalized("ｶ"))
        #expect(!TextNormalizer.isCompatibilityNormalized("e\u{301}"))
        #expect(TextNormalizer.isCompatibilityNormalized("Tôi không được"))
    }
}
