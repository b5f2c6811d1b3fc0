import Foundation
import Glibc

/// A datagram socket standing in for systemd's notification socket: the
/// test binds it, passes its name as NOTIFY_SOCKET, and reads what the
/// daemon says.
public final class NotifyReceiver: @unchecked Sendable {
    public let fd: Int32
    /// The value to put in NOTIFY_SOCKET (a path, or `@name` when abstract).
    public let socketName: String

    public init(abstract: Bool) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let name = abstract ? "@kawan-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
                            : NSTemporaryDirectory() + "kawan-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        socketName = name
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard result == 0 else { throw RawHTTPClient.ClientError("bind notify socket: errno \(errno)") }
    }

    deinit {
        close(fd)
        if !socketName.hasPrefix("@") { unlink(socketName) }
    }

    /// The next datagram, or nil after `timeout` seconds.
    public func receive(timeout: Double) -> String? {
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
