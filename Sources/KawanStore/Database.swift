public import KawanCore
import Synchronization

/// How much a write survives once `write` has returned.
public enum Durability: String, Sendable {
    /// `synchronous=FULL`: the WAL is fsynced at every commit, so an
    /// acknowledged write survives a power cut as well as a crash.
    case full
    /// `synchronous=NORMAL`: the WAL is fsynced only at checkpoints; an
    /// acknowledged write survives a crash of the process (kill -9) but the
    /// last commits may be lost on power failure or kernel panic.
    case normal
}

/// The Kawan SQLite database: one writer thread committing writes in
/// groups, a pool of read-only connections, and the schema migrations.
///
/// All blocking SQLite work happens on the store's own threads; `read` and
/// `write` suspend the calling task until it is done, so Swift's small
/// cooperative pool never waits on the disk.
public final class Database: Sendable {
    public struct Configuration: Sendable {
        public var durability: Durability
        /// Read-only connections, each on its own thread.
        public var readerCount: Int
        /// How long a connection waits for a lock another process holds
        /// before failing with SQLITE_BUSY.
        public var busyTimeout: Duration
        /// Most writes committed by one transaction; bounds how long one
        /// commit holds the lock and how many callers share one failure.
        public var maximumBatchSize: Int
        /// The writer connection's page cache, in KiB (SQLite's default is
        /// 2,000). Every message updates several indexes, one of them keyed by
        /// the provider's random message id; once those outgrow a small cache
        /// each insert reads pages back from the OS. Grows only as pages are
        /// used. Measured: 30 s webhook runs, p99 9.9-10.6 ms with the default,
        /// 9.7-9.9 ms with 32 MiB.
        public var writerCacheKibibytes: Int

        public init(durability: Durability = .full, readerCount: Int = 2, busyTimeout: Duration = .seconds(5),
                    maximumBatchSize: Int = 512, writerCacheKibibytes: Int = 32 * 1024) {
            self.durability = durability
            self.readerCount = readerCount
            self.busyTimeout = busyTimeout
            self.maximumBatchSize = maximumBatchSize
            self.writerCacheKibibytes = writerCacheKibibytes
        }
    }

    /// What the writer has done since open; `transactions < writes` shows
    /// that group commit is sharing commits.
    public struct Statistics: Sendable, Equatable {
        /// Committed transactions.
        public var transactions: Int
        /// Writes acknowledged after a commit.
        public var writes: Int
        /// Writes whose caller got an error.
        public var failedWrites: Int
    }

    public let path: String
    public let configuration: Configuration
    private let writer: Writer
    private let readers: ReaderPool
    private let counters = WriterCounters()
    private let logger: Logger
    private let isClosed = Atomic<Bool>(false)

    /// Opens (creating if needed) the database at `path`, switches it to
    /// WAL, applies pending migrations, and starts the writer and readers.
    /// Blocks while it does so: call it at start-up.
    public init(path: String, configuration: Configuration = Configuration(), logger: Logger = Logger(),
                metrics: MetricsRegistry? = nil) throws {
        precondition(configuration.readerCount >= 1, "readerCount must be at least 1")
        precondition(configuration.writerCacheKibibytes >= 1, "writerCacheKibibytes must be at least 1")
        self.path = path
        self.configuration = configuration
        self.logger = logger

        let writeConnection = try Connection(path: path, mode: .readWrite, busyTimeout: configuration.busyTimeout)
        var readConnections: [Connection] = []
        let previousVersion: Int
        do {
            let mode = try writeConnection.queryValue("PRAGMA journal_mode = WAL").string ?? "unknown"
            guard mode.lowercased() == "wal" else {
                throw StoreError.walUnavailable(path: path, journalMode: mode)
            }
            switch configuration.durability {
            case .full: try writeConnection.execute("PRAGMA synchronous = FULL")
            case .normal: try writeConnection.execute("PRAGMA synchronous = NORMAL")
            }
            previousVersion = try Schema.migrate(writeConnection, path: path, logger: logger)
            try writeConnection.execute("PRAGMA cache_size = -\(configuration.writerCacheKibibytes)")
            for _ in 0..<configuration.readerCount {
                readConnections.append(try Connection(path: path, mode: .readOnly,
                                                      busyTimeout: configuration.busyTimeout))
            }
        } catch {
            for connection in readConnections { try? connection.close() }
            try? writeConnection.close()
            throw error
        }

        let storeMetrics = metrics.map(StoreMetrics.init(registry:))
        writer = Writer(connection: writeConnection, maximumBatchSize: configuration.maximumBatchSize,
                        counters: counters, metrics: storeMetrics, logger: logger)
        readers = ReaderPool(connections: readConnections, logger: logger)
        logger.info("store.opened", [
            "path": .identifier(path),
            "durability": .identifier(configuration.durability.rawValue),
            "readers": .int(configuration.readerCount),
            "schema_version": .int(Schema.currentVersion),
            "previous_schema_version": .int(previousVersion),
        ])
    }

    deinit {
        if !isClosed.load(ordering: .acquiring) {
            // Let the threads finish queued work and close their connections.
            readers.shutdown {}
            writer.shutdown {}
        }
    }

    /// The schema version this binary creates and understands.
    public static var schemaVersion: Int { Schema.currentVersion }

    /// Runs `body` on the writer connection inside a transaction shared with
    /// other writes queued at the same time, and returns once that
    /// transaction has committed (durably, with `.full`).
    ///
    /// `body` runs in its own SAVEPOINT: if it throws, its changes are
    /// undone and its error is rethrown here, while the other writes in the
    /// group still commit. If the commit itself fails (disk full, I/O
    /// error), every write in the group throws that `SQLiteError`. `body`
    /// must only touch the database: it runs on the writer thread, at most
    /// once, and may be run but rolled back.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = WriteJob(
                run: { connection in
                    let value = try body(connection)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) })
            if !writer.enqueue(.write(job)) {
                continuation.resume(throwing: StoreError.closed)
            }
        }
    }

    /// Runs `body` on a read-only connection, in one read transaction so
    /// that all its queries see the same committed snapshot.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = readers.enqueue { connection in
                continuation.resume(with: Result {
                    try connection.execute("BEGIN")
                    defer { try? connection.execute("COMMIT") }
                    return try body(connection)
                })
            }
            if !accepted {
                continuation.resume(throwing: StoreError.closed)
            }
        }
    }

    /// Throws unless the writer can take the write lock and is allowed to
    /// write (`BEGIN IMMEDIATE; ROLLBACK` on the writer thread), e.g. for
    /// `/readyz`. It proves the writer thread is alive, the file is
    /// writable and no other process is holding the lock; it does not
    /// prove there is free space (only a real write does).
    public func checkWritable() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let accepted = writer.enqueue(.probe { result in
                continuation.resume(with: result.mapError { $0 as any Error })
            })
            if !accepted {
                continuation.resume(throwing: StoreError.closed)
            }
        }
    }

    public var statistics: Statistics {
        Statistics(transactions: counters.transactions.load(ordering: .relaxed),
                   writes: counters.writes.load(ordering: .relaxed),
                   failedWrites: counters.failedWrites.load(ordering: .relaxed))
    }

    /// Stops accepting work, lets queued reads and writes finish, closes the
    /// readers and then the writer (so the last connection to close can
    /// checkpoint and remove the WAL). Later calls throw `StoreError.closed`.
    public func close() async {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let writer = self.writer
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            readers.shutdown {
                writer.shutdown { continuation.resume() }
            }
        }
        logger.info("store.closed", ["path": .identifier(path)])
    }
}
