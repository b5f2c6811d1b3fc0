import Foundation
import Synchronization

/// Runs real child processes for tests (curl, python3, the kawan binary).
public enum ProcessRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The absolute path of an executable on PATH, or nil.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs to completion, feeding `input` on stdin, and collects the output.
    public static func run(_ executable: String, _ arguments: [String], input: [UInt8] = [],
                           environment: [String: String]? = nil, currentDirectory: String? = nil) async throws -> Result {
        try await offPool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if let environment { process.environment = environment }
            if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
            let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            // Input, standard output and standard error move at once, so a
            // child that writes a lot before reading cannot deadlock us.
            let writer = Thread {
                PipeIO.writeAll(stdin.fileHandleForWriting, input)
                try? stdin.fileHandleForWriting.close()
            }
            writer.start()
            let errorText = Mutex<[UInt8]>([])
            let errorsDone = DispatchSemaphore(value: 0)
            Thread {
                errorText.withLock { $0 = PipeIO.readToEnd(stderr.fileHandleForReading) }
                errorsDone.signal()
            }.start()
            let out = PipeIO.readToEnd(stdout.fileHandleForReading)
            errorsDone.wait()
            let err = errorText.withLock { $0 }
            process.waitUntilExit()
            return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                          stderr: String(decoding: err, as: UTF8.self))
        }
    }

    /// The directory holding the built products (`kawan`, test bundles),
    /// found from the running test binary's path.
    public static func productsDirectory() -> URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("kawan").path) { return url }
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }
}
