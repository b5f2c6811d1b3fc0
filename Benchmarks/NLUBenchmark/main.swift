// Language-understanding speed: start-up (loading and training from
// Localization/nlu), classifications per second on one core, latency
// percentiles per message, and the models' weight memory and the process's
// resident memory.
//
//   kawan-nlu-bench [--localization DIR] [--messages FILE.jsonl] [--seconds 5]
//
// Messages are replayed round-robin from FILE (default: the corpus itself).
// Run through Benchmarks/nlu-bench.sh, which builds it in release mode and
// pins it to one core.
import Foundation
import KawanNLU

struct Options {
    var localization = LanguageUnderstanding.defaultLocalizationDirectory
    var messages: String?
    var seconds = 5.0

    init(_ arguments: [String]) {
        var remaining = arguments.dropFirst()
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { Options.usage("missing value for \(flag)") }
            switch flag {
            case "--localization": localization = value
            case "--messages": messages = value
            case "--seconds":
                guard let seconds = Double(value), seconds > 0 else { Options.usage("bad --seconds \(value)") }
                self.seconds = seconds
            default: Options.usage("unknown option \(flag)")
            }
        }
    }

    static func usage(_ problem: String) -> Never {
        FileHandle.standardError.write(Data("kawan-nlu-bench: \(problem)\nusage: kawan-nlu-bench [--localization DIR] [--messages FILE.jsonl] [--seconds S]\n".utf8))
        exit(64)
    }
}

/// A line of /proc/self/status in bytes: `VmRSS` (all resident memory),
/// `RssAnon` (the heap: what the model and its data hold) or `RssFile`
/// (pages of mapped files such as libFoundation and ICU's data, shared with
/// every process that maps them).
func residentBytes(_ field: String = "VmRSS") -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kilobytes * 1024
    }
    return 0
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

let options = Options(CommandLine.arguments)
let residentBefore = residentBytes()
let anonymousBefore = residentBytes("RssAnon"), fileBefore = residentBytes("RssFile")
let startUp = now()
let understanding: LanguageUnderstanding
do {
    understanding = try LanguageUnderstanding(localizationDirectory: options.localization)
} catch {
    FileHandle.standardError.write(Data("kawan-nlu-bench: \(error)\n".utf8))
    exit(1)
}
let startUpSeconds = Double(now() - startUp) / 1e9
let residentAfter = residentBytes()
let anonymousAfter = residentBytes("RssAnon"), fileAfter = residentBytes("RssFile")

let texts: [String]
do {
    let path = options.messages ?? "\(options.localization)/nlu/train/id.jsonl"
    var loaded = try LabeledExample.load(path: path).map(\.text)
    if options.messages == nil {
        for language in ["tl", "vi", "ja", "en"] {
            loaded += try LabeledExample.load(path: "\(options.localization)/nlu/train/\(language).jsonl").map(\.text)
        }
    }
    texts = loaded
} catch {
    FileHandle.standardError.write(Data("kawan-nlu-bench: \(error)\n".utf8))
    exit(1)
}

// Warm up, then time each message (one core: this loop runs on the main thread only).
var urgentCount = 0
for text in texts.prefix(500) where understanding.analyse(text).urgent { urgentCount += 1 }
var latencies: [UInt64] = []
latencies.reserveCapacity(1 << 20)
let deadline = now() + UInt64(options.seconds * 1e9)
let loopStart = now()
var index = 0
while now() < deadline {
    let text = texts[index % texts.count]
    let before = now()
    let analysis = understanding.analyse(text)
    latencies.append(now() - before)
    if analysis.urgent { urgentCount += 1 }
    index += 1
}
let elapsed = Double(now() - loopStart) / 1e9
latencies.sort()
func percentile(_ sorted: [UInt64], _ share: Double) -> Double {
    Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * share))]) / 1000
}
let timedSeconds = Double(latencies.reduce(0, +)) / 1e9
print("messages:            \(latencies.count) (\(texts.count) distinct, \(urgentCount) flagged urgent)")
print(String(format: "throughput:          %.0f messages/s on one core (%.0f/s counting only analyse)",
             Double(latencies.count) / elapsed, Double(latencies.count) / timedSeconds))
print(String(format: "latency p50/p99/max: %.1f / %.1f / %.1f µs", percentile(latencies, 0.5), percentile(latencies, 0.99), percentile(latencies, 1.0)))
print(String(format: "start-up:            %.3f s (training %.3f s on %d examples; %d danger-signal phrases)",
             startUpSeconds, understanding.trainingSeconds, understanding.trainingExampleCount,
             understanding.safetySignalCount))
print(String(format: "calibration:         temperature %.3f, abstain below %.2f, urgent at %.2f (chosen on held-out fifth)",
             understanding.temperature, understanding.abstentionThreshold, understanding.urgentThreshold))
print(String(format: "held-out fifth:      intent accuracy %.3f, urgent recall %.3f, urgent precision %.3f",
             understanding.heldOut.accuracy, understanding.heldOut.urgentRecall, understanding.heldOut.urgentPrecision))
print(String(format: "model weights:       %.1f MB; resident growth during start-up %.1f MB; resident now %.1f MB",
             Double(understanding.modelBytes) / 1e6, Double(residentAfter - residentBefore) / 1e6, Double(residentBytes()) / 1e6))
print(String(format: "resident growth:     %.1f MB heap (RssAnon), %.1f MB mapped files (RssFile)",
             Double(anonymousAfter - anonymousBefore) / 1e6, Double(fileAfter - fileBefore) / 1e6))
