import Foundation
import KawanCrypto

/// A JSON object read with Foundation's `JSONSerialization`, with typed
/// accessors: providers add fields without notice, so channels read the
/// fields they need and keep the rest only as raw bytes.
struct JSONObject {
    let fields: [String: Any]

    /// Parses a webhook body: strict UTF-8 first (so invalid bytes are
    /// reported as such), then JSON whose top level is an object.
    static func parseBody(_ body: [UInt8]) -> Result<JSONObject, WebhookParseError> {
        guard String(validating: body, as: UTF8.self) != nil else { return .failure(.invalidUTF8) }
        guard let value = try? JSONSerialization.jsonObject(with: Data(body), options: []) else {
            return .failure(.malformed("body is not JSON"))
        }
        guard let fields = value as? [String: Any] else { return .failure(.malformed("body is not a JSON object")) }
        return .success(JSONObject(fields: fields))
    }

    func string(_ key: String) -> String? { fields[key] as? String }

    /// An integer given as a JSON number (Telegram ids, LINE timestamps) or as
    /// digits in a string (WhatsApp timestamps).
    func int64(_ key: String) -> Int64? {
        if let number = fields[key] as? NSNumber {
            let value = number.int64Value
            return NSNumber(value: value) == number ? value : nil
        }
        if let text = fields[key] as? String { return Int64(text) }
        return nil
    }

    func double(_ key: String) -> Double? {
        guard let number = fields[key] as? NSNumber else { return nil }
        return number.doubleValue
    }

    func bool(_ key: String) -> Bool? { fields[key] as? Bool }

    func object(_ key: String) -> JSONObject? {
        (fields[key] as? [String: Any]).map(JSONObject.init(fields:))
    }

    /// An array of objects; nil when the key is absent or any element is not an object.
    func objects(_ key: String) -> [JSONObject]? {
        guard let array = fields[key] as? [Any] else { return nil }
        var out = [JSONObject]()
        for element in array {
            guard let fields = element as? [String: Any] else { return nil }
            out.append(JSONObject(fields: fields))
        }
        return out
    }

    func strings(_ key: String) -> [String]? {
        guard let array = fields[key] as? [Any] else { return nil }
        let strings = array.compactMap { $0 as? String }
        return strings.count == array.count ? strings : nil
    }

    func contains(_ key: String) -> Bool { fields[key] != nil }

    /// The object re-encoded (keys sorted, so equal objects give equal bytes):
    /// the stored payload of an unhandled event.
    var serialized: [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        return Array(data)
    }

    /// A stable id for an event the provider gives no id: a digest of its bytes.
    var digestID: String { "sha256:" + Hex.encode(Digest.sha256(serialized)) }
}

/// Unix seconds or milliseconds to a date.
extension Date {
    init(unixSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(unixSeconds)) }
    init(unixMilliseconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(unixMilliseconds) / 1000) }
}
