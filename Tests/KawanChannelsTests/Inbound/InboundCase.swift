import Foundation
import KawanChannels
import KawanCrypto
import KawanHTTP
import Testing

/// Provider payloads stored under `Tests/KawanChannelsTests/Fixtures`, read
/// from the source tree (no SwiftPM resources).
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func bytes(_ path: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(path).path) else {
            fatalError("fixture \(path) is missing")
        }
        return Array(data)
    }

    static func text(_ path: String) -> String { String(decoding: bytes(path), as: UTF8.self) }
}

/// One row of a channel's table: a request, the clock, and what the channel
/// must say about it.
struct InboundCase: Sendable, CustomTestStringConvertible {
    var name: String
    var request: WebhookRequest
    var now: Date
    /// nil: the request is authentic.
    var verification: VerificationFailure?
    /// What `parse` returns (checked for authentic requests, and for
    /// unreadable ones whose parse error is the point of the case).
    var parsed: Result<[InboundEvent], WebhookParseError>?

    var testDescription: String { name }

    init(_ name: String, _ request: WebhookRequest, now: Date = Date(timeIntervalSince1970: 1_795_435_200),
         rejectedWith verification: VerificationFailure? = nil, parsed: Result<[InboundEvent], WebhookParseError>? = nil) {
        self.name = name
        self.request = request
        self.now = now
        self.verification = verification
        self.parsed = parsed
    }

    func check(with channel: some InboundChannel) {
        switch channel.verify(request, now: now) {
        case .success: #expect(verification == nil, "\(name): accepted, expected \(String(describing: verification))")
        case .failure(let failure): #expect(failure == verification, "\(name): rejected with \(failure)")
        }
        if let parsed {
            #expect(channel.parse(request) == parsed, "\(name)")
        }
    }
}

func request(_ method: String = "POST", url: String = "https://kawan.example.org/webhooks/demo/channel", contentType: String?,
             body: [UInt8], headers: [(String, String)] = [], query: String = "") -> WebhookRequest {
    var fields = headers.map { (name: $0.0, value: $0.1) }
    if let contentType { fields.append((name: "Content-Type", value: contentType)) }
    return WebhookRequest(method: method, publicURL: url, headers: HTTPHeaders(fields), body: body, query: query)
}

/// Bytes that are not UTF-8 (a lone continuation byte and an overlong form).
let invalidUTF8: [UInt8] = [0x80, 0xC0, 0xAF]

/// `application/x-www-form-urlencoded` decoding for computing expected
/// signatures independently of the code under test.
func formPairs(_ body: String) -> [(String, String)] {
    body.split(separator: "&").map { field in
        let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding! }
        return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
    }
}

func base64HMAC(_ algorithm: DigestAlgorithm, key: String, message: [UInt8]) -> String {
    Data(Digest.hmac(algorithm, key: Array(key.utf8), message: message)).base64EncodedString()
}

extension Result where Success == Void, Failure == VerificationFailure {
    /// nil when the request was accepted.
    var rejection: VerificationFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
