import Glibc

/// Where the HTTP server binds: an IP literal or `localhost`, and a port.
///
/// Host names other than `localhost` are refused so the daemon never
/// depends on DNS at start-up and an administrator sees exactly which
/// interface is exposed.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// `127.0.0.1`, `::1` (no brackets) or `localhost`.
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT`, with brackets around an IPv6 host.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Parses `HOST:PORT` (`[IPv6]:PORT` for IPv6), or says what is wrong.
    /// Port 0 (an ephemeral port, for tests) is accepted only when asked:
    /// the command line allows it, configuration files do not.
    public static func parse(_ text: String, allowEphemeralPort: Bool = false) -> Result<ListenAddress, ListenAddressError> {
        let host: String
        let portText: String
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"),
                  text[text.index(after: close)...].hasPrefix(":") else {
                return .failure(ListenAddressError(message: "expected \"HOST:PORT\", got \"\(text)\""))
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[text.index(close, offsetBy: 2)...])
            guard isIPv6(host) else {
                return .failure(ListenAddressError(message: "\"\(host)\" is not an IPv6 address"))
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return .failure(ListenAddressError(message: "expected \"HOST:PORT\", got \"\(text)\""))
            }
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
            if host.contains(":") {
                return .failure(ListenAddressError(message: "put an IPv6 address in brackets, e.g. \"[::1]:8080\""))
            }
            guard host == "localhost" || isIPv4(host) else {
                return .failure(ListenAddressError(message: "host \"\(host)\" must be an IPv4 or IPv6 address or localhost"))
            }
        }
        guard !portText.isEmpty, portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let port = Int(portText), ((allowEphemeralPort ? 0 : 1)...65535).contains(port) else {
            let lowest = allowEphemeralPort ? 0 : 1
            return .failure(ListenAddressError(message: "port must be a number from \(lowest) to 65535, got \"\(portText)\""))
        }
        return .success(ListenAddress(host: host, port: port))
    }

    private static func isIPv4(_ host: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1
    }

    private static func isIPv6(_ host: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, host, &address) == 1
    }
}

/// Why a `listen` value was refused.
public struct ListenAddressError: Error, Sendable {
    public let message: String
}
