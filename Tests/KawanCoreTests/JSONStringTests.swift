import Foundation
import KawanCore
import Testing

@Suite struct JSONStringTests {
    /// Every control character, quotes, backslashes and non-ASCII text come
    /// back unchanged through Foundation's JSON parser.
    @Test func roundTripsThroughAJSONParser() throws {
        let controls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        for text in ["", "plain", "quote \" and \\ backslash / slash", controls, "gaji 給料 lương \u{7F} 😀"] {
            let quoted = JSONString.quoted(text)
            let decoded = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: [.fragmentsAllowed]) as? String
            #expect(decoded == text, "\(quoted)")
        }
        #expect(JSONString.quoted("a\"\n\u{1}") == #""a\"\n\u0001""#)
    }
}
