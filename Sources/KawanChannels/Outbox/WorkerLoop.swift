import Synchronization

/// The life cycle the outbox and alert senders share: one background task
/// that runs until `stop()`, sleeps between polls, and wakes early when
/// told new rows were committed. `stop()` waits for the task to finish, so
/// work under way is recorded before the database closes.
final class WorkerLoop: Sendable {
    private let wakeup = Wakeup()
    private let stopping = Atomic<Bool>(false)
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Starts `body` unless it is already running.
    func start(_ body: @escaping @Sendable () async -> Void) {
        stopping.store(false, ordering: .releasing)
        task.withLock { task in
            guard task == nil else { return }
            task = Task { await body() }
        }
    }

    /// True once `stop()` was called: the body should return.
    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Wakes a `sleep` under way, or makes the next one return at once.
    func notify() { wakeup.signal() }

    /// Sleeps until `notify()` or `timeout`.
    func sleep(timeout: Duration) async { await wakeup.wait(timeout: timeout) }

    /// Asks the body to return and waits until it has.
    func stop() async {
        stopping.store(true, ordering: .releasing)
        wakeup.signal()
        let running = task.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        await running?.value
    }
}
