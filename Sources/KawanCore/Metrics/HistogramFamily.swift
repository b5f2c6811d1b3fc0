import Synchronization

/// Observations counted into cumulative buckets, such as
/// `kawan_http_request_duration_seconds`.
public final class HistogramFamily: MetricFamily {
    /// Buckets from 100 µs to 10 s: webhook handling is sub-millisecond
    /// when healthy and seconds when the disk or a provider is slow.
    public static let defaultBuckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                  0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct Series {
        var bucketCounts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    public let name: String
    let help: String
    let labelNames: [String]
    let buckets: [Double]
    private let series = Mutex<[[String]: Series]>([:])

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = buckets.sorted()
    }

    public func observe(_ value: Double, _ labels: [String] = []) {
        precondition(labels.count == labelNames.count, "metric \(name) takes \(labelNames.count) labels")
        let index = buckets.firstIndex(where: { value <= $0 }) ?? buckets.count
        series.withLock { all in
            var entry = all[labels] ?? Series(bucketCounts: Array(repeating: 0, count: buckets.count + 1))
            entry.bucketCounts[index] += 1
            entry.sum += value
            entry.count += 1
            all[labels] = entry
        }
    }

    /// Number of observations for a label set.
    public func count(_ labels: [String] = []) -> UInt64 {
        series.withLock { $0[labels]?.count ?? 0 }
    }

    func render(into out: inout String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        let snapshot = series.withLock { $0 }
        for (labels, entry) in snapshot.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            var cumulative: UInt64 = 0
            for (index, bound) in buckets.enumerated() {
                cumulative += entry.bucketCounts[index]
                out += name + "_bucket" + renderLabels(labelNames, labels, extra: ("le", formatSample(bound)))
                out += " \(cumulative)\n"
            }
            cumulative += entry.bucketCounts[buckets.count]
            out += name + "_bucket" + renderLabels(labelNames, labels, extra: ("le", "+Inf")) + " \(cumulative)\n"
            out += name + "_sum" + renderLabels(labelNames, labels) + " " + formatSample(entry.sum) + "\n"
            out += name + "_count" + renderLabels(labelNames, labels) + " \(entry.count)\n"
        }
    }
}
