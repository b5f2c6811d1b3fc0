import Testing
@testable import KawanNLU

/// Every family of danger signal, in every language, flags a message urgent
/// through the lexicons themselves (not only through the classifier).
@Suite struct SafetyNetTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var family: String
        var language: MessageLanguage
        var text: String
        var testDescription: String { "\(language.rawValue) \(family): \(text)" }
    }

    static let cases: [Case] = [
        // Indonesian (with shorthand, no punctuation, stretched letters, one typo).
        Case(family: "abuse_violence.physical", language: .indonesian, text: "sy sering ditampar nyonya kalau telat masak"),
        Case(family: "abuse_violence.sexual", language: .indonesian, text: "anak majikan suka grepe2 sy malam2"),
        Case(family: "abuse_violence.threat", language: .indonesian, text: "agen ngancem mau laporin sy ke polisi klo pulang"),
        Case(family: "abuse_violence.verbal", language: .indonesian, text: "tiap hari sy dimaki2 dan dihina sama bos"),
        Case(family: "trafficking_forced_labour.confinement", language: .indonesian, text: "sy gk boleh keluar rumah sama sekali"),
        Case(family: "trafficking_forced_labour.phone_taken", language: .indonesian, text: "hp sy diambil majikan dr awal dtg"),
        Case(family: "trafficking_forced_labour.forced_work", language: .indonesian, text: "sy dipaksa kerja 20 jam tanpa istirahat"),
        Case(family: "trafficking_forced_labour.sold", language: .indonesian, text: "katanya sy sudah dijual ke majikan baru"),
        Case(family: "trafficking_forced_labour.debt_bondage", language: .indonesian, text: "hrs kerja terus sampai utang lunas baru boleh plg"),
        Case(family: "emergency.suicide", language: .indonesian, text: "sy udh gk kuat lagi, pengen mati ajaaa"),
        Case(family: "emergency.injury", language: .indonesian, text: "teman sy pingsan dan kepalanya berdarah"),
        Case(family: "emergency.danger_now", language: .indonesian, text: "tolong cepat dia bawa pisau"),
        Case(family: "emergency.no_food_shelter", language: .indonesian, text: "sy diusir majikan, tidur di jalan malam ini"),
        // Tagalog / Taglish.
        Case(family: "abuse_violence.physical", language: .tagalog, text: "sinampal ako ni madam kahapon"),
        Case(family: "abuse_violence.sexual", language: .tagalog, text: "hinihipuan ako ng anak ng amo ko"),
        Case(family: "abuse_violence.threat", language: .tagalog, text: "binantaan ako ng agency na ipapakulong daw ako"),
        Case(family: "abuse_violence.verbal", language: .tagalog, text: "lagi akong minumura ng amo ko"),
        Case(family: "trafficking_forced_labour.confinement", language: .tagalog, text: "bawal daw ako lumabas ng bahay kahit day off"),
        Case(family: "trafficking_forced_labour.phone_taken", language: .tagalog, text: "kinuha ni amo yung phone ko"),
        Case(family: "trafficking_forced_labour.forced_work", language: .tagalog, text: "pinipilit akong magtrabaho kahit may sakit"),
        Case(family: "trafficking_forced_labour.sold", language: .tagalog, text: "ibinenta daw ako ng agency sa ibang amo"),
        Case(family: "trafficking_forced_labour.debt_bondage", language: .tagalog, text: "hindi ako makauwi dahil sa utang sa agency"),
        Case(family: "emergency.suicide", language: .tagalog, text: "hindi na ako makatiis, gusto ko nang mamatay"),
        Case(family: "emergency.injury", language: .tagalog, text: "dumudugo yung ulo ng kasama ko"),
        Case(family: "emergency.danger_now", language: .tagalog, text: "saklolo may kutsilyo siya"),
        Case(family: "emergency.no_food_shelter", language: .tagalog, text: "pinalayas ako, walang matulugan ngayong gabi"),
        // Vietnamese, with and without diacritics.
        Case(family: "abuse_violence.physical", language: .vietnamese, text: "em bi chu danh dap hang ngay"),
        Case(family: "abuse_violence.sexual", language: .vietnamese, text: "quản lý hay sàm sỡ em"),
        Case(family: "abuse_violence.threat", language: .vietnamese, text: "cty de doa neu bo ve thi phat tien"),
        Case(family: "abuse_violence.verbal", language: .vietnamese, text: "ngày nào cũng bị chửi"),
        Case(family: "trafficking_forced_labour.confinement", language: .vietnamese, text: "em bi nhot trong ky tuc xa"),
        Case(family: "trafficking_forced_labour.phone_taken", language: .vietnamese, text: "cty thu dien thoai cua em roi"),
        Case(family: "trafficking_forced_labour.forced_work", language: .vietnamese, text: "bị ép làm việc cả đêm"),
        Case(family: "trafficking_forced_labour.sold", language: .vietnamese, text: "moi gioi noi em da bi ban cho cty khac"),
        Case(family: "trafficking_forced_labour.debt_bondage", language: .vietnamese, text: "phai lam tru no, ko duoc ve"),
        Case(family: "emergency.suicide", language: .vietnamese, text: "em không muốn sống nữa"),
        Case(family: "emergency.injury", language: .vietnamese, text: "ban em bi ngat, chay mau nhieu lam"),
        Case(family: "emergency.danger_now", language: .vietnamese, text: "cuu em voi, no cam dao"),
        Case(family: "emergency.no_food_shelter", language: .vietnamese, text: "em bi duoi ra khoi nha, khong co cho o"),
        // Japanese.
        Case(family: "abuse_violence.physical", language: .japanese, text: "社長に殴られた"),
        Case(family: "abuse_violence.sexual", language: .japanese, text: "上司にセクハラされています"),
        Case(family: "abuse_violence.threat", language: .japanese, text: "帰国させると脅されました"),
        Case(family: "abuse_violence.verbal", language: .japanese, text: "毎日怒鳴られてつらい"),
        Case(family: "trafficking_forced_labour.confinement", language: .japanese, text: "寮に閉じ込められて外に出られない"),
        Case(family: "trafficking_forced_labour.phone_taken", language: .japanese, text: "会社に携帯を取り上げられた"),
        Case(family: "trafficking_forced_labour.forced_work", language: .japanese, text: "無理やり働かされている"),
        Case(family: "trafficking_forced_labour.sold", language: .japanese, text: "ブローカーに売られたみたい"),
        Case(family: "trafficking_forced_labour.debt_bondage", language: .japanese, text: "借金を返すまで帰れないと言われた"),
        Case(family: "emergency.suicide", language: .japanese, text: "もう死にたい"),
        Case(family: "emergency.injury", language: .japanese, text: "同僚が倒れて意識がない"),
        Case(family: "emergency.danger_now", language: .japanese, text: "包丁を持って追いかけてくる"),
        Case(family: "emergency.no_food_shelter", language: .japanese, text: "寮を追い出されて寝る場所がない"),
        // English, with shorthand and the issue's indirect signals.
        Case(family: "abuse_violence.physical", language: .english, text: "my employer beats me when im slow"),
        Case(family: "abuse_violence.sexual", language: .english, text: "the boss son keeps touching me at night"),
        Case(family: "abuse_violence.threat", language: .english, text: "agent threatened to hurt my family"),
        Case(family: "abuse_violence.verbal", language: .english, text: "she yells at me and insults me all day"),
        Case(family: "trafficking_forced_labour.confinement", language: .english, text: "i cannot go out of the house"),
        Case(family: "trafficking_forced_labour.phone_taken", language: .english, text: "boss keeps my phone"),
        Case(family: "trafficking_forced_labour.forced_work", language: .english, text: "they forced me to work without pay"),
        Case(family: "trafficking_forced_labour.sold", language: .english, text: "i think the agency sold me to another employer"),
        Case(family: "trafficking_forced_labour.debt_bondage", language: .english, text: "they say i must work until my debt is paid"),
        Case(family: "emergency.suicide", language: .english, text: "I want to die"),
        Case(family: "emergency.injury", language: .english, text: "my friend is bleeding a lot and unconcious"),
        Case(family: "emergency.danger_now", language: .english, text: "he has a knife, help me now"),
        Case(family: "emergency.no_food_shelter", language: .english, text: "no food for 2 days and nowhere to sleep"),
    ]

    @Test(arguments: cases)
    func flagsEveryFamilyInEveryLanguage(_ testCase: Case) {
        let analysis = sharedUnderstanding.analyse(testCase.text)
        #expect(analysis.urgent)
        #expect(analysis.urgentSignals.contains(testCase.family), "signals: \(analysis.urgentSignals)")
        #expect(analysis.intent.map(HotlineIntent.isUrgent) == true, "intent: \(analysis.intent ?? "other")")
    }

    @Test func everyLanguageCoversEveryFamily() throws {
        var families: [MessageLanguage: Set<String>] = [:]
        for testCase in Self.cases { families[testCase.language, default: []].insert(testCase.family) }
        let all = Set(Self.cases.map(\.family))
        #expect(all.count == 13)
        for language in MessageLanguage.allCases { #expect(families[language] == all, "\(language)") }
        // And the lexicons name no family the tests do not cover.
        let net = try SafetyNet(directory: localizationDirectory + "/nlu/safety")
        #expect(net.families == all)
    }

    @Test func typedWithDiacriticsMustMatchThem() {
        let net = try! SafetyNet(directory: localizationDirectory + "/nlu/safety")
        let changed = PreparedMessage("hợp đồng bị đổi", language: .vietnamese, abbreviations: .empty)
        let hungry = PreparedMessage("em bị đói quá", language: .vietnamese, abbreviations: .empty)
        #expect(net.signals(in: changed).isEmpty)
        #expect(net.signals(in: hungry) == ["emergency.no_food_shelter"])
    }

    @Test func oneLetterTyposInLongWords() {
        func bytes<T>(_ a: String, _ b: String, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> T) -> T {
            Array(a.utf8).withUnsafeBufferPointer { a in Array(b.utf8).withUnsafeBufferPointer { b in body(a, b) } }
        }
        #expect(bytes("diperkisa", "diperkosa", SafetyNet.withinOneEdit))
        #expect(bytes("unconcious", "unconscious", SafetyNet.withinOneEdit))
        #expect(bytes("unconscious", "unconcious", SafetyNet.withinOneEdit))
        #expect(bytes("ditmapar", "ditampar", SafetyNet.withinOneEdit))
        #expect(bytes("ditampar", "ditampar", SafetyNet.withinOneEdit))
        #expect(!bytes("memang", "memar", SafetyNet.withinOneEdit))
        #expect(!bytes("ditmpaar", "ditampar", SafetyNet.withinOneEdit))
        #expect(!bytes("sekarang", "sekarat") { SafetyNet.wordMatches($0, part: $1, prefix: true) })
        #expect(bytes("diperkisa", "diperkosa") { SafetyNet.wordMatches($0, part: $1, prefix: true) })
        #expect(bytes("diperkosanya", "diperkosa") { SafetyNet.wordMatches($0, part: $1, prefix: true) })
        #expect(!bytes("diperkosanya", "diperkosa") { SafetyNet.wordMatches($0, part: $1, prefix: false) })
        #expect(!bytes("", "diperkosa") { SafetyNet.wordMatches($0, part: $1, prefix: true) })
    }

    @Test func ordinaryComplaintsAreNotFlagged() {
        for text in ["gaji sy telat 2 bulan", "my contract says 8 hours but i work 10",
                     "pano mag renew ng visa", "em muốn hỏi về bảo hiểm", "給料が少ない"] {
            #expect(!sharedUnderstanding.analyse(text).urgent, "\(text)")
        }
    }
}
