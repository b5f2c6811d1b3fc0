import Synchronization

/// A value that goes up and down per label set (open connections, outbox
/// depth, the time of the last reload).
public final class GaugeFamily: MetricFamily {
    public let name: String
    let help: String
    let labelNames: [String]
    private let values = Mutex<[[String]: Double]>([:])

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    public func set(_ value: Double, _ labels: [String] = []) {
        precondition(labels.count == labelNames.count, "metric \(name) takes \(labelNames.count) labels")
        values.withLock { $0[labels] = value }
    }

    public func add(_ amount: Double, _ labels: [String] = []) {
        precondition(labels.count == labelNames.count, "metric \(name) takes \(labelNames.count) labels")
        values.withLock { $0[labels, default: 0] += amount }
    }

    public func value(_ labels: [String] = []) -> Double {
        values.withLock { $0[labels] ?? 0 }
    }

    func render(into out: inout String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
        let snapshot = values.withLock { $0 }
        for (labels, value) in snapshot.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            out += name + renderLabels(labelNames, labels) + " " + formatSample(value) + "\n"
        }
    }
}
