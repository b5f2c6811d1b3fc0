internal import CSQLite
public import KawanCore

/// A failed SQLite call, as reported by SQLite itself.
///
/// It carries the result codes, SQLite's own message and the SQL text that
/// failed, but never the values bound to that SQL (they may be message
/// bodies or phone numbers), so it is safe to log at any level.
public struct SQLiteError: Error, LogSafeError, CustomStringConvertible, Equatable, Sendable {
    /// The primary result code (`extendedCode & 0xFF`).
    public let code: ResultCode
    /// The extended result code, such as 778 (`SQLITE_IOERR_WRITE`).
    public let extendedCode: Int32
    /// `sqlite3_errmsg` at the time of the failure.
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    public init(code: ResultCode, extendedCode: Int32, message: String, sql: String?) {
        self.code = code
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// Reads the error state of `handle` after `resultCode` came back.
    init(resultCode: Int32, handle: OpaquePointer?, sql: String?) {
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? resultCode
        // A handle's error state can be stale when the failing call did not
        // set it (for example sqlite3_backup_finish); trust the call's code.
        let code = (extended & 0xFF) == (resultCode & 0xFF) ? extended : resultCode
        let text: String
        if let handle, (extended & 0xFF) == (resultCode & 0xFF), let message = sqlite3_errmsg(handle) {
            text = String(cString: message)
        } else {
            text = String(cString: sqlite3_errstr(resultCode))
        }
        self.init(code: ResultCode(rawValue: code & 0xFF), extendedCode: code, message: text, sql: sql)
    }

    public var description: String {
        var text = "SQLite error \(code.name) (\(code.rawValue), extended \(extendedCode)): \(message)"
        if let sql { text += " [while running: \(sql)]" }
        if let hint = code.hint { text += ". " + hint }
        return text
    }

    public var logSummary: String { "sqlite_error code=\(code.name) extended=\(extendedCode)" }
}

/// SQLite's primary result codes, named so callers can branch on them
/// without C constants.
public struct ResultCode: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let error = ResultCode(rawValue: 1)
    public static let permission = ResultCode(rawValue: 3)
    public static let busy = ResultCode(rawValue: 5)
    public static let locked = ResultCode(rawValue: 6)
    public static let noMemory = ResultCode(rawValue: 7)
    public static let readOnly = ResultCode(rawValue: 8)
    public static let ioError = ResultCode(rawValue: 10)
    public static let corrupt = ResultCode(rawValue: 11)
    public static let full = ResultCode(rawValue: 13)
    public static let cannotOpen = ResultCode(rawValue: 14)
    public static let constraint = ResultCode(rawValue: 19)
    public static let mismatch = ResultCode(rawValue: 20)
    public static let misuse = ResultCode(rawValue: 21)
    public static let notADatabase = ResultCode(rawValue: 26)

    /// The C constant's name, e.g. `SQLITE_FULL`.
    public var name: String {
        switch self {
        case .error: "SQLITE_ERROR"
        case .permission: "SQLITE_PERM"
        case .busy: "SQLITE_BUSY"
        case .locked: "SQLITE_LOCKED"
        case .noMemory: "SQLITE_NOMEM"
        case .readOnly: "SQLITE_READONLY"
        case .ioError: "SQLITE_IOERR"
        case .corrupt: "SQLITE_CORRUPT"
        case .full: "SQLITE_FULL"
        case .cannotOpen: "SQLITE_CANTOPEN"
        case .constraint: "SQLITE_CONSTRAINT"
        case .mismatch: "SQLITE_MISMATCH"
        case .misuse: "SQLITE_MISUSE"
        case .notADatabase: "SQLITE_NOTADB"
        default: "SQLITE_\(rawValue)"
        }
    }

    /// What an operator should do about it.
    var hint: String? {
        switch self {
        case .busy:
            "Another connection held the write lock longer than the busy timeout: look for other processes using this file (sqlite3 shell, a second kawan)"
        case .readOnly:
            "The database cannot be written: check that the file, its -wal and -shm files and their directory are writable by the kawan user and that the filesystem is not mounted read-only"
        case .ioError:
            "The operating system reported an I/O error: check the kernel log (dmesg) and the disk"
        case .full:
            "The disk holding the database (or its max_page_count) is full: free space on that volume; writes fail until then"
        case .corrupt, .notADatabase:
            "The file is damaged or not a Kawan database: stop kawan and restore the latest backup"
        case .cannotOpen:
            "The file could not be opened: check that its directory exists and is accessible to the kawan user"
        case .misuse:
            "This is a bug in Kawan: please report it"
        default:
            nil
        }
    }
}
