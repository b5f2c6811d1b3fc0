internal import CSQLite

/// One SQLite connection with a cache of prepared statements.
///
/// A connection is not thread-safe (it is opened with `SQLITE_OPEN_NOMUTEX`):
/// `Database` gives each one to a single thread and hands it to `read` and
/// `write` bodies only while they run on that thread. Do not keep it, or
/// anything read from it lazily, after the body returns.
public final class Connection {
    enum Mode {
        case readWrite
        case readOnly
    }

    /// Statements kept prepared; beyond this, SQL built at run time gets
    /// one-off statements instead of growing the cache without bound.
    static let statementCacheLimit = 256

    let handle: OpaquePointer
    public let path: String
    private var statements: [String: Statement] = [:]
    private var isClosed = false

    init(path: String, mode: Mode, busyTimeout: Duration) throws(SQLiteError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let failure = SQLiteError(resultCode: code == SQLITE_OK ? SQLITE_NOMEM : code, handle: opened, sql: nil)
            sqlite3_close(opened)
            throw SQLiteError(code: failure.code, extendedCode: failure.extendedCode,
                              message: "\(failure.message) (opening \(path))", sql: nil)
        }
        handle = opened
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))
        do {
            try execute("PRAGMA foreign_keys = ON")
        } catch {
            closeHandle()
            throw error
        }
    }

    deinit {
        if !isClosed { closeHandle() }
    }

    /// Runs one statement to completion, discarding any rows.
    public func execute(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) {
        try withStatement(sql, arguments) { statement throws(SQLiteError) in
            while try statement.step() {}
        }
    }

    /// Runs one statement and returns all its rows.
    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> [Row] {
        try withStatement(sql, arguments) { statement throws(SQLiteError) in
            var rows: [Row] = []
            guard try statement.step() else { return rows }
            let names = statement.columnNames
            let count = Int32(names.count)
            repeat {
                rows.append(Row(columnNames: names, values: (0..<count).map { statement.column($0) }))
            } while try statement.step()
            return rows
        }
    }

    /// The first row, if any; the statement is still run to completion so
    /// `INSERT … RETURNING` and similar finish their work.
    public func queryRow(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> Row? {
        try query(sql, arguments).first
    }

    /// The first column of the first row, or `.null` when there is no row.
    public func queryValue(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> SQLValue {
        try queryRow(sql, arguments)?.values.first ?? .null
    }

    /// Runs several `;`-separated statements without arguments (schema
    /// scripts). Not cached.
    public func executeScript(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard code == SQLITE_OK else {
            let failure = error(code, sql: sql)
            throw SQLiteError(code: failure.code, extendedCode: failure.extendedCode,
                              message: message.map { String(cString: $0) } ?? failure.message, sql: sql)
        }
    }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// False in autocommit mode; SQLite may also end a transaction by itself
    /// after some errors (SQLITE_FULL, SQLITE_IOERR, …).
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Finalizes every cached statement, then closes. Closing with a
    /// statement still alive would leak the handle, so that is an error.
    func close() throws(SQLiteError) {
        guard !isClosed else { return }
        isClosed = true
        for statement in statements.values { statement.finalize() }
        statements.removeAll()
        let code = sqlite3_close(handle)
        guard code == SQLITE_OK else {
            let failure = error(code, sql: nil)
            // Zombie the handle so SQLite frees it once the stray statement goes.
            sqlite3_close_v2(handle)
            throw failure
        }
    }

    func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(resultCode: code, handle: handle, sql: sql)
    }

    private func closeHandle() {
        isClosed = true
        for statement in statements.values { statement.finalize() }
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    private func withStatement<T>(_ sql: String, _ arguments: [SQLValue],
                                  _ body: (Statement) throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        precondition(!isClosed, "connection to \(path) used after close")
        let statement: Statement
        var oneOff = false
        if let cached = statements[sql] {
            statement = cached
        } else if statements.count < Connection.statementCacheLimit {
            statement = try Statement(connection: self, sql: sql, persistent: true)
            statements[sql] = statement
        } else {
            statement = try Statement(connection: self, sql: sql, persistent: false)
            oneOff = true
        }
        defer {
            if oneOff { statement.finalize() } else { statement.reset() }
        }
        try statement.prepareForUse(arguments)
        return try body(statement)
    }
}
