import Synchronization

/// Whether the daemon should receive traffic, from named checks. `/readyz`
/// answers 503 with the first failing check's reason.
public final class Readiness: Sendable {
    public typealias Check = @Sendable () async -> String?

    private let checks = Mutex<[(name: String, check: Check)]>([])
    private let accepting = Atomic<Bool>(false)

    public init() {}

    /// Adds a check returning nil when healthy, or a short reason.
    public func add(_ name: String, _ check: @escaping Check) {
        checks.withLock { $0.append((name, check)) }
    }

    /// Set once the listener is up; cleared when draining.
    public func setAccepting(_ value: Bool) { accepting.store(value, ordering: .relaxed) }

    /// nil when ready, else "name: reason".
    public func failure() async -> String? {
        guard accepting.load(ordering: .relaxed) else { return "server: not accepting traffic" }
        for (name, check) in checks.withLock({ $0 }) {
            if let reason = await check() { return "\(name): \(reason)" }
        }
        return nil
    }
}
