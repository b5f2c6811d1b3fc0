import Foundation
import KawanHTTP

/// A refusal the API answers as `{"error": {"code": ..., "message": ...}}`.
///
/// `code` is stable and machine-readable; `message` says what to change.
/// Messages never contain message text, contacts or tokens.
struct APIError: Error, Equatable {
    let status: HTTPStatus
    let code: String
    let message: String

    static let unauthorized = APIError(status: .unauthorized, code: "unauthorized",
                                       message: "send a caseworker token as 'Authorization: Bearer <token>'")
    /// Another tenant's id answers exactly like a missing one.
    static let notFound = APIError(status: .notFound, code: "not_found", message: "no such escalation")

    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(status: .badRequest, code: code, message: message) }
    static func conflict(_ code: String, _ message: String) -> APIError { APIError(status: .conflict, code: code, message: message) }
    static func unprocessable(_ code: String, _ message: String) -> APIError {
        APIError(status: HTTPStatus(422), code: code, message: message)
    }

    var response: HTTPResponse {
        var response = HTTPResponse.json(JSONOutput.encode(["error": ["code": code, "message": message]]), status: status)
        if status == .unauthorized { response.headers.set("WWW-Authenticate", "Bearer") }
        return response
    }
}

/// JSON encoding of handler results: sorted keys, so answers are stable.
enum JSONOutput {
    static func encode(_ object: [String: Any]) -> [UInt8] {
        // Every value put in is a String, number, Bool, NSNull, array or
        // dictionary of those, so serialisation cannot fail.
        (try? Array(JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))) ?? []
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-23T03:00:00.000Z`.
    static func time(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    static func time(_ milliseconds: Int64?) -> Any { milliseconds.map { time($0) as Any } ?? NSNull() }

    static func nullable(_ value: String?) -> Any { value.map { $0 as Any } ?? NSNull() }

    /// Parses an RFC 3339 time, with or without fractional seconds.
    static func parseTime(_ text: String) -> Int64? {
        let plain = Date.ISO8601FormatStyle()
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        guard let date = (try? plain.parse(text)) ?? (try? fractional.parse(text)) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
