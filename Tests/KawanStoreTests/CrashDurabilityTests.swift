import Foundation
import KawanStore
import KawanTestSupport
import Testing

/// kill -9 in the middle of concurrent writes: every write whose `write`
/// call returned (and was printed as `ACK <id>`) must be in the file.
@Suite struct CrashDurabilityTests {
    @Test(.timeLimit(.minutes(2))) func acknowledgedWritesSurviveSIGKILL() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/kawan.db"
            let probe = try Self.probeExecutable()
            let run = try await offPool { try Self.runAndKill(probe, database: path) }
            #expect(run.killedBySignal, "the probe exited by itself: \(run.errors)")
            #expect(run.ready, "the probe never opened the database: \(run.errors)")
            let acknowledged = run.acknowledged
            #expect(acknowledged.count >= 200, "the probe acknowledged only \(acknowledged.count) writes")

            let database = try openDatabase(path)
            let stored = try await database.read { connection in
                Set(try connection.query("SELECT id FROM messages").compactMap { $0["id"].int64 })
            }
            let missing = acknowledged.subtracting(stored)
            #expect(missing.isEmpty, "\(missing.count) of \(acknowledged.count) acknowledged writes were lost")
            #expect(try await database.read { try $0.queryValue("PRAGMA integrity_check") } == "ok")
            await database.close()
        }
    }

    /// Starts the probe, collects ACK lines for at least a second, kills it
    /// with SIGKILL and returns every id it acknowledged before dying.
    struct ProbeRun: Sendable {
        var acknowledged: Set<Int64>
        var ready: Bool
        var killedBySignal: Bool
        var errors: String
    }

    static func runAndKill(_ probe: URL, database: String) throws -> ProbeRun {
        let child = try ChildProcess(probe.path, ["crash", "--db", database, "--writers", "16"])
        var text = ""
        let started = Date()
        var killed = false
        var lines = 0
        while true {
            let chunk = PipeIO.readChunk(child.standardOutput)
            if chunk.isEmpty { break }  // EOF: the probe is gone.
            text += String(decoding: chunk, as: UTF8.self)
            lines += chunk.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            let elapsed = Date().timeIntervalSince(started)
            if !killed, (elapsed > 1.5 && lines > 400) || elapsed > 30 {
                child.signal(SIGKILL)
                killed = true
            }
        }
        let ended = child.waitUntilExit()
        let stderr = String(decoding: PipeIO.readToEnd(child.standardError), as: UTF8.self)
        // Only whole lines count: each was written with a single write(2).
        var ids = Set<Int64>()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.hasPrefix("ACK ") {
            if let id = Int64(line.dropFirst(4)) { ids.insert(id) }
        }
        return ProbeRun(acknowledged: ids, ready: text.hasPrefix("READY\n"),
                        killedBySignal: ended == .signalled(SIGKILL),
                        errors: stderr)
    }

    /// The probe is built into the same products directory as this test
    /// binary (`.build/debug`, or a custom `--scratch-path`). Set
    /// `KAWAN_STORE_CRASH_PROBE` to point elsewhere.
    static func probeExecutable() throws -> URL {
        let fileManager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["KAWAN_STORE_CRASH_PROBE"] {
            return URL(fileURLWithPath: override)
        }
        var candidates: [URL] = []
        // Linux: the test binary itself; macOS: …/X.xctest/Contents/MacOS/X, so also walk up.
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        if !fileManager.fileExists(atPath: "/proc/self/exe") {
            directory = Bundle.main.bundleURL.deletingLastPathComponent()
        }
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("StoreCrashProbe")
            if fileManager.isExecutableFile(atPath: candidate.path) { return candidate }
            candidates.append(candidate)
            directory.deleteLastPathComponent()
        }
        // Fallback: the newest probe in any build directory of this package.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let builds = (try? fileManager.contentsOfDirectory(atPath: packageRoot.path))?.filter { $0.hasPrefix(".build") } ?? []
        for build in builds {
            let buildURL = packageRoot.appendingPathComponent(build)
            candidates.append(buildURL.appendingPathComponent("debug/StoreCrashProbe"))
            for triple in (try? fileManager.contentsOfDirectory(atPath: buildURL.path)) ?? [] {
                candidates.append(buildURL.appendingPathComponent(triple).appendingPathComponent("debug/StoreCrashProbe"))
            }
        }
        let found = candidates.filter { fileManager.isExecutableFile(atPath: $0.path) }
        let newest = found.max { modificationDate($0) < modificationDate($1) }
        guard let newest else {
            throw ProbeNotFound(searched: candidates.map(\.path))
        }
        return newest
    }

    static func modificationDate(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }

    struct ProbeNotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "StoreCrashProbe executable not found (build it with the tests, or set KAWAN_STORE_CRASH_PROBE); looked at: "
                + searched.joined(separator: ", ")
        }
    }
}
