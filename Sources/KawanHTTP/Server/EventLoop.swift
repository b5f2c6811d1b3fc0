internal import CLinux
import Foundation
import Glibc
import KawanCore
import Synchronization

/// One I/O thread: a level-triggered epoll loop owning a listening socket
/// (SO_REUSEPORT) and the connections it accepted. Idle connections cost
/// one epoll registration and no thread; handlers that are `async` run as
/// tasks and hand their response back through the loop's mailbox.
final class EventLoop: @unchecked Sendable {
    enum Message: Sendable {
        case completion(connectionID: UInt64, fd: Int32, response: HTTPResponse)
        case drain(graceSeconds: Double)
    }

    private let shared: ServerShared
    private let epollFD: Int32
    private let wakeFD: Int32
    private var listenFD: Int32
    private var listenerRegistered = false
    private var acceptPausedUntil: UInt64 = 0
    private var connections: [Int32: Connection] = [:]
    private let mailbox = Mutex<[Message]>([])
    private var draining = false
    private var drainDeadline: UInt64 = 0
    private var nextScan: UInt64 = 0
    private let scanInterval: UInt64 = 100_000_000
    private var scratch = [UInt8](repeating: 0, count: 65536)
    private var dateSecond: Int = -1
    private var dateHeader: [UInt8] = []

    init(shared: ServerShared, listenFD: Int32) throws {
        self.shared = shared
        self.listenFD = listenFD
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw SocketError("epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            close(epollFD)
            throw SocketError("eventfd")
        }
        try register(wakeFD, events: EPOLLIN.rawValue)
        try register(listenFD, events: EPOLLIN.rawValue)
        listenerRegistered = true
    }

    /// Queues a message for the loop thread and wakes it.
    func post(_ message: Message) {
        mailbox.withLock { $0.append(message) }
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    /// The loop body; returns when the loop has drained after `drain`.
    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            let timeout: Int32 = draining ? 20 : 100
            let count = epoll_wait(epollFD, &events, Int32(events.count), timeout)
            if count < 0 && errno != EINTR { break }
            for index in 0..<max(0, Int(count)) {
                let event = events[index]
                let fd = event.data.fd
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    processMailbox()
                } else if fd == listenFD && listenerRegistered {
                    acceptConnections()
                } else if let connection = connections[fd] {
                    handle(connection, events: event.events)
                }
            }
            let now = monotonicNanos()
            if now >= nextScan {
                nextScan = now + scanInterval
                expireDeadlines(now)
                if !listenerRegistered && !draining && acceptPausedUntil != 0 && now >= acceptPausedUntil {
                    acceptPausedUntil = 0
                    if (try? register(listenFD, events: EPOLLIN.rawValue)) != nil { listenerRegistered = true }
                }
            }
            if draining {
                if connections.isEmpty { break }
                if now >= drainDeadline {
                    for connection in Array(connections.values) { closeConnection(connection) }
                    break
                }
            }
        }
        close(wakeFD)
        close(epollFD)
    }

    // MARK: - Mailbox

    private func processMailbox() {
        let messages = mailbox.withLock { list -> [Message] in
            let taken = list
            list.removeAll(keepingCapacity: true)
            return taken
        }
        for message in messages {
            switch message {
            case .completion(let id, let fd, let response):
                guard let connection = connections[fd], connection.id == id,
                      case .processing = connection.state else { continue }
                finish(connection, response)
            case .drain(let grace):
                startDraining(grace: grace)
            }
        }
    }

    private func startDraining(grace: Double) {
        guard !draining else { return }
        draining = true
        drainDeadline = monotonicNanos() + UInt64(max(0, grace) * 1e9)
        if listenerRegistered {
            epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, nil)
            listenerRegistered = false
        }
        if listenFD >= 0 {
            close(listenFD)
            listenFD = -1
        }
        for connection in Array(connections.values) {
            if case .awaitingHead = connection.state, connection.unconsumedCount == 0 {
                closeConnection(connection)
            }
        }
    }

    // MARK: - Accepting

    private func acceptConnections() {
        for _ in 0..<64 {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(listenFD, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EAGAIN: return
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: stop accepting for a
                    // moment instead of spinning on a readable listener.
                    shared.logger.warning("http.accept_paused", ["errno": .int(errno)])
                    epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, nil)
                    listenerRegistered = false
                    acceptPausedUntil = monotonicNanos() + 100_000_000
                    return
                default: return
                }
            }
            guard shared.reserveConnection() else {
                shared.metrics.connectionsRejected.increment()
                close(fd)
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let connection = Connection(id: shared.nextConnectionID(), fd: fd, remoteAddress: SocketAddress.describe(address))
            connection.deadlineKind = .header
            connection.deadline = monotonicNanos() + seconds(shared.configuration.headerTimeout)
            connections[fd] = connection
            setInterest(connection, EPOLLIN.rawValue)
        }
    }

    // MARK: - Events

    private func handle(_ connection: Connection, events: UInt32) {
        if events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 && events & EPOLLIN.rawValue == 0 {
            closeConnection(connection)
            return
        }
        if events & EPOLLOUT.rawValue != 0 {
            writeOutput(connection)
            guard connections[connection.fd] === connection else { return }
        }
        if events & EPOLLIN.rawValue != 0 {
            switch connection.state {
            case .awaitingHead, .readingBody, .readingChunked:
                readInput(connection)
            case .lingering:
                discardInput(connection)
            case .processing, .responding:
                break
            }
        }
    }

    private func readInput(_ connection: Connection) {
        var reads = 0
        while reads < 4 {
            let count = scratch.withUnsafeMutableBytes { read(connection.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                connection.input.append(contentsOf: scratch[0..<count])
                reads += 1
                if count < scratch.count { break }
            } else if count == 0 {
                connection.peerClosed = true
                break
            } else {
                if errno == EINTR { continue }
                if errno == EAGAIN { break }
                closeConnection(connection)
                return
            }
        }
        switch connection.state {
        case .readingBody, .readingChunked:
            connection.deadlineKind = .body
            connection.deadline = monotonicNanos() + seconds(shared.configuration.bodyTimeout)
        default: break
        }
        processInput(connection)
        guard connections[connection.fd] === connection, connection.peerClosed else { return }
        switch connection.state {
        case .awaitingHead:
            if connection.unconsumedCount == 0 {
                closeConnection(connection)
            } else {
                fail(connection, .badRequest("connection closed inside the request head"))
            }
        case .readingBody, .readingChunked:
            fail(connection, .badRequest("connection closed inside the request body"))
        default:
            break
        }
    }

    private func discardInput(_ connection: Connection) {
        while true {
            let count = scratch.withUnsafeMutableBytes { read(connection.fd, $0.baseAddress, $0.count) }
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == EAGAIN { return }
            closeConnection(connection)
            return
        }
    }

    /// Advances the connection's request as far as the buffered bytes allow.
    private func processInput(_ connection: Connection) {
        let configuration = shared.configuration
        connection.processingInput = true
        defer { connection.processingInput = false }
        while connections[connection.fd] === connection {
            switch connection.state {
            case .awaitingHead:
                guard connection.unconsumedCount > 0 else {
                    connection.compactInput()
                    return
                }
                if connection.deadlineKind == .idle {
                    connection.deadlineKind = .header
                    connection.deadline = monotonicNanos() + seconds(configuration.headerTimeout)
                }
                let outcome = connection.input.withUnsafeBufferPointer { buffer in
                    RequestHeadParser.parse(UnsafeBufferPointer(rebasing: buffer[connection.inputOffset...]),
                                            limits: configuration.parserLimits)
                }
                switch outcome {
                case .incomplete:
                    return
                case .failure(let error):
                    fail(connection, error)
                    return
                case .complete(let head, let consumed):
                    connection.inputOffset += consumed
                    connection.requestStart = monotonicNanos()
                    connection.requestMethod = head.method
                    connection.requestVersion = head.version
                    switch BodyFraming.of(head, maxBodyBytes: configuration.maxBodyBytes) {
                    case .failure(let error):
                        fail(connection, error)
                        return
                    case .success(.none):
                        dispatch(connection, head, body: [])
                    case .success(.length(let length)):
                        sendContinueIfExpected(connection, head)
                        connection.bodyBuffer = []
                        connection.bodyBuffer.reserveCapacity(length)
                        connection.state = .readingBody(head, expected: length)
                        connection.deadlineKind = .body
                        connection.deadline = monotonicNanos() + seconds(configuration.bodyTimeout)
                    case .success(.chunked):
                        sendContinueIfExpected(connection, head)
                        connection.chunkedDecoder = ChunkedDecoder(maxBodyBytes: configuration.maxBodyBytes,
                                                                   maxTrailerBytes: configuration.maxHeaderBytes)
                        connection.state = .readingChunked(head)
                        connection.deadlineKind = .body
                        connection.deadline = monotonicNanos() + seconds(configuration.bodyTimeout)
                    }
                }
            case .readingBody(let head, let expected):
                let needed = expected - connection.bodyBuffer.count
                let available = min(needed, connection.unconsumedCount)
                if available > 0 {
                    connection.bodyBuffer.append(contentsOf: connection.input[connection.inputOffset..<(connection.inputOffset + available)])
                    connection.inputOffset += available
                }
                guard connection.bodyBuffer.count == expected else {
                    connection.compactInput()
                    return
                }
                let body = connection.bodyBuffer
                connection.bodyBuffer = []
                dispatch(connection, head, body: body)
            case .readingChunked(let head):
                guard var decoder = connection.chunkedDecoder else { return }
                let (consumed, progress) = connection.input.withUnsafeBufferPointer { buffer in
                    decoder.feed(UnsafeBufferPointer(rebasing: buffer[connection.inputOffset...]))
                }
                connection.inputOffset += consumed
                connection.chunkedDecoder = decoder
                switch progress {
                case .needMore:
                    connection.compactInput()
                    return
                case .failure(let error):
                    fail(connection, error)
                    return
                case .done:
                    connection.chunkedDecoder = nil
                    dispatch(connection, head, body: decoder.body)
                }
            case .processing, .responding, .lingering:
                return
            }
        }
    }

    private func sendContinueIfExpected(_ connection: Connection, _ head: RequestHead) {
        guard head.version == .http11,
              head.headers.contains(where: { $0.name.caseInsensitiveEquals("expect") && $0.value.caseInsensitiveEquals("100-continue") }),
              connection.unconsumedCount == 0 else { return }
        connection.output.append(contentsOf: Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        writeOutput(connection)
    }

    // MARK: - Dispatch

    private func dispatch(_ connection: Connection, _ head: RequestHead, body: [UInt8]) {
        connection.state = .processing
        connection.deadlineKind = .none
        connection.isHead = head.method == "HEAD"
        connection.keepAlive = wantsKeepAlive(head) && !draining
        setInterest(connection, 0)
        let rawPath = head.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
        switch shared.router.match(method: head.method, path: rawPath) {
        case .notFound:
            connection.requestRoute = "unmatched"
            finish(connection, .error(.notFound))
        case .methodNotAllowed(let allowed, let template):
            connection.requestRoute = template
            var response = HTTPResponse.error(.methodNotAllowed)
            response.headers.add("Allow", allowed.joined(separator: ", "))
            finish(connection, response)
        case .found(let handler, let template, let parameters):
            connection.requestRoute = template
            var request = HTTPRequest(method: head.method, target: head.target, version: head.version,
                                      headers: HTTPHeaders(head.headers), body: body,
                                      remoteAddress: connection.remoteAddress)
            request.pathParameters = parameters
            request.routeTemplate = template
            switch handler {
            case .immediate(let respond):
                finish(connection, respond(request))
            case .async(let respond):
                let id = connection.id, fd = connection.fd
                Task { [self] in
                    let response = await respond(request)
                    self.post(.completion(connectionID: id, fd: fd, response: response))
                }
            }
        }
    }

    private func wantsKeepAlive(_ head: RequestHead) -> Bool {
        var tokens: [String] = []
        for (name, value) in head.headers where name.caseInsensitiveEquals("connection") {
            tokens.append(contentsOf: value.split(separator: ",").map { $0.trimmingSpaces().lowercased() })
        }
        if tokens.contains("close") { return false }
        return head.version == .http11 || tokens.contains("keep-alive")
    }

    /// Refuses the request in progress with the error's status and closes.
    private func fail(_ connection: Connection, _ error: HTTPParseError) {
        if connection.requestStart == 0 || connection.requestRoute.isEmpty {
            connection.requestStart = connection.requestStart == 0 ? monotonicNanos() : connection.requestStart
        }
        connection.requestRoute = "invalid"
        connection.state = .processing
        connection.keepAlive = false
        if case .badRequest(let reason) = error {
            shared.logger.debug("http.bad_request", ["reason": .identifier(reason.replacingOccurrences(of: " ", with: "_"))])
        }
        finish(connection, .error(error.status))
    }

    /// Serialises the response and starts writing it.
    private func finish(_ connection: Connection, _ response: HTTPResponse) {
        let closeAfter = !connection.keepAlive || draining || connection.peerClosed
        serialize(response, into: &connection.output, close: closeAfter, head: connection.isHead,
                  http10KeepAlive: connection.requestVersion == .http10 && !closeAfter)
        let elapsed = Double(monotonicNanos() &- connection.requestStart) / 1e9
        shared.recordRequest(method: connection.requestMethod, route: connection.requestRoute,
                             status: response.status.code, seconds: elapsed)
        connection.state = .responding(closeAfter: closeAfter)
        connection.deadlineKind = .write
        connection.deadline = monotonicNanos() + seconds(shared.configuration.writeTimeout)
        connection.requestStart = 0
        connection.requestRoute = ""
        connection.requestMethod = ""
        writeOutput(connection)
    }

    private func writeOutput(_ connection: Connection) {
        while connection.outputOffset < connection.output.count {
            let count = connection.output.withUnsafeBytes { buffer in
                send(connection.fd, buffer.baseAddress! + connection.outputOffset,
                     buffer.count - connection.outputOffset, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                connection.outputOffset += count
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && errno == EAGAIN {
                setInterest(connection, EPOLLOUT.rawValue)
                return
            } else {
                closeConnection(connection)
                return
            }
        }
        connection.output.removeAll(keepingCapacity: connection.output.capacity <= 65536)
        connection.outputOffset = 0
        guard case .responding(let closeAfter) = connection.state else {
            // An interim 100 Continue went out; keep reading the body.
            setInterest(connection, EPOLLIN.rawValue)
            return
        }
        if closeAfter {
            startLingeringClose(connection)
            return
        }
        connection.state = .awaitingHead
        connection.deadlineKind = .idle
        connection.deadline = monotonicNanos() + seconds(shared.configuration.keepAliveTimeout)
        setInterest(connection, EPOLLIN.rawValue)
        // Pipelined requests already buffered: the enclosing processInput
        // loop picks them up; otherwise start it here.
        if !connection.processingInput { processInput(connection) }
    }

    /// Half-closes and drains for up to two seconds, so that a client
    /// still sending (an unread body after 413) sees the response rather
    /// than a reset.
    private func startLingeringClose(_ connection: Connection) {
        shutdown(connection.fd, Int32(SHUT_WR))
        if connection.peerClosed {
            closeConnection(connection)
            return
        }
        connection.state = .lingering
        connection.deadlineKind = .linger
        connection.deadline = monotonicNanos() + 2_000_000_000
        setInterest(connection, EPOLLIN.rawValue)
    }

    // MARK: - Deadlines

    private func expireDeadlines(_ now: UInt64) {
        for connection in Array(connections.values) where connection.deadlineKind != .none && now >= connection.deadline {
            switch connection.deadlineKind {
            case .idle, .write, .linger:
                closeConnection(connection)
            case .header:
                if connection.unconsumedCount == 0 && connection.input.isEmpty && connection.inputOffset == 0 {
                    // Nothing ever arrived: a silent close, no request to answer.
                    closeConnection(connection)
                } else {
                    fail(connection, .timeout)
                }
            case .body:
                fail(connection, .timeout)
            case .none:
                break
            }
        }
    }

    // MARK: - Helpers

    private func closeConnection(_ connection: Connection) {
        guard connections.removeValue(forKey: connection.fd) != nil else { return }
        epoll_ctl(epollFD, EPOLL_CTL_DEL, connection.fd, nil)
        close(connection.fd)
        shared.releaseConnection()
    }

    private func setInterest(_ connection: Connection, _ events: UInt32) {
        if connection.registered && connection.interest == events { return }
        var event = epoll_event()
        event.events = events
        event.data.fd = connection.fd
        let operation = connection.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD
        if epoll_ctl(epollFD, operation, connection.fd, &event) == 0 {
            connection.interest = events
            connection.registered = true
        }
    }

    private func register(_ fd: Int32, events: UInt32) throws {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else { throw SocketError("epoll_ctl") }
    }

    private func serialize(_ response: HTTPResponse, into out: inout [UInt8], close: Bool, head: Bool, http10KeepAlive: Bool) {
        out.reserveCapacity(out.count + 160 + response.body.count)
        out.append(contentsOf: "HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\n".utf8)
        out.append(contentsOf: currentDateHeader())
        for (name, value) in response.headers {
            if name.caseInsensitiveEquals("content-length") || name.caseInsensitiveEquals("connection")
                || name.caseInsensitiveEquals("date") { continue }
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "Content-Length: \(response.body.count)\r\n".utf8)
        if close {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if http10KeepAlive {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        if !head { out.append(contentsOf: response.body) }
    }

    private func currentDateHeader() -> [UInt8] {
        var now = time(nil)
        if now != dateSecond {
            dateSecond = now
            var parts = tm()
            gmtime_r(&now, &parts)
            var buffer = [CChar](repeating: 0, count: 64)
            let length = strftime(&buffer, buffer.count, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &parts)
            dateHeader = buffer[0..<length].map { UInt8(bitPattern: $0) }
        }
        return dateHeader
    }

    private func seconds(_ value: Double) -> UInt64 { UInt64(max(0, value) * 1e9) }
}

/// Nanoseconds on the monotonic clock.
func monotonicNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
