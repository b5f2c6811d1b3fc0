public import KawanConfig
import Synchronization

/// The configuration in force. A request takes one snapshot and uses it
/// throughout, so a reload never shows it half of two configurations; the
/// swap itself is a single pointer exchange under a lock.
public final class ConfigurationHolder: Sendable {
    private let current: Mutex<KawanConfiguration>

    public init(_ configuration: KawanConfiguration) {
        current = Mutex(configuration)
    }

    /// The configuration to use for one unit of work.
    public var snapshot: KawanConfiguration { current.withLock { $0 } }

    /// Makes `configuration` the one new work sees.
    public func replace(with configuration: KawanConfiguration) {
        current.withLock { $0 = configuration }
    }
}
