import Foundation
import Glibc
import Synchronization

/// The real `kawan` binary running as a child process, with its stderr
/// collected so tests can wait for log events and check what was logged.
public final class DaemonProcess: Sendable {
    private let child: ChildProcess
    private let stderrLines = Mutex<[String]>([])
    private let stdoutText = Mutex<String>("")

    public init(arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil) throws {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NOTIFY_SOCKET")
        env.removeValue(forKey: "WATCHDOG_USEC")
        for (key, value) in environment { env[key] = value }
        child = try ChildProcess(ProcessRunner.productsDirectory().appendingPathComponent("kawan").path, arguments,
                                 environment: env, currentDirectory: currentDirectory)
        Thread { [self] in
            var pending = ""
            while true {
                let data = PipeIO.readChunk(child.standardError)
                if data.isEmpty { break }
                pending += String(decoding: data, as: UTF8.self)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = String(pending[..<newline])
                    pending = String(pending[pending.index(after: newline)...])
                    stderrLines.withLock { $0.append(line) }
                }
            }
        }.start()
        Thread { [self] in
            while true {
                let data = PipeIO.readChunk(child.standardOutput)
                if data.isEmpty { break }
                stdoutText.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }.start()
    }

    public var pid: Int32 { child.pid }
    public var logLines: [String] { stderrLines.withLock { $0 } }
    public var standardOutput: String { stdoutText.withLock { $0 } }

    /// Waits (polling) for a stderr line containing `text`. Async, sleeping
    /// with `Task.sleep`: a blocking sleep here held one of the cooperative
    /// pool's two threads, and two such waits stalled every async handler
    /// of the other tests' servers in the same process.
    public func waitForLog(_ text: String, timeout: Double = 10) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = logLines.first(where: { $0.contains(text) }) { return line }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// The port from the `daemon.ready` log line (for `--listen 127.0.0.1:0`).
    public func waitForPort(timeout: Double = 60) async -> UInt16? {
        guard let line = await waitForLog("event=daemon.ready", timeout: timeout),
              let range = line.range(of: "listen=") else { return nil }
        let address = line[range.upperBound...].prefix { $0 != " " }
        return address.split(separator: ":").last.flatMap { UInt16($0) }
    }

    public func send(signal: Int32) { child.signal(signal) }

    /// The exit status (128 + signal if a signal ended it), or nil if still
    /// running after `timeout`.
    public func waitForExit(timeout: Double) async -> Int32? {
        await child.waitForExit(timeout: timeout)?.status
    }

    /// Kills the child if a test left it running.
    public func terminate() { child.kill() }
}
