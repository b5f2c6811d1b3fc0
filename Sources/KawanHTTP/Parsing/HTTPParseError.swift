/// Why a request was refused before it reached a handler. Each maps to
/// one status and always closes the connection.
public enum HTTPParseError: Error, Equatable, Sendable {
    /// Malformed syntax (RFC 9112): the reason is for logs and tests.
    case badRequest(String)
    case uriTooLong
    case headerFieldsTooLarge
    case contentTooLarge
    case versionNotSupported
    /// A transfer coding other than `chunked`.
    case transferCodingNotImplemented
    case timeout

    public var status: HTTPStatus {
        switch self {
        case .badRequest: .badRequest
        case .uriTooLong: .uriTooLong
        case .headerFieldsTooLarge: .headerFieldsTooLarge
        case .contentTooLarge: .contentTooLarge
        case .versionNotSupported: .httpVersionNotSupported
        case .transferCodingNotImplemented: .notImplemented
        case .timeout: .requestTimeout
        }
    }
}
