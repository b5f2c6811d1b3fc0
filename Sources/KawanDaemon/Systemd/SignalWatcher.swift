import Dispatch
import Glibc

/// Delivers SIGTERM, SIGINT and SIGHUP as an async stream.
///
/// The default action of each signal is replaced by `SIG_IGN` before the
/// Dispatch sources are created, and `start()` returns only after every
/// source has registered: a signal arriving during start-up is then never
/// fatal, and one arriving after READY=1 is never lost.
public final class SignalWatcher: Sendable {
    public enum Signal: Sendable, Equatable {
        case terminate
        case interrupt
        case hangup
    }

    public let signals: AsyncStream<Signal>
    private let continuation: AsyncStream<Signal>.Continuation
    private let queue = DispatchQueue(label: "kawan.signals")
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    public init() {
        (signals, continuation) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .unbounded)
    }

    public func start() {
        let registered = DispatchSemaphore(value: 0)
        let pairs: [(Int32, Signal)] = [(SIGTERM, .terminate), (SIGINT, .interrupt), (SIGHUP, .hangup)]
        var created: [any DispatchSourceSignal] = []
        for (number, signal) in pairs {
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            let continuation = self.continuation
            source.setEventHandler { continuation.yield(signal) }
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            created.append(source)
        }
        for _ in pairs { registered.wait() }
        sources = created
    }
}
