import KawanCore
import Synchronization

/// Read-only connections, each owned by its own thread, sharing one queue.
/// In WAL mode they read the last committed state without ever blocking
/// the writer or being blocked by it.
final class ReaderPool: Sendable {
    typealias Job = @Sendable (Connection) -> Void

    private let queue = JobQueue<Job>()
    private let running: Atomic<Int>
    private let exitHandler = Mutex<(@Sendable () -> Void)?>(nil)
    private let logger: Logger

    init(connections: [Connection], logger: Logger) {
        running = Atomic(connections.count)
        self.logger = logger
        for (index, connection) in connections.enumerated() {
            let owned = ThreadOwnedConnection(connection: connection)
            startStoreThread(name: "kawan.store.reader.\(index)") { [self] in
                self.run(owned.connection)
            }
        }
    }

    /// False when the pool is shutting down; the job will not run.
    func enqueue(_ job: @escaping Job) -> Bool {
        queue.push(job)
    }

    /// Lets queued reads finish, closes every connection, then calls
    /// `onExit` once, on the last reader thread to stop.
    func shutdown(onExit: @escaping @Sendable () -> Void) {
        exitHandler.withLock { $0 = onExit }
        queue.close()
    }

    private func run(_ connection: Connection) {
        while let jobs = queue.take(limit: 1) {
            for job in jobs { job(connection) }
        }
        do {
            try connection.close()
        } catch {
            logger.error("store.close_failed", ["role": .constant("reader"), "error": .error(error)])
        }
        if running.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            exitHandler.withLock { $0 }?()
        }
    }
}
