import Testing
@testable import KawanNLU

@Suite struct AbstentionTests {
    static let outOfScope = [
        "asdfgh qwerty zxcvb",
        "xyzzy plugh 12345",
        "what will the weather be in paris tomorrow",
        "recommend me a good ramen shop near the station",
        "siapa yang menang piala dunia 2022",
        "anong magandang pelikula ngayon sa sinehan",
        "cho em hỏi công thức nấu phở bò",
        "明日の天気はどうですか",
    ]

    @Test(arguments: outOfScope)
    func abstainsOnNonsenseAndOutOfScope(_ text: String) {
        let analysis = sharedUnderstanding.analyse(text)
        #expect(analysis.intent == nil, "\(text) -> \(analysis.intent ?? "other") \(analysis.confidence)")
        #expect(analysis.abstained)
        #expect(!analysis.urgent, "\(text) flagged urgent: \(analysis.urgentSignals)")
        #expect(analysis.candidates.count == 3)
        #expect(!analysis.candidates.contains { $0.intent == HotlineIntent.other })
    }

    @Test func answersClearMessagesWithTheirIntent() {
        let cases: [(String, String)] = [
            ("gaji saya sudah 3 bulan belum dibayar", "wage_unpaid"),
            ("kinuha ng amo ang passport ko", "passport_held"),
            ("STOP", "opt_out"),
            ("can i talk to a real person please", "human_agent"),
            ("在留カードの更新はどうすればいいですか", "visa_status"),
        ]
        for (text, intent) in cases {
            let analysis = sharedUnderstanding.analyse(text)
            #expect(analysis.intent == intent, "\(text) -> \(analysis.intent ?? "other")")
            #expect(analysis.candidates.first?.intent == intent)
            #expect(analysis.confidence > sharedUnderstanding.abstentionThreshold)
        }
    }

    @Test func theCorpusTeachesExactlyTheHotlineIntents() {
        #expect(HotlineIntent.all.count == 16)
        #expect(sharedUnderstanding.labels == (HotlineIntent.all + [HotlineIntent.other]).sorted())
        #expect(HotlineIntent.urgent.isSubset(of: Set(HotlineIntent.all)))
    }
}
