import Foundation

/// The rules every provider's answer shares, so each channel type only says
/// where its message id and error text live.
///
/// 2xx is accepted; 429 is retryable, honouring `Retry-After`; 5xx is
/// retryable; any other status is permanent, carrying the provider's own
/// error text (truncated) so a caseworker can see why. The error text comes
/// from the provider's error fields only, never from the request, so it
/// cannot carry the message text or a token.
enum ProviderAnswer {
    /// Longest provider error text kept on a failed message.
    static let maximumErrorLength = 200

    static func classify(status: Int, headers: [ProviderRequest.Header], body: [UInt8],
                         acceptedID: (Any?) -> String?, errorText: (Any?) -> String?) -> SendOutcome {
        let json = parseJSON(body)
        if (200..<300).contains(status) {
            return .accepted(providerMessageID: acceptedID(json))
        }
        let detail = errorText(json).map(truncate)
        let reason = "HTTP \(status)" + (detail.map { ": " + $0 } ?? "")
        if status == 429 || (500..<600).contains(status) {
            return .retryable(reason: reason, retryAfter: retryAfter(headers))
        }
        return .permanent(reason: reason)
    }

    static func parseJSON(_ body: [UInt8]) -> Any? {
        guard !body.isEmpty else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
    }

    /// `Retry-After` in seconds, from delta-seconds or an HTTP date (RFC 9110 §10.2.3).
    static func retryAfter(_ headers: [ProviderRequest.Header], now: Date = Date()) -> Double? {
        guard let value = headers.first(where: { $0.name.lowercased() == "retry-after" })?.value
            .trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0, seconds.isFinite { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    static func truncate(_ text: String) -> String {
        let flattened = text.replacingOccurrences(of: "\n", with: " ")
        guard flattened.count > maximumErrorLength else { return flattened }
        return String(flattened.prefix(maximumErrorLength)) + "…"
    }

    /// `value` at `path` in decoded JSON, as text (numbers included, since
    /// Telegram's ids are numbers and Vonage's are strings).
    static func string(_ json: Any?, _ path: String...) -> String? {
        var current = json
        for key in path {
            if let index = Int(key), let array = current as? [Any] {
                current = array.indices.contains(index) ? array[index] : nil
            } else {
                current = (current as? [String: Any])?[key]
            }
        }
        return string(json: current)
    }

    /// A decoded JSON scalar as text.
    static func string(json value: Any?) -> String? {
        switch value {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    /// Serialises a JSON object with sorted keys, so requests are stable to compare.
    static func jsonBody(_ object: [String: Any]) -> [UInt8] {
        // Only strings, numbers and nested dictionaries built here: cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data)
    }

    /// `application/x-www-form-urlencoded`, fields in the given order.
    static func formBody(_ fields: [(String, String)]) -> [UInt8] {
        Array(fields.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&").utf8)
    }

    static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Percent-encodes one URL path segment (ids from configuration).
    static func pathSegment(_ text: String) -> String {
        formEncode(text).replacingOccurrences(of: "+", with: "%20")
    }

    /// The configured base URL without a trailing slash.
    static func base(_ configured: String?, default fallback: String) -> String {
        var base = configured ?? fallback
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
