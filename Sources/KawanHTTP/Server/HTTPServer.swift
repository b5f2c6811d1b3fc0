import Dispatch
import Foundation
import Glibc
public import KawanCore
import Synchronization

/// Kawan's HTTP/1.1 server: strict parsing, keep-alive, limits and
/// timeouts on every wait, graceful drain. Built on non-blocking sockets
/// and epoll, one event loop per I/O thread.
///
/// ```swift
/// let server = HTTPServer(configuration: config, router: router, logger: logger, metrics: registry)
/// try server.start()          // binds and starts the loops
/// await server.shutdown()     // stop accepting, finish in-flight requests
/// ```
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let shared: ServerShared
    private let state = Mutex<State>(State())
    private let stopped = DispatchGroup()

    private struct State {
        var loops: [EventLoop] = []
        var port: UInt16 = 0
        var started = false
        var draining = false
    }

    public init(configuration: HTTPServerConfiguration, router: Router, logger: Logger,
                metrics: MetricsRegistry, accessLog: Bool = true) {
        self.configuration = configuration
        shared = ServerShared(configuration: configuration, router: router, logger: logger,
                              metrics: HTTPServerMetrics(registry: metrics), accessLog: accessLog)
    }

    /// Binds the listening sockets and starts the I/O threads. Returns once
    /// the port accepts connections.
    public func start() throws {
        let threads = configuration.ioThreads > 0 ? configuration.ioThreads : max(1, ProcessInfo.processInfo.activeProcessorCount)
        var loops: [EventLoop] = []
        var port = configuration.port
        do {
            for _ in 0..<threads {
                let fd = try SocketAddress.listen(host: configuration.host, port: port, backlog: configuration.backlog)
                if port == 0 { port = SocketAddress.localPort(fd) }
                do {
                    loops.append(try EventLoop(shared: shared, listenFD: fd))
                } catch {
                    close(fd)
                    throw error
                }
            }
        } catch {
            for loop in loops { loop.post(.drain(graceSeconds: 0)); startThread(loop) }
            throw error
        }
        state.withLock {
            $0.loops = loops
            $0.port = port
            $0.started = true
        }
        for loop in loops { startThread(loop) }
    }

    private func startThread(_ loop: EventLoop) {
        stopped.enter()
        let group = stopped
        let thread = Thread {
            loop.run()
            group.leave()
        }
        thread.name = "kawan-http"
        thread.start()
    }

    /// The bound port (useful when the configuration asked for port 0).
    public var port: UInt16 { state.withLock { $0.port } }

    /// Open client connections right now.
    public var connectionCount: Int { shared.connectionCount }

    /// Stops accepting, closes idle connections, lets in-flight requests
    /// finish (their responses carry `Connection: close`) and returns when
    /// every connection is closed or `shutdownGrace` has passed.
    public func shutdown() async {
        beginShutdown()
        await waitUntilStopped()
    }

    /// Starts the drain without waiting for it.
    public func beginShutdown() {
        let loops = state.withLock { state -> [EventLoop] in
            guard !state.draining else { return [] }
            state.draining = true
            return state.loops
        }
        for loop in loops { loop.post(.drain(graceSeconds: configuration.shutdownGrace)) }
    }

    /// Returns when every I/O thread has exited.
    public func waitUntilStopped() async {
        let group = stopped
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            group.notify(queue: .global()) { continuation.resume() }
        }
    }
}
