import Foundation
import Glibc
import KawanStore
import KawanTestSupport
import Testing

/// check-config, serve's refusal of a bad configuration, SIGHUP reload,
/// readiness and backup, all through the real binary.
@Suite(.serialized) struct ConfigurationCommandTests {
    var kawan: String { ProcessRunner.productsDirectory().appendingPathComponent("kawan").path }

    @Test func checkConfigSummarisesTheDemoTenant() async throws {
        let result = try await ProcessRunner.run(kawan, ["check-config", "--localization", DaemonTestEnvironment.localizationDirectory, "--config", DaemonTestEnvironment.configDirectory])
        #expect(result.status == 0)
        #expect(result.stdout == "demo: \"Demo Hotline\" languages=id,tl,vi,ja,en channels=7 caseworkers=2 timezone=Asia/Tokyo\n")
    }

    @Test func checkConfigAndServeReportEveryProblem() async throws {
        let config = try DaemonTestEnvironment.copyOfConfig()
        let tenant = config + "/tenants/demo.json"
        var text = try String(contentsOfFile: tenant, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"timezone\": \"Asia/Tokyo\"", with: "\"timezone\": \"Asia/Tokio\"")
        text = text.replacingOccurrences(of: "\"retention_days\"", with: "\"retention_dayz\"")
        try text.write(toFile: tenant, atomically: true, encoding: .utf8)
        let check = try await ProcessRunner.run(kawan, ["check-config", "--localization", DaemonTestEnvironment.localizationDirectory, "--config", config])
        #expect(check.status == 1)
        let lines = check.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("tenants/demo.json:") && $0.contains("timezone:") && $0.contains("Asia/Tokio") })
        #expect(lines.contains { $0.contains("retention_dayz: unknown key (did you mean \"retention_days\"?)") })
        let serve = try await ProcessRunner.run(kawan, ["serve", "--localization", DaemonTestEnvironment.localizationDirectory, "--config", config, "--listen", "127.0.0.1:0",
                                                        "--db", DaemonTestEnvironment.workDirectory() + "/k.sqlite"])
        #expect(serve.status == 1)
        for line in lines { #expect(serve.stderr.contains(line)) }
        #expect(serve.stderr.contains("refusing to start"))
    }

    @Test func anAnswerOverrideNamingAnUndefinedPlaceholderIsRefusedAtLoad() async throws {
        let config = try DaemonTestEnvironment.copyOfConfig()
        let tenantPath = config + "/tenants/demo.json"
        var tenant = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tenantPath))) as! [String: Any]
        tenant["answers"] = ["en": ["intents.wage_unpaid": ["sms": "Call the union at {union_phone}."]]]
        try JSONSerialization.data(withJSONObject: tenant, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: tenantPath))
        let check = try await ProcessRunner.run(kawan, ["check-config", "--localization", DaemonTestEnvironment.localizationDirectory, "--config", config])
        #expect(check.status == 1)
        #expect(check.stdout.contains("answers.en.intents.wage_unpaid.sms: uses {union_phone}, which the tenant's placeholders do not define"))
        let serve = try await ProcessRunner.run(kawan, ["serve", "--localization", DaemonTestEnvironment.localizationDirectory,
                                                        "--config", config, "--listen", "127.0.0.1:0",
                                                        "--db", DaemonTestEnvironment.workDirectory() + "/k.sqlite"])
        #expect(serve.status == 1)
        #expect(serve.stderr.contains("uses {union_phone}"))
    }

    @Test func sighupReloadsAValidConfigurationAndKeepsTheOldOneOnErrors() async throws {
        let config = try DaemonTestEnvironment.copyOfConfig()
        let daemon = try DaemonProcess(arguments: ["serve", "--localization", DaemonTestEnvironment.localizationDirectory, "--config", config, "--listen", "127.0.0.1:0",
                                                   "--db", DaemonTestEnvironment.workDirectory() + "/k.sqlite"])
        defer { daemon.terminate() }
        let port = try #require(await daemon.waitForPort())
        #expect(daemon.logLines.contains { $0.contains("event=daemon.ready") && $0.contains("tenants=1") })

        // A second tenant, valid: the reload takes it.
        var second = try String(contentsOfFile: config + "/tenants/demo.json", encoding: .utf8)
        second = second.replacingOccurrences(of: "\"id\": \"demo\"", with: "\"id\": \"osaka\"")
        // Caseworker token digests must be unique across tenants: drop them from the copy.
        second = try Self.removingCaseworkers(second)
        try second.write(toFile: config + "/tenants/osaka.json", atomically: true, encoding: .utf8)
        daemon.send(signal: SIGHUP)
        #expect(await daemon.waitForLog("event=config.reloaded tenants=2") != nil)
        var metrics = try await Self.get(port, "/metrics")
        #expect(metrics.text.contains("kawan_config_last_reload_success 1"))
        #expect(metrics.text.contains(#"kawan_config_reloads_total{result="success"} 1"#))

        // Broken JSON: refused, every problem logged, old configuration kept, still ready.
        try "{ \"id\": ".write(toFile: config + "/tenants/osaka.json", atomically: true, encoding: .utf8)
        daemon.send(signal: SIGHUP)
        #expect(await daemon.waitForLog("event=config.reload_failed problems=1") != nil)
        #expect(await daemon.waitForLog("event=config.problem problem=\"tenants/osaka.json:1:") != nil)
        metrics = try await Self.get(port, "/metrics")
        #expect(metrics.text.contains("kawan_config_last_reload_success 0"))
        #expect(metrics.text.contains(#"kawan_config_reloads_total{result="failure"} 1"#))
        #expect(try await Self.get(port, "/readyz").status == 200)
        daemon.send(signal: SIGTERM)
        #expect(await daemon.waitForExit(timeout: 30) == 0)
    }

    @Test(.enabled(if: ProcessRunner.which("python3") != nil, "python3 is not installed"))
    func readyzIs503WhileTheDatabaseCannotBeWritten() async throws {
        let work = DaemonTestEnvironment.workDirectory()
        let database = work + "/k.sqlite"
        let daemon = try DaemonProcess(arguments: ["serve", "--localization", DaemonTestEnvironment.localizationDirectory, "--config", DaemonTestEnvironment.configDirectory,
                                                   "--listen", "127.0.0.1:0", "--db", database])
        defer { daemon.terminate() }
        let port = try #require(await daemon.waitForPort())
        #expect(try await Self.get(port, "/readyz").status == 200)
        // Another process takes the write lock and holds it until told to let go.
        let locker = try ChildProcess(ProcessRunner.which("python3")!, ["-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            sys.stdin.readline()
            c.execute("ROLLBACK")
            """, database], input: .pipe)
        defer { locker.kill() }
        _ = try await offPool { PipeIO.readChunk(locker.standardOutput) }
        let blocked = try await Self.get(port, "/readyz", timeout: 30)
        #expect(blocked.status == 503)
        #expect(blocked.text.hasPrefix("not ready: database: cannot be written"))
        locker.write(Array("release\n".utf8))
        #expect(await locker.waitForExit(timeout: 30) == .exited(0))
        #expect(try await Self.get(port, "/readyz").status == 200)
    }

    @Test(.enabled(if: ProcessRunner.which("python3") != nil, "python3 is not installed"))
    func backupCopiesTheLiveDatabase() async throws {
        let work = DaemonTestEnvironment.workDirectory()
        let daemon = try DaemonProcess(arguments: ["serve", "--localization", DaemonTestEnvironment.localizationDirectory, "--config", DaemonTestEnvironment.configDirectory,
                                                   "--listen", "127.0.0.1:0", "--db", work + "/k.sqlite"])
        defer { daemon.terminate() }
        _ = try #require(await daemon.waitForPort())
        let result = try await ProcessRunner.run(kawan, ["backup", work + "/copy.sqlite", "--db", work + "/k.sqlite"])
        #expect(result.status == 0)
        let check = try await ProcessRunner.run(ProcessRunner.which("python3")!, ["-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            print(c.execute("PRAGMA user_version").fetchone()[0], c.execute("PRAGMA integrity_check").fetchone()[0],
                  ",".join(r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")))
            """, work + "/copy.sqlite"])
        #expect(check.stdout.hasPrefix("\(Database.schemaVersion) ok "))
        #expect(check.stdout.contains("messages") && check.stdout.contains("escalations") && check.stdout.contains("outbox"))
        let missing = try await ProcessRunner.run(kawan, ["backup", work + "/x.sqlite", "--db", work + "/absent.sqlite"])
        #expect(missing.status == 1 && missing.stderr.contains("no database at"))
    }

    static func get(_ port: UInt16, _ path: String, timeout: Double = 5) async throws -> RawHTTPClient.Response {
        try await offPool {
            let client = try RawHTTPClient(port: port, timeout: timeout)
            try client.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse()
        }
    }

    static func removingCaseworkers(_ json: String) throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        object["caseworkers"] = []
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
