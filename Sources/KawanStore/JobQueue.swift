import Foundation

/// A blocking FIFO feeding a store thread. Store threads sleep here rather
/// than on Swift's cooperative pool, which must never wait on disk.
final class JobQueue<Job: Sendable>: @unchecked Sendable {
    // @unchecked: `jobs` and `isClosed` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var isClosed = false

    /// False once the queue is closed: the job will never run.
    func push(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Puts jobs back at the head, in order, ahead of newer ones.
    func pushFront(_ returned: some Collection<Job>) {
        guard !returned.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        jobs.insert(contentsOf: returned, at: 0)
        condition.signal()
    }

    /// Waits for work and takes up to `limit` jobs; nil once the queue is
    /// closed and drained.
    func take(limit: Int) -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty {
            if isClosed { return nil }
            condition.wait()
        }
        if jobs.count <= limit {
            defer { jobs = [] }
            return jobs
        }
        let taken = Array(jobs.prefix(limit))
        jobs.removeFirst(limit)
        // More work is left: let another waiting thread have it.
        condition.signal()
        return taken
    }

    /// Refuses new jobs; queued ones still run.
    func close() {
        condition.lock()
        defer { condition.unlock() }
        isClosed = true
        condition.broadcast()
    }
}

/// Hands a connection to the one thread that will use it from then on.
struct ThreadOwnedConnection: @unchecked Sendable {
    // @unchecked: the creator gives the connection up when it starts the
    // thread; only that thread touches it afterwards.
    let connection: Connection
}

/// Starts a named thread; store threads block in SQLite, so they are real
/// threads, not tasks.
func startStoreThread(name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread(block: body)
    thread.name = name
    thread.start()
}
