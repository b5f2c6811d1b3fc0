import Foundation
import Glibc
import Synchronization

/// Where finished log lines go. The daemon writes to stderr so journald
/// keeps them; tests collect lines in memory.
public protocol LogSink: Sendable {
    func write(line: String, level: LogLevel)
}

/// Writes each line to stderr unbuffered, so journald sees it at once.
/// When stderr is the journal (`$JOURNAL_STREAM` names it), the line gets a
/// `<N>` syslog priority prefix and no timestamp (journald adds its own).
public struct StandardErrorLogSink: LogSink {
    public let journalPrefixes: Bool

    public init(journalPrefixes: Bool = StandardErrorLogSink.stderrIsJournal()) {
        self.journalPrefixes = journalPrefixes
    }

    public func write(line: String, level: LogLevel) {
        var text = journalPrefixes ? "<\(level.syslogPriority)>" + line : line
        text.append("\n")
        // One write(2) per line: lines from different threads never
        // interleave (pipes keep writes up to PIPE_BUF whole) and nothing
        // waits in a user-space buffer.
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// True when `$JOURNAL_STREAM` (`device:inode`) matches stderr's file.
    public static func stderrIsJournal() -> Bool {
        guard let value = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}

/// Keeps lines in memory; for tests that assert what was (not) logged.
public final class MemoryLogSink: LogSink {
    private let storage = Mutex<[String]>([])

    public init() {}

    public func write(line: String, level: LogLevel) {
        storage.withLock { $0.append(line) }
    }

    public var lines: [String] { storage.withLock { $0 } }
}
