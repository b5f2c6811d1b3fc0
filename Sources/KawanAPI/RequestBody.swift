import Foundation
import KawanHTTP

/// A request's JSON object, checked strictly: `Content-Type` must be
/// `application/json` (415), the body one JSON object (400), every field
/// known (400) and of the right type (400). Value rules (lengths, enums)
/// are 422, checked by the caller.
struct RequestBody {
    let fields: [String: Any]

    /// The largest body the API reads (the longest valid one, a 5,000
    /// character reply of 4-byte characters, is about 20 KB). Larger bodies
    /// up to the server's own limit get a JSON 413; beyond it, the server's
    /// plain-text 413.
    static let maximumBytes = 65_536

    /// The body of an action without parameters: empty, or `{}`.
    static func empty(_ request: HTTPRequest) throws(APIError) {
        guard !request.body.isEmpty else { return }
        _ = try parse(request, allowed: [])
    }

    static func parse(_ request: HTTPRequest, allowed: Set<String>) throws(APIError) -> RequestBody {
        guard request.body.count <= maximumBytes else {
            throw APIError(status: .contentTooLarge, code: "body_too_large", message: "the body is over \(maximumBytes) bytes")
        }
        let type = request.headers["Content-Type"]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/json" else {
            throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                           message: "send the body as Content-Type: application/json")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)),
              let fields = object as? [String: Any] else {
            throw .badRequest("invalid_json", "the body must be one JSON object")
        }
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .badRequest("unknown_field", "unknown field '\(unknown.prefix(40))'; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        return RequestBody(fields: fields)
    }

    /// A string field; nil when absent and not `required`.
    func string(_ name: String, required: Bool) throws(APIError) -> String? {
        guard let value = fields[name] else {
            if required { throw .badRequest("missing_field", "field '\(name)' is required") }
            return nil
        }
        // JSONSerialization gives numbers and booleans as NSNumber, strings as String.
        guard !(value is NSNumber), let text = value as? String else {
            throw .badRequest("invalid_type", "field '\(name)' must be a string")
        }
        return text
    }
}

/// Lengths of caseworker-written texts.
enum TextRules {
    /// Private notes and resolution notes.
    static let maximumNoteLength = 4000

    /// Refuses blank text and text over `limit` UTF-16 code units (422).
    static func check(_ text: String, field: String, limit: Int) throws(APIError) {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .unprocessable("text_empty", "field '\(field)' must not be empty")
        }
        let length = text.utf16.count
        if length > limit {
            throw .unprocessable("text_too_long", "field '\(field)' is \(length) characters; at most \(limit) are allowed here")
        }
    }
}
