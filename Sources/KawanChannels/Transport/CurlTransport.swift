internal import CCurl
import Foundation
import KawanCore

/// Sends provider requests with libcurl on the transport's own threads, so
/// a slow provider never holds one of Swift's cooperative threads.
///
/// Each thread keeps one easy handle for its whole life, so connections
/// (and TLS sessions) to a provider are reused between messages. TLS peers
/// and host names are verified; redirects are not followed; only `http`
/// and `https` are allowed; the answer is cut off at
/// `maximumResponseBytes`.
public final class CurlTransport: ProviderTransport, @unchecked Sendable {
    // @unchecked: `queue` is the only shared state and locks itself; the
    // threads and their handles are private to each thread.

    public struct Configuration: Sendable {
        /// Longest wait for the TCP and TLS connection.
        public var connectTimeout: Duration
        /// Longest a whole request may take, connection included.
        public var totalTimeout: Duration
        /// Larger answers fail with `responseTooLarge` (provider answers are
        /// a few hundred bytes; this bounds memory, not correctness).
        public var maximumResponseBytes: Int
        /// Requests in flight at once, one thread each.
        public var threads: Int

        public init(connectTimeout: Duration = .seconds(5), totalTimeout: Duration = .seconds(15),
                    maximumResponseBytes: Int = 256 * 1024, threads: Int = 4) {
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.maximumResponseBytes = maximumResponseBytes
            self.threads = threads
        }
    }

    private struct Job: @unchecked Sendable {
        // @unchecked: the continuation is resumed exactly once, by the thread that took the job.
        let request: ProviderRequest
        let continuation: CheckedContinuation<Result<ProviderResponse, TransportError>, Never>
    }

    public let configuration: Configuration
    private let queue = BlockingQueue<Job>()
    private let stopped = DispatchGroup()

    /// `curl_global_init` is not thread-safe and must run once per process.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.threads >= 1, "CurlTransport needs at least one thread")
        self.configuration = configuration
        _ = Self.globalInit
        for index in 0..<configuration.threads {
            stopped.enter()
            let thread = Thread { [queue, stopped, configuration] in
                CurlTransport.work(queue: queue, configuration: configuration)
                stopped.leave()
            }
            thread.name = "kawan-curl-\(index)"
            thread.start()
        }
    }

    deinit {
        queue.close()
    }

    public func send(_ request: ProviderRequest) async throws(TransportError) -> ProviderResponse {
        let result = await withCheckedContinuation { continuation in
            if !queue.push(Job(request: request, continuation: continuation)) {
                continuation.resume(returning: .failure(.closed))
            }
        }
        return try result.get()
    }

    /// Refuses new requests, lets queued ones finish, and waits for the
    /// threads to exit (at most about one total timeout).
    public func shutdown() async {
        queue.close()
        let stopped = self.stopped
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            stopped.notify(queue: .global()) { continuation.resume() }
        }
    }

    private static func work(queue: BlockingQueue<Job>, configuration: Configuration) {
        guard let handle = curl_easy_init() else {
            while let job = queue.take() { job.continuation.resume(returning: .failure(.failed("curl_easy_init failed"))) }
            return
        }
        defer { curl_easy_cleanup(handle) }
        while let job = queue.take() {
            curl_easy_reset(handle)
            job.continuation.resume(returning: perform(job.request, handle: handle, configuration: configuration))
        }
    }

    /// What the write and header callbacks collect.
    private final class Collector {
        let limit: Int
        var body: [UInt8] = []
        var headers: [ProviderRequest.Header] = []
        var overflowed = false

        init(limit: Int) { self.limit = limit }
    }

    private static func perform(_ request: ProviderRequest, handle: UnsafeMutableRawPointer,
                                configuration: Configuration) -> Result<ProviderResponse, TransportError> {
        let collector = Collector(limit: configuration.maximumResponseBytes)
        let context = Unmanaged.passRetained(collector)
        defer { context.release() }

        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // No `Expect: 100-continue` round trip before larger bodies.
        headerList = curl_slist_append(headerList, "Expect:")
        defer { curl_slist_free_all(headerList) }

        var setup = CURLE_OK
        func set(_ code: CURLcode) { if setup == CURLE_OK { setup = code } }
        set(kawan_curl_setopt_string(handle, CURLOPT_URL, request.url))
        set(kawan_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(kawan_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(kawan_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        set(kawan_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        set(kawan_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        set(kawan_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout)))
        set(kawan_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(configuration.totalTimeout)))
        set(kawan_curl_setopt_string(handle, CURLOPT_USERAGENT, "kawan/" + KawanVersion.string))
        set(kawan_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
        set(kawan_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
        set(kawan_curl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, { data, size, count, context in
            let collector = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            guard collector.body.count + length <= collector.limit else {
                collector.overflowed = true
                return 0  // makes libcurl stop with CURLE_WRITE_ERROR
            }
            if let data { collector.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length)) }
            return length
        }))
        set(kawan_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque()))
        set(kawan_curl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, { data, size, count, context in
            let collector = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            guard let data else { return length }
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
            if line.hasPrefix("HTTP/") {
                collector.headers.removeAll()  // a new response (after 100 Continue)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                if collector.headers.count < 100 { collector.headers.append(.init(name, value)) }
            }
            return length
        }))
        set(kawan_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque()))
        guard setup == CURLE_OK else { return .failure(.invalidRequest(describe(setup))) }

        let code: CURLcode = request.body.withUnsafeBytes { bytes in
            if !request.body.isEmpty {
                let size = kawan_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, request.body.count)
                guard size == CURLE_OK else { return size }
                let fields = kawan_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                guard fields == CURLE_OK else { return fields }
            }
            return curl_easy_perform(handle)
        }
        // The body pointer handed to libcurl is only valid inside the closure above.
        _ = kawan_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, nil)

        guard code == CURLE_OK else {
            if collector.overflowed { return .failure(.responseTooLarge(limit: collector.limit)) }
            return .failure(classify(code))
        }
        var status = 0
        _ = kawan_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(ProviderResponse(status: status, headers: collector.headers, body: collector.body))
    }

    private static func classify(_ code: CURLcode) -> TransportError {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .nameResolutionFailed
        case CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            .connectionFailed(describe(code))
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER:
            .tls(describe(code))
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: .invalidRequest(describe(code))
        default: .failed(describe(code))
        }
    }

    /// libcurl's fixed text for a code (never the URL or host).
    private static func describe(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let parts = duration.components
        return max(1, Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000))
    }
}

/// A FIFO the transport threads sleep on.
private final class BlockingQueue<Element>: @unchecked Sendable {
    // @unchecked: `items` and `isClosed` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var items: [Element] = []
    private var isClosed = false

    func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { return false }
        items.append(item)
        condition.signal()
        return true
    }

    /// The next item; nil once closed and drained.
    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty {
            if isClosed { return nil }
            condition.wait()
        }
        return items.removeFirst()
    }

    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }
}
