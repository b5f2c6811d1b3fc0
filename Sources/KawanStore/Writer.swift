import Foundation
import KawanCore
import Synchronization

/// A queued write body. `run` executes it on the writer connection and
/// returns how to acknowledge it, which the writer calls only after COMMIT.
struct WriteJob: Sendable {
    let run: @Sendable (Connection) throws -> @Sendable () -> Void
    let fail: @Sendable (any Error) -> Void
}

enum WriterJob: Sendable {
    case write(WriteJob)
    /// `BEGIN IMMEDIATE; ROLLBACK` for readiness checks.
    case probe(@Sendable (Result<Void, SQLiteError>) -> Void)
}

/// Counts of what the writer did, for tests and `/metrics`.
final class WriterCounters: Sendable {
    let transactions = Atomic<Int>(0)
    let writes = Atomic<Int>(0)
    let failedWrites = Atomic<Int>(0)
}

/// The single thread that owns the write connection and commits queued
/// writes in groups: one `BEGIN IMMEDIATE … COMMIT` (one fsync with
/// durability `.full`) for every write waiting when the previous commit
/// finished, each write in its own SAVEPOINT so a failing one is undone
/// alone.
final class Writer: Sendable {
    private let queue = JobQueue<WriterJob>()
    private let maximumBatchSize: Int
    private let counters: WriterCounters
    private let metrics: StoreMetrics?
    private let logger: Logger

    init(connection: Connection, maximumBatchSize: Int, counters: WriterCounters, metrics: StoreMetrics?,
         logger: Logger) {
        precondition(maximumBatchSize >= 1, "maximumBatchSize must be at least 1")
        self.maximumBatchSize = maximumBatchSize
        self.counters = counters
        self.metrics = metrics
        self.logger = logger
        let owned = ThreadOwnedConnection(connection: connection)
        startStoreThread(name: "kawan.store.writer") { [self] in
            self.run(owned.connection)
        }
    }

    /// False when the writer is shutting down; the job will not run.
    func enqueue(_ job: WriterJob) -> Bool {
        queue.push(job)
    }

    /// Stops accepting jobs; queued ones are still committed, then the
    /// connection is closed and `onExit` is called on the writer thread.
    func shutdown(onExit: @escaping @Sendable () -> Void) {
        exitHandler.withLock { $0 = onExit }
        queue.close()
    }

    private let exitHandler = Mutex<(@Sendable () -> Void)?>(nil)

    private func run(_ connection: Connection) {
        while let jobs = queue.take(limit: maximumBatchSize) {
            var writes: [WriteJob] = []
            writes.reserveCapacity(jobs.count)
            for job in jobs {
                switch job {
                case .write(let write): writes.append(write)
                case .probe(let reply): reply(probe(connection))
                }
            }
            if !writes.isEmpty { commit(writes, on: connection) }
        }
        do {
            try connection.close()
        } catch {
            logger.error("store.close_failed", ["role": .constant("writer"), "error": .error(error)])
        }
        exitHandler.withLock { $0 }?()
    }

    private func probe(_ connection: Connection) -> Result<Void, SQLiteError> {
        do {
            try connection.execute("BEGIN IMMEDIATE")
            try connection.execute("ROLLBACK")
            return .success(())
        } catch {
            if connection.isInTransaction { try? connection.execute("ROLLBACK") }
            return .failure(error)
        }
    }

    /// What became of one body inside the batch transaction.
    private enum SavepointOutcome {
        case succeeded(@Sendable () -> Void)
        /// The body failed, was rolled back alone and has been told.
        case failedAlone
        /// The transaction itself is lost; `reported` says whether this
        /// body's caller already has its error.
        case transactionLost(SQLiteError, reported: Bool)
    }

    private func commit(_ jobs: [WriteJob], on connection: Connection) {
        let start = ContinuousClock.now
        do {
            try connection.execute("BEGIN IMMEDIATE")
        } catch {
            logger.error("store.begin_failed", ["writes": .int(jobs.count), "error": .error(error)])
            fail(jobs, with: error)
            return
        }
        var succeeded: [WriteJob] = []
        var acknowledgements: [@Sendable () -> Void] = []
        succeeded.reserveCapacity(jobs.count)
        acknowledgements.reserveCapacity(jobs.count)
        var failedAlone = 0
        for (position, job) in jobs.enumerated() {
            switch runInSavepoint(job, on: connection) {
            case .succeeded(let acknowledge):
                succeeded.append(job)
                acknowledgements.append(acknowledge)
            case .failedAlone:
                failedAlone += 1
            case let .transactionLost(error, reported):
                rollback(connection)
                logger.error("store.transaction_lost", ["writes": .int(succeeded.count), "error": .error(error)])
                fail(reported ? succeeded : succeeded + [job], with: error)
                counters.failedWrites.add(failedAlone + (reported ? 1 : 0), ordering: .relaxed)
                metrics?.writes.increment(["error"], by: Double(failedAlone + (reported ? 1 : 0)))
                // Bodies not run yet get a fresh transaction.
                queue.pushFront(jobs[(position + 1)...].map { WriterJob.write($0) })
                return
            }
        }
        do {
            try connection.execute("COMMIT")
        } catch {
            rollback(connection)
            logger.error("store.commit_failed", ["writes": .int(succeeded.count), "error": .error(error)])
            fail(succeeded, with: error)
            counters.failedWrites.add(failedAlone, ordering: .relaxed)
            metrics?.writes.increment(["error"], by: Double(failedAlone))
            return
        }
        counters.transactions.add(1, ordering: .relaxed)
        counters.writes.add(succeeded.count, ordering: .relaxed)
        counters.failedWrites.add(failedAlone, ordering: .relaxed)
        if let metrics {
            metrics.transactions.increment()
            metrics.writes.increment(["ok"], by: Double(succeeded.count))
            if failedAlone > 0 { metrics.writes.increment(["error"], by: Double(failedAlone)) }
            metrics.batchSize.observe(Double(jobs.count))
            let elapsed = ContinuousClock.now - start
            metrics.commitSeconds.observe(Double(elapsed.components.seconds)
                + Double(elapsed.components.attoseconds) / 1e18)
        }
        for acknowledge in acknowledgements { acknowledge() }
    }

    private func runInSavepoint(_ job: WriteJob, on connection: Connection) -> SavepointOutcome {
        do {
            try connection.execute("SAVEPOINT kawan_write")
        } catch {
            return .transactionLost(error, reported: false)
        }
        let acknowledge: @Sendable () -> Void
        do {
            acknowledge = try job.run(connection)
        } catch {
            job.fail(error)
            guard connection.isInTransaction else {
                // SQLite rolled back the whole transaction (it may after
                // SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM): earlier bodies'
                // work is gone too.
                let cause = (error as? SQLiteError) ?? SQLiteError(
                    code: .error, extendedCode: 1,
                    message: "SQLite ended the group-commit transaction after a write failed", sql: nil)
                return .transactionLost(cause, reported: true)
            }
            do {
                try connection.execute("ROLLBACK TO kawan_write")
                try connection.execute("RELEASE kawan_write")
            } catch let rollbackError {
                return .transactionLost(rollbackError, reported: true)
            }
            return .failedAlone
        }
        do {
            try connection.execute("RELEASE kawan_write")
        } catch {
            return .transactionLost(error, reported: false)
        }
        return .succeeded(acknowledge)
    }

    private func rollback(_ connection: Connection) {
        guard connection.isInTransaction else { return }
        do {
            try connection.execute("ROLLBACK")
        } catch {
            logger.error("store.rollback_failed", ["error": .error(error)])
        }
    }

    private func fail(_ jobs: [WriteJob], with error: any Error) {
        counters.failedWrites.add(jobs.count, ordering: .relaxed)
        metrics?.writes.increment(["error"], by: Double(jobs.count))
        for job in jobs { job.fail(error) }
    }
}
