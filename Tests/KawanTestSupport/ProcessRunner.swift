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
    /// `status` is the exit code, or 128 + the signal that ended the child.
    public static func run(_ executable: String, _ arguments: [String], input: [UInt8] = [],
                           environment: [String: String]? = nil, currentDirectory: String? = nil) async throws -> Result {
        try await offPool {
            let child = try ChildProcess(executable, arguments, environment: environment, currentDirectory: currentDirectory,
                                         input: .pipe, output: .pipe, errors: .pipe)
            // Input, standard output and standard error move at once, so a
            // child that writes a lot before reading cannot deadlock us.
            Thread {
                child.write(input)
                child.closeInput()
            }.start()
            let errorText = Mutex<[UInt8]>([])
            let errorsDone = DispatchSemaphore(value: 0)
            Thread {
                errorText.withLock { $0 = PipeIO.readToEnd(child.standardError) }
                errorsDone.signal()
            }.start()
            let out = PipeIO.readToEnd(child.standardOutput)
            errorsDone.wait()
            let err = errorText.withLock { $0 }
            let ended = child.waitUntilExit()
            return Result(status: ended.status, stdout: String(decoding: out, as: UTF8.self),
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
