public import KawanCore

/// Failures of the store that are not a single SQLite call.
public enum StoreError: Error, LogSafeError, CustomStringConvertible, Equatable, Sendable {
    /// The file was written by a newer Kawan; opening it could damage data
    /// this binary does not understand.
    case schemaTooNew(path: String, found: Int, supported: Int)
    /// SQLite refused to switch to WAL (e.g. on a network filesystem), so
    /// readers would block the writer and durability settings would differ.
    case walUnavailable(path: String, journalMode: String)
    /// The database was closed before the call.
    case closed

    public var description: String {
        switch self {
        case let .schemaTooNew(path, found, supported):
            "The database \(path) has schema version \(found), but this kawan binary supports versions up to \(supported). Refusing to open it so newer data is not damaged: run a kawan release that knows version \(found), or restore a backup made by this one."
        case let .walUnavailable(path, journalMode):
            "SQLite could not put \(path) in WAL mode (journal mode is \(journalMode)). Keep the database on a local filesystem (not NFS/SMB) that supports shared memory."
        case .closed:
            "The database is closed: the store was used after shutdown began."
        }
    }

    public var logSummary: String {
        switch self {
        case let .schemaTooNew(_, found, supported): "schema_too_new found=\(found) supported=\(supported)"
        case let .walUnavailable(_, mode): "wal_unavailable journal_mode=\(mode)"
        case .closed: "store_closed"
        }
    }
}
