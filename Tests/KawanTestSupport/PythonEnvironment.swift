import Foundation

/// The Python virtual environment `Scripts/python-venv.sh` creates under the
/// build folder, holding the providers' official SDKs (`twilio`,
/// `line-bot-sdk`, `vonage`) for interoperability tests.
public enum PythonEnvironment {
    /// `<package root>/.build/python-venv/bin/python`.
    public static let interpreterPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/python-venv/bin/python").path

    /// The interpreter's path when it exists and can import every module in
    /// `modules`; nil otherwise, so tests can be skipped with a message.
    public static func interpreter(importing modules: [String]) async -> String? {
        guard FileManager.default.isExecutableFile(atPath: interpreterPath) else { return nil }
        let imports = modules.map { "import \($0)" }.joined(separator: "; ")
        guard let result = try? await ProcessRunner.run(interpreterPath, ["-c", imports]), result.status == 0 else { return nil }
        return interpreterPath
    }

    /// Runs `script` with the interpreter, `input` on stdin; fails with the
    /// script's stderr when it exits non-zero.
    public static func run(_ script: String, input: [UInt8]) async throws -> String {
        let result = try await ProcessRunner.run(interpreterPath, ["-c", script], input: input)
        guard result.status == 0 else { throw ScriptFailure(status: result.status, stderr: result.stderr) }
        return result.stdout
    }

    public struct ScriptFailure: Error, CustomStringConvertible {
        public var status: Int32
        public var stderr: String
        public var description: String { "python exited with \(status): \(stderr)" }
    }

    /// What a skipped test prints.
    public static let missingMessage = "Python SDKs not installed: run Scripts/python-venv.sh to create .build/python-venv"
}
