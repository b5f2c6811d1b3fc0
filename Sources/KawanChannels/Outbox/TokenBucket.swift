import Synchronization

/// Paces requests to one channel: `rate` per second, bursts of up to
/// `max(1, rate)`. Callers reserve a slot and wait the returned delay, so
/// concurrent senders queue up fairly instead of spinning.
final class TokenBucket: Sendable {
    struct State {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let rate: Double
    let capacity: Double
    private let state: Mutex<State>

    init(rate: Double, now: ContinuousClock.Instant = .now) {
        self.rate = rate
        self.capacity = max(1, rate)
        self.state = Mutex(State(tokens: max(1, rate), updated: now))
    }

    /// Takes one token and returns how long to wait before using it.
    func reserve(now: ContinuousClock.Instant = .now) -> Duration {
        state.withLock { state in
            let elapsed = now - state.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            state.tokens = min(capacity, state.tokens + max(0, seconds) * rate)
            state.updated = now
            state.tokens -= 1
            return state.tokens >= 0 ? .zero : .seconds(-state.tokens / rate)
        }
    }
}
