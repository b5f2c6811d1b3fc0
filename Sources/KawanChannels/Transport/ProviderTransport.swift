public import KawanCore

/// A provider's raw HTTP answer.
public struct ProviderResponse: Sendable, Equatable {
    public var status: Int
    /// In the order received; names as the server spelled them.
    public var headers: [ProviderRequest.Header]
    public var body: [UInt8]

    public init(status: Int, headers: [ProviderRequest.Header], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why a request got no HTTP answer. All of these are worth retrying
/// except `invalidRequest`: the provider may have been unreachable only
/// for a moment. Descriptions name the failure, never the URL (a Telegram
/// URL carries the bot token).
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible, LogSafeError {
    /// No complete answer within the connect or total timeout.
    case timeout
    /// The host refused or could not be reached.
    case connectionFailed(String)
    /// The host name did not resolve.
    case nameResolutionFailed
    /// The certificate did not verify or the handshake failed.
    case tls(String)
    /// The answer was larger than the transport accepts.
    case responseTooLarge(limit: Int)
    /// The request itself could not be made (a bad URL, an unsupported scheme).
    case invalidRequest(String)
    /// The transport is shut down.
    case closed
    /// Any other libcurl failure.
    case failed(String)

    public var isRetryable: Bool {
        if case .invalidRequest = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .timeout: "timed out"
        case .connectionFailed(let detail): "connection failed: \(detail)"
        case .nameResolutionFailed: "host name did not resolve"
        case .tls(let detail): "TLS failed: \(detail)"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        case .invalidRequest(let detail): "invalid request: \(detail)"
        case .closed: "transport is shut down"
        case .failed(let detail): "transport failed: \(detail)"
        }
    }

    /// A short machine label for logs and metrics.
    public var kind: String {
        switch self {
        case .timeout: "timeout"
        case .connectionFailed: "connection_failed"
        case .nameResolutionFailed: "dns"
        case .tls: "tls"
        case .responseTooLarge: "response_too_large"
        case .invalidRequest: "invalid_request"
        case .closed: "closed"
        case .failed: "failed"
        }
    }

    public var logSummary: String { kind }
}

/// Sends provider requests. The seam between the outbox sender and the
/// network, so tests and other transports can stand in for libcurl.
public protocol ProviderTransport: Sendable {
    func send(_ request: ProviderRequest) async throws(TransportError) -> ProviderResponse
}
