internal import CSQLite
import Glibc

extension Database {
    /// Copies a consistent snapshot of the database to `destination` with
    /// SQLite's online backup API, from a separate read-only connection, so
    /// the daemon keeps writing meanwhile (WAL readers do not block the
    /// writer). The copy is written next to `destination`, fsynced and then
    /// renamed over it, so `destination` is never a half-written file.
    ///
    /// Blocks for the length of the copy: call it from the CLI or a thread
    /// of its own, not from a task on the cooperative pool.
    public func backup(to destination: String) throws {
        let source = try Connection(path: path, mode: .readOnly, busyTimeout: configuration.busyTimeout)
        defer { try? source.close() }
        let partial = destination + ".partial"
        unlink(partial)
        do {
            let target = try Connection(path: partial, mode: .readWrite, busyTimeout: configuration.busyTimeout)
            do {
                try copy(from: source, to: target)
                try target.close()
            } catch {
                try? target.close()
                throw error
            }
            try syncFile(partial)
            guard rename(partial, destination) == 0 else {
                throw backupError("rename \(partial) to \(destination) failed: \(String(cString: strerror(errno)))")
            }
            try syncDirectory(of: destination)
        } catch {
            unlink(partial)
            throw error
        }
    }

    private func copy(from source: Connection, to target: Connection) throws(SQLiteError) {
        guard let backup = sqlite3_backup_init(target.handle, "main", source.handle, "main") else {
            throw target.error(sqlite3_errcode(target.handle), sql: nil)
        }
        // One step over all pages holds a single read transaction on the
        // source: a consistent snapshot, and no restarts when the writer
        // commits meanwhile (as a page-by-page copy would suffer).
        var code = sqlite3_backup_step(backup, -1)
        while code == SQLITE_BUSY || code == SQLITE_LOCKED {
            sqlite3_sleep(10)
            code = sqlite3_backup_step(backup, -1)
        }
        let finish = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE else { throw target.error(code, sql: nil) }
        guard finish == SQLITE_OK else { throw target.error(finish, sql: nil) }
    }

    private func syncFile(_ file: String) throws {
        let descriptor = open(file, O_RDONLY)
        guard descriptor >= 0 else { throw backupError("open \(file) failed: \(String(cString: strerror(errno)))") }
        defer { Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw backupError("fsync \(file) failed: \(String(cString: strerror(errno)))")
        }
    }

    private func syncDirectory(of file: String) throws {
        let directory = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
        try syncFile(directory.isEmpty ? "/" : directory)
    }

    private func backupError(_ message: String) -> SQLiteError {
        SQLiteError(code: .ioError, extendedCode: SQLITE_IOERR, message: "backup: " + message, sql: nil)
    }
}
