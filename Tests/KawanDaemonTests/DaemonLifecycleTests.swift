import Foundation
import Glibc
import KawanTestSupport
import Testing

/// The real `kawan` binary as a child process: systemd notification,
/// signals, exit codes.
@Suite(.serialized) struct DaemonLifecycleTests {
    @Test(arguments: [false, true])
    func notifiesReadyOnlyOnceListeningThenStopsOnSIGTERM(abstract: Bool) async throws {
        let receiver = try NotifyReceiver(abstract: abstract)
        let daemon = try DaemonProcess(arguments: ["serve", "--listen", "127.0.0.1:0"] + DaemonTestEnvironment.arguments,
                                       environment: ["NOTIFY_SOCKET": receiver.socketName], currentDirectory: DaemonTestEnvironment.workDirectory())
        defer { daemon.terminate() }
        let ready = try #require(await offPool { receiver.receive(timeout: 60) })
        #expect(ready.contains("READY=1"))
        #expect(ready.contains("MAINPID=\(daemon.pid)"))
        // READY=1 means the port already accepts connections.
        let port = try #require(UInt16(ready.split(separator: "\n").first { $0.hasPrefix("STATUS=") }?.split(separator: ":").last ?? ""))
        let status = try await offPool { () -> Int in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse().status
        }
        #expect(status == 200)
        daemon.send(signal: SIGTERM)
        let stopping = try await offPool { receiver.receive(timeout: 30) }
        #expect(stopping?.contains("STOPPING=1") == true)
        #expect(await daemon.waitForExit(timeout: 30) == 0)
    }

    @Test func sendsWatchdogPingsAtHalfTheInterval() async throws {
        let receiver = try NotifyReceiver(abstract: false)
        let daemon = try DaemonProcess(arguments: ["serve", "--listen", "127.0.0.1:0"] + DaemonTestEnvironment.arguments,
                                       environment: ["NOTIFY_SOCKET": receiver.socketName, "WATCHDOG_USEC": "400000"],
                                       currentDirectory: DaemonTestEnvironment.workDirectory())
        defer { daemon.terminate() }
        let messages = try await offPool { () -> [String] in
            var messages: [String] = []
            let start = Date()
            while Date().timeIntervalSince(start) < 20, messages.filter({ $0.contains("WATCHDOG=1") }).count < 3 {
                if let message = receiver.receive(timeout: 2) { messages.append(message) }
            }
            return messages
        }
        #expect(messages.first?.contains("READY=1") == true)
        #expect(messages.filter { $0.contains("WATCHDOG=1") }.count >= 3)
        daemon.send(signal: SIGINT)
        #expect(await daemon.waitForExit(timeout: 30) == 0)
    }

    @Test func refusesToStartWhenThePortIsTaken() async throws {
        let first = try DaemonProcess(arguments: ["serve", "--listen", "127.0.0.1:0"] + DaemonTestEnvironment.arguments,
                                      currentDirectory: DaemonTestEnvironment.workDirectory())
        defer { first.terminate() }
        let port = try #require(await first.waitForPort())
        // Another socket without SO_REUSEPORT holds a second port; binding it must fail.
        let blocker = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(blocker) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(blocker, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(blocker, 1)
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(blocker, $0, &length) } }
        let takenPort = UInt16(bigEndian: bound.sin_port)
        let second = try DaemonProcess(arguments: ["serve", "--listen", "127.0.0.1:\(takenPort)"] + DaemonTestEnvironment.arguments,
                                       currentDirectory: DaemonTestEnvironment.workDirectory())
        defer { second.terminate() }
        #expect(await second.waitForExit(timeout: 15) == 1)
        let failure = await second.waitForLog("event=daemon.listen_failed", timeout: 5)
        #expect(failure?.contains("Address already in use") == true)
        #expect(port != takenPort)
    }
}

@Suite(.serialized) struct CommandLineTests {
    func run(_ arguments: [String]) async throws -> ProcessRunner.Result {
        try await ProcessRunner.run(ProcessRunner.productsDirectory().appendingPathComponent("kawan").path, arguments)
    }

    @Test func versionPrintsTheVersion() async throws {
        let result = try await run(["version"])
        #expect(result.status == 0 && result.stdout.hasPrefix("kawan 0."))
    }

    @Test(arguments: [["--help"], ["help"], ["serve", "--help"], ["version", "--help"], ["help", "serve"]])
    func helpExitsZero(_ arguments: [String]) async throws {
        let result = try await run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Usage: kawan"))
    }

    @Test(arguments: [
        (["serve", "--bogus"], "kawan serve: unknown option '--bogus'"),
        (["serve", "--listen"], "kawan serve: option --listen needs a value"),
        (["serve", "--listen", "nowhere"], "kawan serve: --listen: expected \"HOST:PORT\", got \"nowhere\""),
        (["serve", "--listen", "127.0.0.1:99999"], "kawan serve: --listen: port must be a number from 0 to 65535, got \"99999\""),
        (["serve", "--log-level", "loud"], "kawan serve: --log-level must be debug, info, notice, warning or error"),
        (["serve", "extra"], "kawan serve: unexpected argument 'extra'"),
        (["serve", "--db", "a", "--db", "b"], "kawan serve: option --db given more than once"),
        (["frobnicate"], "kawan: unknown command 'frobnicate'"),
        ([], "Usage: kawan"),
    ])
    func badArgumentsExitTwoWithAClearMessage(_ arguments: [String], _ message: String) async throws {
        let result = try await run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message))
    }
}

/// Where daemon tests run: a fresh temporary directory per test so the
/// database and var/ never touch the repository.
enum DaemonTestEnvironment {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The shipped demo configuration, read in place.
    static var configDirectory: String { repositoryRoot.appendingPathComponent("Config").path }

    /// The shipped answers and language-understanding corpus.
    static var localizationDirectory: String { repositoryRoot.appendingPathComponent("Localization").path }

    /// `--config` (the shipped demo), `--localization` and a `--db` inside a fresh directory.
    static var arguments: [String] {
        ["--config", configDirectory, "--localization", localizationDirectory, "--db", workDirectory() + "/kawan.sqlite"]
    }

    static func workDirectory() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-daemon-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.path
    }

    /// A writable copy of the demo configuration, for tests that edit it.
    static func copyOfConfig() throws -> String {
        let target = workDirectory() + "/Config"
        try FileManager.default.copyItem(atPath: configDirectory, toPath: target)
        return target
    }
}
