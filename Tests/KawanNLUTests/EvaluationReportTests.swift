import Foundation
import Testing
@testable import KawanNLU

/// A hand-made file with known answers: every figure below is worked out by hand.
@Suite struct EvaluationReportTests {
    static let file = """
    {"text": "a", "lang": "id", "intent": "wage_unpaid"}
    {"text": "b", "lang": "id", "intent": "emergency"}
    {"text": "c", "lang": "tl", "intent": "abuse_violence"}

    {"text": "d", "lang": "tl", "intent": "other"}
    {"text": "e", "lang": "ms", "intent": "greeting"}
    {"text": "f", "lang": "vi", "intent": "wage_unpaid"}
    """

    static func analysis(_ language: MessageLanguage, _ intent: String?, urgent: Bool) -> Analysis {
        Analysis(language: language, languageConfidence: 0.9, intent: intent, confidence: 0.5, urgent: urgent,
                 urgentSignals: urgent ? ["classifier"] : [], candidates: [])
    }

    static let analyses: [Analysis] = [
        analysis(.indonesian, "wage_unpaid", urgent: false),       // right
        analysis(.indonesian, "wage_unpaid", urgent: true),        // wrong intent, urgent flagged (true positive)
        analysis(.indonesian, nil, urgent: false),                 // abstained (other), urgent missed; language wrong
        analysis(.tagalog, nil, urgent: true),                     // abstained = other: right; flagged (false positive)
        analysis(.indonesian, "greeting", urgent: false),          // right; ms answered id: right
        analysis(.vietnamese, "emergency", urgent: true),          // wrong, flagged (false positive)
    ]

    func report() throws -> EvaluationReport {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-nlu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tiny.jsonl").path
        try Data(Self.file.utf8).write(to: URL(fileURLWithPath: path))
        let examples = try LabeledExample.load(path: path)
        #expect(examples.count == 6)
        return EvaluationReport(examples: examples, analyses: Self.analyses)
    }

    @Test func computesTheDefinedFigures() throws {
        let report = try report()
        #expect(report.n == 6)
        #expect(report.intentAccuracy == 3.0 / 6.0)
        #expect(report.abstainRate == 2.0 / 6.0)
        // Urgent labels: b (flagged), c (missed). Flagged: b, d, f; only b is urgent.
        #expect(report.urgentRecall == 1.0 / 2.0)
        #expect(report.urgentPrecision == 1.0 / 3.0)
        #expect(report.languageAccuracy == 5.0 / 6.0)
        // Labels or predictions: wage_unpaid (tp 1, actual 2, predicted 2) F1 0.5; emergency (0, 1, 1) 0;
        // abuse_violence (0, 1, 0) 0; other (1, 1, 2) 2/3; greeting (1, 1, 1) 1.
        let macroF1 = (0.5 + 0 + 0 + 2.0 / 3.0 + 1) / 5
        #expect(abs(report.macroF1! - macroF1) < 1e-12)
        #expect(report.perLanguage["id"] == EvaluationReport.LanguageFigures(n: 2, intentAccuracy: 0.5, languageAccuracy: 1,
                                                                             urgentRecall: 1))
        #expect(report.perLanguage["tl"] == EvaluationReport.LanguageFigures(n: 2, intentAccuracy: 0.5, languageAccuracy: 0.5,
                                                                             urgentRecall: 0))
        #expect(report.perLanguage["ms"]?.languageAccuracy == 1)
        #expect(report.perLanguage["vi"]?.urgentRecall == nil)
        #expect(report.confusion["wage_unpaid"] == ["wage_unpaid": 1, "emergency": 1])
        #expect(report.confusion["emergency"] == ["wage_unpaid": 1])
        #expect(report.confusion["abuse_violence"] == ["other": 1])
        #expect(report.worstConfusions.count == 3)
        #expect(report.worstConfusions.allSatisfy { $0.count == 1 && $0.examples.count == 1 })
        #expect(report.languageConfusions.map { "\($0.label)->\($0.predicted)" } == ["tl->id"])
    }

    @Test func jsonHasTheRequiredKeys() throws {
        let object = try JSONSerialization.jsonObject(with: Data(try report().json().utf8)) as? [String: Any]
        let json = try #require(object)
        for key in ["n", "intent_accuracy", "macro_f1", "urgent_recall", "urgent_precision", "language_accuracy",
                    "abstain_rate", "per_language"] {
            #expect(json[key] != nil, "\(key)")
        }
        #expect(json["intent_accuracy"] as? Double == 0.5)
        let perLanguage = try #require(json["per_language"] as? [String: [String: Any]])
        #expect(perLanguage["tl"]?["n"] as? Int == 2)
        #expect(perLanguage["vi"]?["urgent_recall"] is NSNull)
    }

    @Test func languageOnlyFilesHaveNoIntentFigures() {
        let examples = [LabeledExample(text: "x", languageCode: "vi", intent: nil)]
        let report = EvaluationReport(examples: examples, analyses: [Self.analysis(.vietnamese, nil, urgent: false)])
        #expect(report.intentAccuracy == nil)
        #expect(report.macroF1 == nil)
        #expect(report.languageAccuracy == 1)
        #expect(report.text().contains("intent_accuracy     n/a"))
    }

    @Test func badLinesAreReportedWithTheirNumber() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-nlu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.jsonl").path
        try Data("{\"text\": \"a\", \"lang\": \"id\"}\n{not json}\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: LanguageUnderstandingError.invalidExample(path: path, line: 2,
                                                                  reason: "not a JSON object with string text and lang")) {
            try LabeledExample.load(path: path)
        }
        // Lines that would make a valid JSON array together are still one object each.
        for (text, line) in [("{\"text\": \"a\", \"lang\": \"id\"},{\"text\": \"b\", \"lang\": \"id\"}\n", 1),
                             ("{\"text\": \"a\", \"lang\": \"id\"}\n\n{\"text\": \"b\",\n\"lang\": \"id\"}\n", 3),
                             ("[{\"text\": \"a\", \"lang\": \"id\"}]\n", 1)] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: LanguageUnderstandingError.invalidExample(path: path, line: line,
                                                                      reason: "not a JSON object with string text and lang")) {
                try LabeledExample.load(path: path)
            }
        }
        try Data("{\"text\": \"a\", \"lang\": \"id\"}\n\n  \n{\"text\": \"b\", \"lang\": \"tl\", \"intent\": \"greeting\"}\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        #expect(try LabeledExample.load(path: path) == [LabeledExample(text: "a", languageCode: "id", intent: nil),
                                                        LabeledExample(text: "b", languageCode: "tl", intent: "greeting")])
    }
}
