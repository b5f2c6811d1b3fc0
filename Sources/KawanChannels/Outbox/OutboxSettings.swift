/// How the outbox sender paces and retries.
///
/// Retries wait with exponential backoff and full jitter: before attempt
/// n+1 the sender waits a random time between 0 and
/// min(`maximumDelay`, `baseDelay` × `multiplier`^(n-1)), or the provider's
/// `Retry-After` when it gave one. With the defaults (10 s, ×4, 30 min, 8
/// attempts) the ceilings are 10 s, 40 s, 160 s, 640 s, then 30 min three
/// times: 6,250 s at most, about 52 minutes on average, before a message
/// is marked failed.
public struct OutboxSettings: Sendable {
    /// Provider requests per message before it fails; 1 means never retry.
    public var maximumAttempts: Int
    public var baseDelay: Double
    public var multiplier: Double
    public var maximumDelay: Double
    /// How often due rows are looked for when nothing wakes the sender.
    public var pollInterval: Duration
    /// Messages sent at once (across channels).
    public var maximumConcurrentSends: Int
    /// Requests per second per channel when the channel sets no
    /// `rate_limit_per_second`.
    public var defaultRateLimitPerSecond: Double

    public init(maximumAttempts: Int = 8, baseDelay: Double = 10, multiplier: Double = 4, maximumDelay: Double = 1800,
                pollInterval: Duration = .milliseconds(500), maximumConcurrentSends: Int = 16,
                defaultRateLimitPerSecond: Double = 20) {
        precondition(maximumAttempts >= 1 && maximumConcurrentSends >= 1 && defaultRateLimitPerSecond > 0)
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.pollInterval = pollInterval
        self.maximumConcurrentSends = maximumConcurrentSends
        self.defaultRateLimitPerSecond = defaultRateLimitPerSecond
    }

    /// The largest wait after `attempts` failed attempts (1-based).
    public func delayCeiling(afterAttempt attempts: Int) -> Double {
        var ceiling = baseDelay
        for _ in 1..<max(1, attempts) {
            ceiling *= multiplier
            if ceiling >= maximumDelay { return maximumDelay }
        }
        return min(ceiling, maximumDelay)
    }

    /// The wait before the next attempt: the provider's `Retry-After`
    /// (bounded by `maximumDelay`) or a full-jitter backoff.
    public func delay(afterAttempt attempts: Int, retryAfter: Double?,
                      random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> Double {
        if let retryAfter { return min(max(0, retryAfter), maximumDelay) }
        return random(0...delayCeiling(afterAttempt: attempts))
    }
}
