import Foundation
import KawanCore
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
/// Written by hand because `JSONSerialization` and `Date.formatted` cost
/// milliseconds for a page of 50 escalations on Linux (measured with
/// `Benchmarks/api-queue.sh`).
enum JSONOutput {
    /// Encodes dictionaries, arrays, `String`, `Int`, `Int64`, `Double`,
    /// `Bool` and `NSNull` (the only values handlers put in).
    static func encode(_ object: [String: Any]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(object, into: &out)
        return out
    }

    private static func write(_ value: Any, into out: inout [UInt8]) {
        // Cheapest and most frequent casts first: a failed cast to a
        // collection type costs far more than one to a scalar, and testing
        // a Swift dictionary or array against a class (`NSNull`) bridges it
        // to Foundation first, so that test comes last.
        switch value {
        case let text as String: JSONString.append(text, to: &out)
        case let number as Int: out += Array(String(number).utf8)
        case let number as Int64: out += Array(String(number).utf8)
        case let number as Double: out += Array((number.isFinite ? String(number) : "null").utf8)
        case let flag as Bool: out += Array((flag ? "true" : "false").utf8)
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(object[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [[String: Any]]:
            writeArray(array, into: &out)
        case let array as [Any]:
            writeArray(array, into: &out)
        case is NSNull: out += Array("null".utf8)
        default:
            out += Array("null".utf8)
        }
    }

    private static func writeArray(_ array: [Any], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, element) in array.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(element, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-23T03:00:00.000Z`
    /// (proleptic Gregorian calendar from days since the epoch).
    static func time(_ milliseconds: Int64) -> String {
        let (seconds, millis) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let wholeSeconds = millis < 0 ? seconds - 1 : seconds
        let milli = millis < 0 ? millis + 1000 : millis
        let days = wholeSeconds >= 0 ? wholeSeconds / 86_400 : (wholeSeconds - 86_399) / 86_400
        let secondOfDay = wholeSeconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay % 3600 / 60, 2) + ":" + pad(secondOfDay % 60, 2) + "." + pad(milli, 3) + "Z"
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
