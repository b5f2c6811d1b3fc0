/// One accepted TCP connection's state, owned by exactly one event loop and
/// touched only on that loop's thread.
final class Connection {
    enum State {
        /// Waiting for (the rest of) a request head.
        case awaitingHead
        /// Head parsed; receiving a `Content-Length` body.
        case readingBody(RequestHead, expected: Int)
        /// Head parsed; receiving a chunked body.
        case readingChunked(RequestHead)
        /// A handler is running; the socket is not read meanwhile, so
        /// pipelined requests wait in the kernel and are answered in order.
        case processing
        /// The response is being written.
        case responding(closeAfter: Bool)
        /// Response sent and write side shut; draining what the client
        /// still sends so the close does not reset the response away.
        case lingering
    }

    enum Deadline {
        case none
        case idle
        case header
        case body
        case write
        case linger
    }

    let id: UInt64
    let fd: Int32
    let remoteAddress: String
    var state: State = .awaitingHead
    var input: [UInt8] = []
    var inputOffset = 0
    var output: [UInt8] = []
    var outputOffset = 0
    var deadline: UInt64 = 0
    var deadlineKind: Deadline = .header
    var interest: UInt32 = 0
    var registered = false
    var processingInput = false
    var peerClosed = false
    var bodyBuffer: [UInt8] = []
    var chunkedDecoder: ChunkedDecoder?
    /// Metrics and logging for the request in flight.
    var requestStart: UInt64 = 0
    var requestMethod = ""
    var requestRoute = ""
    var keepAlive = true
    var isHead = false
    var requestVersion: HTTPVersion = .http11

    init(id: UInt64, fd: Int32, remoteAddress: String) {
        self.id = id
        self.fd = fd
        self.remoteAddress = remoteAddress
    }

    var unconsumedCount: Int { input.count - inputOffset }

    /// Drops consumed input so the buffer does not grow across requests.
    func compactInput() {
        if inputOffset == input.count {
            input.removeAll(keepingCapacity: input.capacity <= 65536)
            inputOffset = 0
        } else if inputOffset > 32768 {
            input.removeFirst(inputOffset)
            inputOffset = 0
        }
    }
}
