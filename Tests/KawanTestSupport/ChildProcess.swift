import CLinux
import Glibc
import Synchronization

/// A child process started with `posix_spawn`, for tests that run real
/// programs (the kawan binary, python3, openssl, curl).
///
/// Foundation's `Process` is not used: on Linux its `run()` scans
/// `/proc/self/fd` copying a fixed 256 bytes of each directory entry, and
/// when the last entry sits at the end of a mapped page the whole test
/// process dies with SIGSEGV (swift-corelibs-foundation issue 5472; seen
/// here as a crash in about one full test run in ten). Spawning directly
/// also lets the child start with an empty signal mask and default
/// handlers (Foundation passed on the test thread's mask, where SIGTERM is
/// blocked) and with only its three standard descriptors open.
public final class ChildProcess: Sendable {
    /// What one of the child's standard descriptors is connected to.
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// A pipe whose other end the test holds.
        case pipe
    }

    /// How the child ended.
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)

        /// The exit code, or 128 + the signal number as shells report it.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var step: String
        public var code: Int32
        public var description: String { "cannot start \(executable): \(step): \(String(cString: strerror(code)))" }
    }

    /// A child that exits before reading its input must not kill the
    /// test process with SIGPIPE; children get default handlers again.
    private static let brokenPipesIgnored: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    public let pid: pid_t
    /// The test's end of the child's standard output, or -1 unless `.pipe`.
    public let standardOutput: Int32
    /// The test's end of the child's standard error, or -1 unless `.pipe`.
    public let standardError: Int32
    /// The test's end of the child's standard input (-1 once closed or unless `.pipe`).
    private let standardInput: Mutex<Int32>
    private let termination = Mutex<Termination?>(nil)

    /// Starts `executable` (an absolute path) with `arguments`. `environment`
    /// nil passes on the test process's own.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                currentDirectory: String? = nil, input: Stream = .null, output: Stream = .pipe,
                errors: Stream = .pipe) throws {
        _ = Self.brokenPipesIgnored
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var ours: [Int32] = []  // the test's ends, closed again if spawning fails
        var theirs: [Int32] = []  // the child's ends, closed in the parent after spawning
        defer { for fd in theirs { close(fd) } }
        func connect(_ stream: Stream, to target: Int32, childReads: Bool) throws -> Int32 {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", childReads ? O_RDONLY : O_WRONLY, 0)
                return -1
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard pipe2(&ends, O_CLOEXEC) == 0 else {
                    throw SpawnError(executable: executable, step: "pipe2", code: errno)
                }
                let (child, parent) = childReads ? (ends[0], ends[1]) : (ends[1], ends[0])
                theirs.append(child)
                ours.append(parent)
                // dup2 onto 0, 1 or 2 clears close-on-exec for the child's copy.
                posix_spawn_file_actions_adddup2(&actions, child, target)
                return parent
            }
        }
        do {
            let inputEnd = try connect(input, to: 0, childReads: true)
            let outputEnd = try connect(output, to: 1, childReads: false)
            let errorEnd = try connect(errors, to: 2, childReads: false)
            posix_spawn_file_actions_addclosefrom_np(&actions, 3)
            if let currentDirectory { posix_spawn_file_actions_addchdir_np(&actions, currentDirectory) }

            var noSignals = sigset_t()
            sigemptyset(&noSignals)
            posix_spawnattr_setsigmask(&attributes, &noSignals)
            var everySignal = sigset_t()
            sigfillset(&everySignal)
            posix_spawnattr_setsigdefault(&attributes, &everySignal)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

            let argv = ([executable] + arguments).map { strdup($0) }
            defer { for pointer in argv { free(pointer) } }
            let variables = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } }
            defer { for pointer in variables ?? [] { free(pointer) } }

            var child: pid_t = 0
            let code = (argv + [nil]).withUnsafeBufferPointer { arguments in
                if let variables {
                    return (variables + [nil]).withUnsafeBufferPointer { environment in
                        posix_spawn(&child, executable, &actions, &attributes,
                                    UnsafeMutablePointer(mutating: arguments.baseAddress!),
                                    UnsafeMutablePointer(mutating: environment.baseAddress!))
                    }
                }
                return posix_spawn(&child, executable, &actions, &attributes,
                                   UnsafeMutablePointer(mutating: arguments.baseAddress!), environ)
            }
            guard code == 0 else { throw SpawnError(executable: executable, step: "posix_spawn", code: code) }
            pid = child
            standardInput = Mutex(inputEnd)
            standardOutput = outputEnd
            standardError = errorEnd
        } catch {
            for fd in ours { close(fd) }
            throw error
        }
    }

    deinit {
        standardInput.withLock { if $0 >= 0 { close($0) } }
        if standardOutput >= 0 { close(standardOutput) }
        if standardError >= 0 { close(standardError) }
    }

    /// Writes every byte to the child's standard input (quietly stops if
    /// the child closed it or the test already did).
    public func write(_ bytes: [UInt8]) {
        standardInput.withLock { fd in
            if fd >= 0 { PipeIO.writeAll(fd, bytes) }
        }
    }

    /// Closes the child's standard input: it reads end of file.
    public func closeInput() {
        standardInput.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    public func signal(_ signal: Int32) {
        if poll() == nil { Glibc.kill(pid, signal) }
    }

    /// How the child ended, or nil while it runs. Never blocks.
    public func poll() -> Termination? {
        termination.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            var reaped: pid_t
            repeat { reaped = waitpid(pid, &status, WNOHANG) } while reaped < 0 && errno == EINTR
            guard reaped == pid else { return nil }
            let signal = status & 0x7F
            known = signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
            return known
        }
    }

    public var isRunning: Bool { poll() == nil }

    /// Blocks the calling thread until the child ends: call it from a
    /// thread of its own or through `offPool`, never on the cooperative pool.
    public func waitUntilExit() -> Termination {
        while true {
            if let ended = poll() { return ended }
            usleep(2_000)
        }
    }

    /// Waits without holding a cooperative thread; nil if still running after `timeout` seconds.
    public func waitForExit(timeout: Double) async -> Termination? {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if let ended = poll() { return ended }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return poll()
    }

    /// SIGKILL if still running, then reaps it.
    public func kill() {
        signal(SIGKILL)
        _ = waitUntilExit()
    }
}
