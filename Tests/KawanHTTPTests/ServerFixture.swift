import Foundation
import KawanCore
import KawanHTTP
import KawanTestSupport
import Synchronization

/// A live server on an ephemeral loopback port with a few test routes, and
/// a count of handler calls (to prove refused requests reach no handler).
final class ServerFixture: Sendable {
    let server: HTTPServer
    let metrics = MetricsRegistry()
    let logSink = MemoryLogSink()
    let handlerCalls = CallCounter()

    init(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, ioThreads: 2)
        configure(&configuration)
        var router = Router()
        let calls = handlerCalls
        router.add("GET", "/hello", .immediate { _ in
            calls.increment()
            return .text("hello\n")
        })
        router.add("POST", "/echo", .async { request in
            calls.increment()
            var response = HTTPResponse(status: .ok, body: request.body)
            response.headers.add("Content-Type", "application/octet-stream")
            response.headers.add("X-Route", request.routeTemplate)
            return response
        })
        router.add("GET", "/slow/{ms}", .async { request in
            calls.increment()
            let milliseconds = UInt64(request.pathParameters["ms"] ?? "0") ?? 0
            try? await Task.sleep(nanoseconds: milliseconds * 1_000_000)
            return .text("slept \(milliseconds)\n")
        })
        server = HTTPServer(configuration: configuration, router: router,
                            logger: Logger(level: .info, sink: logSink), metrics: metrics)
        try server.start()
    }

    var port: UInt16 { server.port }
    var calls: Int { handlerCalls.value }

    func client(timeout: Double = 5) throws -> RawHTTPClient { try RawHTTPClient(port: port, timeout: timeout) }

    /// One request on a fresh connection; returns the response.
    func exchange(_ raw: String) async throws -> RawHTTPClient.Response {
        let port = self.port
        return try await offPool {
            let client = try RawHTTPClient(port: port)
            try client.send(raw)
            return try client.readResponse()
        }
    }

    func stop() async { await server.shutdown() }
}

/// Counts handler invocations across threads.
final class CallCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
