import Foundation
import KawanChannels
import KawanConfig
import KawanCrypto
import KawanHTTP
import Testing

enum VonageCases {
    static let secret = "kawan_test_signature_secret_0001"
    static let nonce = "6f1c3e2a-0b7d-4e59-9a61-2d3c4b5a6978"
    static let now = Date(timeIntervalSince1970: 1_795_435_200)
    static let form = "application/x-www-form-urlencoded"

    static func channel(_ method: VonageSettings.SignatureMethod) -> VonageInboundChannel {
        VonageInboundChannel(settings: VonageSettings(apiKey: "abcd1234", apiSecret: Secret("api-secret"), signatureSecret: Secret(secret),
                                                      signatureMethod: method, from: "KAWAN"))
    }

    /// Vonage's scheme written out again for the tests.
    static func sig(_ parameters: [(String, String)], method: VonageSettings.SignatureMethod) -> String {
        let string = parameters.sorted { $0.0 < $1.0 }.map { name, value in
            "&\(name)=" + value.replacingOccurrences(of: "&", with: "_").replacingOccurrences(of: "=", with: "_")
        }.joined()
        let key = Array(secret.utf8)
        let message = Array(string.utf8)
        let digest: [UInt8] = switch method {
        case .md5hash: Digest.hash(.md5, message + key)
        case .md5: Digest.hmac(.md5, key: key, message: message)
        case .sha1: Digest.hmac(.sha1, key: key, message: message)
        case .sha256: Digest.hmac(.sha256, key: key, message: message)
        case .sha512: Digest.hmac(.sha512, key: key, message: message)
        }
        return Hex.encode(digest)
    }

    static func encode(_ parameters: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return parameters.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }

    /// The fixture's parameters plus `timestamp`, `nonce` and a `sig` over them.
    static func signedParameters(_ fixture: String, method: VonageSettings.SignatureMethod = .md5hash, timestamp: Int = 1_795_435_200,
                                 edit: (inout [(String, String)]) -> Void = { _ in }) -> [(String, String)] {
        var parameters = formPairs(Fixture.text("vonage/\(fixture)"))
        parameters += [("timestamp", String(timestamp)), ("nonce", nonce)]
        edit(&parameters)
        return parameters + [("sig", sig(parameters, method: method))]
    }

    static func post(_ parameters: [(String, String)]) -> WebhookRequest {
        request(contentType: form, body: Array(encode(parameters).utf8))
    }

    static let textMessage = InboundMessageEvent(providerMessageID: "0A00000000000001", senderAddress: "6281200000002",
                                                 text: "Tolong, gaji saya belum dibayar 3 bulan", sentAt: now)
    static let concatText1 = "Magandang araw po. Ako po ay isang kasambahay dito at hindi po ako pinapayagang lumabas ng bahay. "
        + "Kinuha rin po ng amo ko ang aking pasaporte at cellphone noong "

    static let md5hashCases: [InboundCase] = [
        // Known answers (Fixtures/vonage/inbound_text_signed_*.txt), checked with Python's hashlib/hmac and,
        // for sha256, with the official SDK's vonage_http_client.Auth.check_signature.
        InboundCase("known-answer md5hash signature", request(contentType: form, body: Fixture.bytes("vonage/inbound_text_signed_md5hash.txt")),
                    parsed: .success([.message(textMessage)])),
        InboundCase("GET query", request("GET", contentType: nil, body: [], query: encode(signedParameters("inbound_text.txt"))),
                    parsed: .success([.message(textMessage)])),
        InboundCase("JSON body", request(contentType: "application/json", body: Array(String(decoding: try! JSONSerialization.data(
            withJSONObject: Dictionary(uniqueKeysWithValues: signedParameters("inbound_text.txt"))), as: UTF8.self).utf8)),
                    parsed: .success([.message(textMessage)])),
        InboundCase("unicode (Vietnamese)", post(signedParameters("inbound_unicode.txt")), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "0A00000000000002", senderAddress: "84900000003",
            text: "Tôi cần giúp đỡ, chủ giữ hộ chiếu của tôi", sentAt: Date(timeIntervalSince1970: 1_795_435_210)))])),
        InboundCase("concatenated part 1", post(signedParameters("inbound_concat_part1.txt")), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "0A00000000000011", senderAddress: "639170000004", text: concatText1,
            sentAt: Date(timeIntervalSince1970: 1_795_435_261), concatenation: SMSConcatenation(reference: "108", total: 2, part: 1)))])),
        InboundCase("binary (non-text)", post(signedParameters("inbound_binary.txt")), parsed: .success([.message(InboundMessageEvent(
            providerMessageID: "0A00000000000003", senderAddress: "6281200000002", text: nil, contentType: .other,
            sentAt: Date(timeIntervalSince1970: 1_795_435_220)))])),
        InboundCase("delivery receipt: delivered", post(signedParameters("dlr_delivered.txt")), parsed: .success([.status(
            DeliveryStatusEvent(providerMessageID: "0C00000000000099", status: .delivered, at: Date(timeIntervalSince1970: 1_795_435_265)))])),
        InboundCase("delivery receipt: failed", post(signedParameters("dlr_failed.txt")), parsed: .success([.status(
            DeliveryStatusEvent(providerMessageID: "0C00000000000098", status: .failed, error: "Vonage err-code 5",
                                at: Date(timeIntervalSince1970: 1_795_435_325)))])),
        InboundCase("& and = in a value are signed as _", post(signedParameters("inbound_text.txt") { parameters in
            parameters[parameters.firstIndex { $0.0 == "text" }!].1 = "gaji=0 & makan=0"
        }), parsed: .success([.message(InboundMessageEvent(providerMessageID: "0A00000000000001", senderAddress: "6281200000002",
                                                          text: "gaji=0 & makan=0", sentAt: now))])),
        InboundCase("timestamp 299 s old", post(signedParameters("inbound_text.txt", timestamp: 1_795_435_200 - 299))),
        InboundCase("stale timestamp (301 s old)", post(signedParameters("inbound_text.txt", timestamp: 1_795_435_200 - 301)),
                    rejectedWith: .staleTimestamp),
        InboundCase("timestamp from the future (301 s)", post(signedParameters("inbound_text.txt", timestamp: 1_795_435_200 + 301)),
                    rejectedWith: .staleTimestamp),
        InboundCase("signed without timestamp", post(signedParameters("inbound_text.txt") { $0.removeAll { $0.0 == "timestamp" } }),
                    rejectedWith: .staleTimestamp),
        InboundCase("bad signature (sha256 signature, md5hash configured)",
                    request(contentType: form, body: Fixture.bytes("vonage/inbound_text_signed_sha256.txt")), rejectedWith: .badSignature),
        InboundCase("tampered text", request(contentType: form, body: Array(Fixture.text("vonage/inbound_text_signed_md5hash.txt")
            .replacingOccurrences(of: "Tolong", with: "Halo").utf8)), rejectedWith: .badSignature),
        InboundCase("missing signature", request(contentType: form, body: Fixture.bytes("vonage/inbound_text.txt")),
                    rejectedWith: .missingSignature),
        InboundCase("malformed: no msisdn", post(signedParameters("inbound_text.txt") { $0.removeAll { $0.0 == "msisdn" } }),
                    parsed: .failure(.malformed("msisdn missing"))),
        InboundCase("malformed: concat part out of range", post(signedParameters("inbound_concat_part2.txt") { parameters in
            parameters[parameters.firstIndex { $0.0 == "concat-part" }!].1 = "3"
        }), parsed: .failure(.malformed("concat-ref, concat-total or concat-part missing or out of range"))),
        // The signature travels among the parameters, so a body that cannot be read carries none.
        InboundCase("wrong content type", request(contentType: "text/plain", body: Fixture.bytes("vonage/inbound_text_signed_md5hash.txt")),
                    rejectedWith: .missingSignature, parsed: .failure(.unsupportedContentType("text/plain"))),
        InboundCase("invalid UTF-8", request(contentType: form, body: Array("msisdn=1&messageId=2&text=%80%C0%AF&timestamp=1795435200&sig=".utf8)
            + Array(Hex.encode(Digest.hash(.md5, Array("&messageId=2&msisdn=1&text=".utf8) + invalidUTF8
                + Array("&timestamp=1795435200".utf8) + Array(secret.utf8))).utf8)),
                    parsed: .failure(.invalidUTF8)),
    ]
}

@Suite struct VonageInboundTests {
    @Test(arguments: VonageCases.md5hashCases)
    func table(_ testCase: InboundCase) {
        testCase.check(with: VonageCases.channel(.md5hash))
    }

    @Test(arguments: VonageSettings.SignatureMethod.allCases)
    func everySignatureMethod(_ method: VonageSettings.SignatureMethod) {
        let channel = VonageCases.channel(method)
        let signed = VonageCases.post(VonageCases.signedParameters("inbound_text.txt", method: method))
        #expect(channel.verify(signed, now: VonageCases.now).rejection == nil)
        // Vonage's Python SDK lower-cases `sig` before comparing; accept either case.
        let upper = VonageCases.post(VonageCases.signedParameters("inbound_text.txt", method: method).map { $0.0 == "sig" ? ($0.0, $0.1.uppercased()) : $0 })
        #expect(channel.verify(upper, now: VonageCases.now).rejection == nil)
        let other: VonageSettings.SignatureMethod = method == .sha256 ? .sha512 : .sha256
        #expect(channel.verify(VonageCases.post(VonageCases.signedParameters("inbound_text.txt", method: other)), now: VonageCases.now).rejection
            == .badSignature)
    }

    @Test func knownAnswerSHA256() {
        let signed = request(contentType: VonageCases.form, body: Fixture.bytes("vonage/inbound_text_signed_sha256.txt"))
        #expect(VonageCases.channel(.sha256).verify(signed, now: VonageCases.now).rejection == nil)
    }

    /// vonage-python-sdk's own md5hash test vector (`test_check_signature`:
    /// a=1, b=2, timestamp=1461605396, secret "secret").
    @Test func sdkKnownAnswer() {
        let channel = VonageInboundChannel(settings: VonageSettings(apiKey: "k", apiSecret: Secret("s"), signatureSecret: Secret("secret"),
                                                                    signatureMethod: .md5hash, from: "X"))
        let query = "a=1&b=2&timestamp=1461605396&sig=6af838ef94998832dbfc29020b564830"
        #expect(channel.verify(request("GET", contentType: nil, body: [], query: query), now: Date(timeIntervalSince1970: 1_461_605_396)).rejection
            == nil)
    }

    @Test func acknowledgedWithNoContent() {
        #expect(VonageCases.channel(.md5hash).acknowledgement(inlineReplies: []).status == .noContent)
    }
}
