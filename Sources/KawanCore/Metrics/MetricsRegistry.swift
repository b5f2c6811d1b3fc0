import Synchronization

/// Holds the daemon's metrics and renders them in the Prometheus text
/// exposition format 0.0.4 for `GET /metrics`.
///
/// Families are registered once (at start-up, by the module that owns
/// them) and updated from any thread. Label values must come from small,
/// fixed sets (route templates, tenant ids, status codes): never raw paths
/// or personal data.
public final class MetricsRegistry: Sendable {
    private let families = Mutex<[any MetricFamily]>([])

    public init() {}

    public func counter(_ name: String, help: String, labels: [String] = []) -> CounterFamily {
        register(CounterFamily(name: name, help: help, labelNames: labels))
    }

    public func gauge(_ name: String, help: String, labels: [String] = []) -> GaugeFamily {
        register(GaugeFamily(name: name, help: help, labelNames: labels))
    }

    public func histogram(_ name: String, help: String, labels: [String] = [],
                          buckets: [Double] = HistogramFamily.defaultBuckets) -> HistogramFamily {
        register(HistogramFamily(name: name, help: help, labelNames: labels, buckets: buckets))
    }

    private func register<F: MetricFamily>(_ family: F) -> F {
        families.withLock { list in
            if let existing = list.first(where: { $0.name == family.name }) {
                guard let same = existing as? F else {
                    preconditionFailure("metric \(family.name) registered twice with different types")
                }
                return same
            }
            list.append(family)
            return family
        }
    }

    /// The whole exposition, families in registration order.
    public func render() -> String {
        let list = families.withLock { $0 }
        var out = ""
        for family in list { family.render(into: &out) }
        return out
    }
}

protocol MetricFamily: AnyObject, Sendable {
    var name: String { get }
    func render(into out: inout String)
}

func renderLabels(_ names: [String], _ values: [String], extra: (String, String)? = nil) -> String {
    var pairs: [(String, String)] = Array(zip(names, values))
    if let extra { pairs.append(extra) }
    guard !pairs.isEmpty else { return "" }
    return "{" + pairs.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
}

func escapeLabelValue(_ value: String) -> String {
    var out = ""
    for character in value {
        switch character {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        default: out.append(character)
        }
    }
    return out
}

func formatSample(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value == .infinity { return "+Inf" }
    if value == -.infinity { return "-Inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
}
