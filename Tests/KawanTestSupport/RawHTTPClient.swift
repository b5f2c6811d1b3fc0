import Foundation
import Glibc

/// A deliberately dumb HTTP/1.1 client over a real TCP socket, so tests can
/// send exactly the bytes they mean (malformed, pipelined, slow) and see
/// exactly what the server answers. Calls block with a timeout; call them
/// through `offPool` from async tests so the cooperative pool stays free.
public final class RawHTTPClient: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public struct ClientError: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public let fd: Int32
    private var buffer: [UInt8] = []

    public init(port: UInt16, host: String = "127.0.0.1", timeout: Double = 30) throws {
        // The socket is only stored once connected. A class initialiser that
        // throws after its stored properties are set still runs `deinit`, so
        // closing a stored descriptor here as well closed it twice, and the
        // second close hit whatever file another test had opened under that
        // number meanwhile (SQLite databases among them).
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ClientError("socket: errno \(errno)") }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw ClientError("connect: errno \(code)")
        }
        fd = descriptor
    }

    deinit { close(fd) }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw ClientError("send: errno \(errno)") }
            offset += sent
        }
    }

    /// Closes the sending side (the server sees end of input).
    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads one response (Content-Length framed, as the server always sends).
    public func readResponse() throws -> Response {
        while true {
            if let end = headEnd() {
                let headText = String(decoding: buffer[0..<end], as: UTF8.self)
                var lines = headText.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                let parts = statusLine.split(separator: " ")
                guard parts.count >= 2, let status = Int(parts[1]) else { throw ClientError("bad status line: \(statusLine)") }
                let headers = lines.filter { !$0.isEmpty }.map { line -> (name: String, value: String) in
                    let colon = line.firstIndex(of: ":")!
                    return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                }
                let length = Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
                let total = end + 4 + length
                while buffer.count < total {
                    guard try fill() else { throw ClientError("connection closed inside a response body") }
                }
                let body = Array(buffer[(end + 4)..<total])
                buffer.removeFirst(total)
                return Response(status: status, headers: headers, body: body)
            }
            guard try fill() else { throw ClientError("connection closed before a response") }
        }
    }

    /// True when the server closes the connection (reads end of input)
    /// before `timeout`; false when data arrives or time runs out.
    public func waitForClose(timeout: Double) -> Bool {
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var byte = [UInt8](repeating: 0, count: 1024)
        var count = byte.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        while count < 0 && errno == EINTR { count = byte.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) } }
        if count > 0 { buffer.append(contentsOf: byte[0..<count]) }
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        // Signals (a child process exiting elsewhere in the test run) interrupt a blocking recv.
        while count < 0 && errno == EINTR { count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) } }
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        if count == 0 { return false }
        if errno == ECONNRESET { return false }
        throw ClientError("recv: errno \(errno)")
    }
}

/// Runs blocking work on its own thread and awaits it, so tests that block
/// on sockets never occupy Swift's (2-thread) cooperative pool.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}
