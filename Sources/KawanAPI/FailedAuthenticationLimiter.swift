import Synchronization

/// Slows down token guessing: after `maximumFailures` failed
/// authentications from one client address within `window`, that address
/// gets 429 until the window ends. The table is bounded (`capacity`
/// addresses); when it is full, expired entries go first, then the oldest.
///
/// Behind a reverse proxy every client shares the proxy's address, so the
/// limit then applies to all of them together (fail closed).
final class FailedAuthenticationLimiter: Sendable {
    struct Entry {
        var windowStart: Int64
        var failures: Int
    }

    let maximumFailures: Int
    let window: Int64
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(maximumFailures: Int = 10, windowMilliseconds: Int64 = 60_000, capacity: Int = 4096) {
        self.maximumFailures = maximumFailures
        self.window = windowMilliseconds
        self.capacity = capacity
    }

    /// Milliseconds until `address` may try again, or nil when it may now.
    func blockedFor(_ address: String, now: Int64) -> Int64? {
        entries.withLock { table in
            guard let entry = table[address] else { return nil }
            let end = entry.windowStart + window
            if now >= end {
                table[address] = nil
                return nil
            }
            return entry.failures >= maximumFailures ? end - now : nil
        }
    }

    func recordFailure(_ address: String, now: Int64) {
        entries.withLock { table in
            if var entry = table[address], now < entry.windowStart + window {
                entry.failures += 1
                table[address] = entry
                return
            }
            if table[address] == nil, table.count >= capacity {
                table = table.filter { now < $0.value.windowStart + window }
                if table.count >= capacity, let oldest = table.min(by: { $0.value.windowStart < $1.value.windowStart }) {
                    table[oldest.key] = nil
                }
            }
            table[address] = Entry(windowStart: now, failures: 1)
        }
    }

    func recordSuccess(_ address: String) {
        _ = entries.withLock { $0.removeValue(forKey: address) }
    }

    var trackedAddresses: Int { entries.withLock { $0.count } }
}
