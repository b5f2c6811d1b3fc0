import Foundation
import KawanConfig
import KawanDaemon
import KawanTestSupport
import Testing

@Suite struct ConfigurationHolderTests {
    /// Two configurations that differ in every tenant field a request
    /// might read; readers racing a stream of swaps must always see one of
    /// them whole.
    @Test func readersNeverSeeHalfOfTwoConfigurations() async throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config").path
        let base = try ConfigurationLoader.load(directory: directory)
        let tenant = try #require(base.tenants.first)
        let other = TenantConfiguration(
            id: tenant.id, name: "Other Hotline", defaultLanguage: tenant.defaultLanguage, languages: tenant.languages,
            officeHours: tenant.officeHours, retentionDays: tenant.retentionDays + 1, alertWebhook: nil,
            escalateIntents: [:], claimLeaseMinutes: tenant.claimLeaseMinutes, channels: Array(tenant.channels.prefix(2)),
            caseworkers: [], placeholders: tenant.placeholders)
        let a = base
        let b = KawanConfiguration(directory: base.directory, gateway: base.gateway, tenants: [other])
        let holder = ConfigurationHolder(a)

        let swaps = Task.detached {
            for index in 0..<20_000 { holder.replace(with: index % 2 == 0 ? b : a) }
        }
        let mixed = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var mixed = 0
                    for _ in 0..<20_000 {
                        let seen = holder.snapshot.tenants[0]
                        let isA = seen.name == tenant.name && seen.retentionDays == tenant.retentionDays
                            && seen.channels.count == tenant.channels.count
                        let isB = seen.name == "Other Hotline" && seen.retentionDays == tenant.retentionDays + 1
                            && seen.channels.count == 2
                        if !(isA || isB) { mixed += 1 }
                    }
                    return mixed
                }
            }
            return await group.reduce(0, +)
        }
        await swaps.value
        #expect(mixed == 0)
    }
}

@Suite struct SystemdUnitTests {
    static let unitPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("systemd/kawan.service").path

    @Test func unitIsNotifyTypeAndHardened() throws {
        let text = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
        let lines = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        for required in ["Type=notify", "DynamicUser=yes", "StateDirectory=kawan", "ConfigurationDirectory=kawan",
                         "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes",
                         "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "SystemCallFilter=@system-service",
                         "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID"] {
            #expect(lines.contains(required), "missing \(required)")
        }
        #expect(text.contains("LoadCredential="))
        #expect(lines.contains { $0.hasPrefix("WatchdogSec=") })
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd-analyze is not installed"))
    func systemdAnalyzeVerifiesTheUnit() async throws {
        let kawan = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var binary = kawan
        while binary.path != "/" && !FileManager.default.isExecutableFile(atPath: binary.appendingPathComponent("kawan").path) {
            binary.deleteLastPathComponent()
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let unit = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/kawan", with: binary.appendingPathComponent("kawan").path)
        let copy = directory.appendingPathComponent("kawan.service")
        try unit.write(to: copy, atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run("/usr/bin/systemd-analyze", ["verify", copy.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
