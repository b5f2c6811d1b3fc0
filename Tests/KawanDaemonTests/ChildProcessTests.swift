import Foundation
import Glibc
import KawanTestSupport
import Testing

/// The tests' own process spawner (Foundation's `Process` crashed the test
/// process now and then): what a child starts with and how its end is reported.
@Suite struct ChildProcessTests {
    static let python = ProcessRunner.which("python3")

    @Test(.enabled(if: python != nil, "python3 is not installed"))
    func childStartsWithOnlyItsStandardDescriptorsAndNoBlockedSignals() async throws {
        // A descriptor the test process holds without close-on-exec must not leak into the child.
        let leaked = open("/dev/null", O_RDONLY)
        #expect(leaked > 2)
        defer { close(leaked) }
        let result = try await ProcessRunner.run(Self.python!, ["-c", """
            import os
            print(sorted(int(fd) for fd in os.listdir("/proc/self/fd")))
            """])
        #expect(result.status == 0, "\(result.stderr)")
        // The listing's own descriptor is the fourth one python sees.
        #expect(result.stdout == "[0, 1, 2, 3]\n")

        // The test process ignores SIGPIPE and its pool threads block
        // SIGTERM; an ignored signal stays ignored across exec, so grep's
        // own status shows what the child was given: none of the standard
        // signals (1-31) blocked or ignored (glibc keeps two of its own
        // real-time signals, 32 and 33, ignored).
        let status = try await ProcessRunner.run("/bin/grep", ["-E", "^Sig(Blk|Ign):", "/proc/self/status"])
        let masks = status.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: "\t").last.flatMap { UInt64($0, radix: 16) }
        }
        #expect(masks.count == 2, "\(status.stdout)")
        for mask in masks { #expect(mask & 0x7FFF_FFFF == 0, "\(status.stdout)") }
    }

    @Test func exitCodesSignalsInputAndDirectory() async throws {
        let echo = try await ProcessRunner.run("/bin/sh", ["-c", "cat; pwd; exit 7"], input: Array("hello\n".utf8),
                                               currentDirectory: "/tmp")
        #expect(echo.status == 7)
        #expect(echo.stdout == "hello\n/tmp\n")

        let sleeper = try ChildProcess("/bin/sleep", ["30"])
        #expect(sleeper.isRunning)
        sleeper.signal(SIGTERM)
        #expect(await sleeper.waitForExit(timeout: 10) == .signalled(SIGTERM))
        #expect(sleeper.poll()?.status == 128 + SIGTERM)

        #expect(throws: ChildProcess.SpawnError.self) {
            _ = try ChildProcess("/nonexistent/kawan-test-binary", [])
        }
    }
}
