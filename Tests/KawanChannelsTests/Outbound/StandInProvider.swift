import Foundation
import KawanCore
import KawanHTTP
import Synchronization

/// A provider API stand-in on a loopback port: every provider path Kawan
/// calls, answered from a per-test script, every request recorded.
final class StandInProvider: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: String = ""
        /// How long to wait before answering (to provoke timeouts).
        var delay: Duration = .zero
    }

    struct Recorded: Sendable {
        var path: String
        var headers: HTTPHeaders
        var body: [UInt8]
        var at: ContinuousClock.Instant

        func header(_ name: String) -> String? { headers[name] }
        var form: [String: String] {
            Dictionary(HTTPRequest.decodeForm(String(decoding: body, as: UTF8.self)).map { ($0.name, $0.value) },
                       uniquingKeysWith: { first, _ in first })
        }
    }

    private struct State {
        var script: [Reply] = []
        var recorded: [Recorded] = []
        var accepted = 0
    }

    private final class Box: Sendable {
        let state = Mutex(State())
    }

    private let box = Box()
    let server: HTTPServer

    /// `success(n)` answers the n-th accepted request (1-based) when the
    /// script is used up: a provider's success shape with a unique id.
    init(success: @escaping @Sendable (Int) -> Reply = StandInProvider.twilioSuccess) throws {
        var router = Router()
        let paths = ["/2010-04-01/Accounts/{sid}/Messages.json", "/sms/json", "/v2/bot/message/reply",
                     "/v2/bot/message/push", "/{phone}/messages", "/{bot}/sendMessage"]
        let server: HTTPServer
        let box = self.box
        for path in paths {
            router.post(path) { request in
                let reply = box.state.withLock { state -> Reply in
                    state.recorded.append(Recorded(path: request.path, headers: request.headers, body: request.body,
                                                   at: .now))
                    if !state.script.isEmpty { return state.script.removeFirst() }
                    state.accepted += 1
                    return success(state.accepted)
                }
                if reply.delay > .zero { try? await Task.sleep(for: reply.delay) }
                var headers = HTTPHeaders()
                headers.add("Content-Type", "application/json")
                for (name, value) in reply.headers { headers.add(name, value) }
                return HTTPResponse(status: HTTPStatus(reply.status), headers: headers, body: Array(reply.body.utf8))
            }
        }
        server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, ioThreads: 1),
                            router: router, logger: Logger(level: .error, sink: MemoryLogSink()), metrics: MetricsRegistry())
        try server.start()
        self.server = server
    }

    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    /// Answers the next requests with these replies, in order.
    func script(_ replies: [Reply]) { box.state.withLock { $0.script.append(contentsOf: replies) } }

    var requests: [Recorded] { box.state.withLock { $0.recorded } }

    /// Success answers given (the script's 2xx replies not included).
    var accepted: Int { box.state.withLock { $0.accepted } }

    func stop() async { await server.shutdown() }

    static let twilioSuccess: @Sendable (Int) -> Reply = { n in
        Reply(status: 201, body: #"{"sid": "SM\#(n)", "status": "accepted"}"#)
    }
    static let lineSuccess: @Sendable (Int) -> Reply = { n in
        Reply(status: 200, body: #"{"sentMessages":[{"id":"60000\#(n)","quoteToken":"q"}]}"#)
    }
}
