import Glibc

/// Reads and writes pipe descriptors with plain `read(2)`/`write(2)`,
/// retrying on EINTR. Foundation's `FileHandle.availableData` and
/// `readDataToEndOfFile()` end in a `try!` that crashes the whole test
/// process when a signal interrupts the read, which other tests (those
/// that send SIGHUP, SIGTERM or SIGKILL to children) make likely.
public enum PipeIO {
    /// The next chunk from `fd`, blocking until some bytes arrive; empty at
    /// end of file (or on an error other than EINTR).
    public static func readChunk(_ fd: Int32, maximum: Int = 65_536) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, maximum) }
            if count >= 0 { return Array(buffer.prefix(count)) }
            if errno != EINTR { return [] }
        }
    }

    /// Everything up to end of file.
    public static func readToEnd(_ fd: Int32) -> [UInt8] {
        var all: [UInt8] = []
        while true {
            let chunk = readChunk(fd)
            if chunk.isEmpty { return all }
            all += chunk
        }
    }

    /// Writes every byte (a closed reader ends the write quietly).
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if count > 0 { offset += count; continue }
            if count < 0, errno == EINTR { continue }
            return
        }
    }
}
