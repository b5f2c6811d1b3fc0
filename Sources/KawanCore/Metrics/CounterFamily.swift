import Synchronization

/// A monotonically increasing count per label set, such as
/// `kawan_http_requests_total{route,status}`.
public final class CounterFamily: MetricFamily {
    public let name: String
    let help: String
    let labelNames: [String]
    private let values = Mutex<[[String]: Double]>([:])

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    public func increment(_ labels: [String] = [], by amount: Double = 1) {
        precondition(labels.count == labelNames.count, "metric \(name) takes \(labelNames.count) labels")
        values.withLock { $0[labels, default: 0] += amount }
    }

    public func value(_ labels: [String] = []) -> Double {
        values.withLock { $0[labels] ?? 0 }
    }

    func render(into out: inout String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) counter\n"
        let snapshot = values.withLock { $0 }
        for (labels, value) in snapshot.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            out += name + renderLabels(labelNames, labels) + " " + formatSample(value) + "\n"
        }
    }
}
