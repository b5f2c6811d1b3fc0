import Foundation
import KawanTestSupport
import Testing

/// `kawan classify` and `kawan eval` through the real binary.
@Suite(.serialized) struct NLUCommandTests {
    var kawan: String { ProcessRunner.productsDirectory().appendingPathComponent("kawan").path }
    var localization: [String] { ["--localization", DaemonTestEnvironment.localizationDirectory] }

    @Test func classifyPrintsTheIssuesJSONShape() async throws {
        let result = try await ProcessRunner.run(kawan, ["classify", "--json"] + localization + ["saya", "mau", "bunuh", "diri"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["language", "language_confidence", "intent", "confidence", "urgent", "abstained", "candidates"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["language"] as? String == "id")
        #expect(object["urgent"] as? Bool == true)
        #expect((object["candidates"] as? [[String: Any]])?.count == 3)
    }

    @Test func classifyAbstainsOnNonsense() async throws {
        let result = try await ProcessRunner.run(kawan, ["classify", "--json"] + localization + ["purple keyboard soup"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["abstained"] as? Bool == true && object["intent"] as? String == "other")
        // Whether nonsense is urgent is the model's call (recall-first; see
        // AbstentionTests for the behaviour): here only that the flag is there.
        #expect(object["urgent"] is Bool)
    }

    @Test func evalComputesTheMetricsOnAFile() async throws {
        let file = DaemonTestEnvironment.workDirectory() + "/tiny.jsonl"
        try """
        {"text": "gaji saya belum dibayar tiga bulan", "lang": "id", "intent": "wage_unpaid"}
        {"text": "I want to die", "lang": "en", "intent": "emergency"}
        {"text": "kinuha ng amo ang passport ko", "lang": "tl", "intent": "passport_held"}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(kawan, ["eval", file, "--json"] + localization)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["n"] as? Int == 3)
        for key in ["intent_accuracy", "macro_f1", "urgent_recall", "urgent_precision", "language_accuracy", "abstain_rate", "per_language"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["urgent_recall"] as? Double == 1.0)
        #expect(object["language_accuracy"] as? Double == 1.0)
        let text = try await ProcessRunner.run(kawan, ["eval", file] + localization)
        #expect(text.status == 0 && text.stdout.contains("intent_accuracy") || text.stdout.contains("intent accuracy"))
    }

    @Test(arguments: [
        (["classify"], "kawan classify: missing argument"),
        (["classify", "--bogus", "x"], "kawan classify: unknown option '--bogus'"),
        (["eval"], "kawan eval: missing argument"),
        (["simulate", "--tenant"], "kawan simulate: option --tenant needs a value"),
    ])
    func badArgumentsExitTwo(_ arguments: [String], _ message: String) async throws {
        let result = try await ProcessRunner.run(kawan, arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message))
    }

    @Test func simulateAnswersThroughTheEngine() async throws {
        let result = try await ProcessRunner.run(kawan, ["simulate", "--config", DaemonTestEnvironment.configDirectory] + localization,
                                                 input: Array("halo kak\n2\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("kawan> Halo"))
        #expect(result.stdout.contains("1 Gaji"))
        #expect(result.stdout.contains("Paspor"))
    }
}
