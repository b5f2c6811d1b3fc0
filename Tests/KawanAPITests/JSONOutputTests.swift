import Foundation
@testable import KawanAPI
import Testing

@Suite("JSON output")
struct JSONOutputTests {
    @Test func timesAreRFC3339InUTCWithExactMilliseconds() {
        // Whole seconds agree with Foundation's formatter (which rounds some
        // milliseconds down through Double, e.g. .999 -> .998).
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
        for seconds: Int64 in [0, 951_782_400, 1_709_164_800, 1_795_402_800, 4_107_542_399, -86_401, -1] {
            #expect(JSONOutput.time(seconds * 1000) == Date(timeIntervalSince1970: Double(seconds)).formatted(style), "\(seconds)")
        }
        #expect(JSONOutput.time(1_795_402_800_123) == "2026-11-23T03:00:00.123Z")
        #expect(JSONOutput.time(999) == "1970-01-01T00:00:00.999Z")
        #expect(JSONOutput.time(-1) == "1969-12-31T23:59:59.999Z")
        #expect(JSONOutput.time(951_868_799_999) == "2000-02-29T23:59:59.999Z")
    }

    @Test func encodingRoundTripsThroughJSONSerialization() throws {
        let object: [String: Any] = ["text": "quote \" backslash \\ newline \n tab \t bell \u{07} • 日本", "n": 3, "big": Int64(1) << 40,
                                     "x": 1.5, "flag": true, "none": NSNull(), "list": [["a": 1]], "mixed": [1, "b"]]
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(JSONOutput.encode(object))) as? [String: Any])
        #expect(decoded["text"] as? String == object["text"] as? String)
        #expect(decoded["n"] as? Int == 3 && decoded["big"] as? Int == 1 << 40 && decoded["x"] as? Double == 1.5)
        #expect(decoded["flag"] as? Bool == true && decoded["none"] is NSNull)
        #expect((decoded["list"] as? [[String: Int]]) == [["a": 1]])
        #expect(String(decoding: JSONOutput.encode(["b": 1, "a": 2]), as: UTF8.self) == #"{"a":2,"b":1}"#)
    }
}
