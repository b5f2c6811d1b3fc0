public import Foundation
public import KawanConfig
import KawanCrypto
public import KawanHTTP

/// Vonage SMS API webhooks: inbound SMS and delivery receipts, sent as a GET
/// query, a form POST or a JSON POST, as the account is configured
/// (developer.vonage.com/en/messaging/sms/guides/inbound-sms,
/// …/sms/guides/delivery-receipts).
///
/// Signed webhooks (developer.vonage.com/en/getting-started/concepts/signing-messages)
/// carry `sig`, `timestamp` and `nonce` among the parameters. The signed
/// string is, for every parameter but `sig` sorted by name, `&name=value`
/// with `&` and `=` in the value replaced by `_`; `md5hash` is the MD5 of
/// that string followed by the secret, the other methods an HMAC of it under
/// the secret, in hex (compared in either case). This follows the official
/// SDKs: vonage-node-sdk `packages/sms` `verifySignature` (all five methods)
/// and the Python `vonage_http_client.Auth.sign_params`/`check_signature`
/// (HMAC methods; the tests sign with it), plus the md5hash known answer of
/// the older vonage-python-sdk's `test_check_signature`.
public struct VonageInboundChannel: InboundChannel {
    let signatureSecret: Secret
    let signatureMethod: VonageSettings.SignatureMethod

    /// How far a signed `timestamp` may be from the receiving clock.
    public static let timestampTolerance: TimeInterval = 300

    public init(settings: VonageSettings) {
        signatureSecret = settings.signatureSecret
        signatureMethod = settings.signatureMethod
    }

    public var supportsInlineReplies: Bool { false }

    /// Vonage resends a webhook for 24 hours until it gets 200 or 204.
    public func acknowledgement(inlineReplies: [String]) -> HTTPResponse {
        HTTPResponse(status: .noContent)
    }

    public func verify(_ request: WebhookRequest, now: Date) -> Result<Void, VerificationFailure> {
        // Parameters that cannot be read carry no readable signature.
        guard case .success(let parameters) = Self.rawParameters(request) else { return .failure(.missingSignature) }
        guard let signature = parameters.first(where: { $0.name == Array("sig".utf8) })?.value, !signature.isEmpty else {
            return .failure(.missingSignature)
        }
        let signed = parameters.filter { $0.name != Array("sig".utf8) }
        // A dictionary-shaped signature cannot say which of two values was signed.
        guard Set(signed.map(\.name)).count == signed.count else { return .failure(.badSignature) }
        let expected = self.signature(of: signed)
        guard case .success = SignatureCheck.hex(String(decoding: signature, as: UTF8.self), matches: expected) else {
            return .failure(.badSignature)
        }
        guard let timestampBytes = signed.first(where: { $0.name == Array("timestamp".utf8) })?.value,
              let timestamp = Int64(String(decoding: timestampBytes, as: UTF8.self)),
              abs(now.timeIntervalSince1970 - TimeInterval(timestamp)) <= Self.timestampTolerance else {
            return .failure(.staleTimestamp)
        }
        return .success(())
    }

    public func parse(_ request: WebhookRequest) -> Result<[InboundEvent], WebhookParseError> {
        Self.rawParameters(request).flatMap { raw in
            guard let parameters = RawFormParameters(pairs: raw).validatedUTF8() else { return .failure(.invalidUTF8) }
            if parameters["status"] != nil { return Self.receipt(parameters) }
            return Self.message(parameters)
        }
    }

    // MARK: - Signature

    /// The digest of the parameters (without `sig`) with the configured method.
    func signature(of parameters: [(name: [UInt8], value: [UInt8])]) -> [UInt8] {
        var string = [UInt8]()
        for pair in parameters.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) }) {
            string.append(UInt8(ascii: "&"))
            string += pair.name
            string.append(UInt8(ascii: "="))
            string += pair.value.map { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "=") ? UInt8(ascii: "_") : $0 }
        }
        let key = signatureSecret.bytes
        return switch signatureMethod {
        case .md5hash: Digest.hash(.md5, string + key)
        case .md5: Digest.hmac(.md5, key: key, message: string)
        case .sha1: Digest.hmac(.sha1, key: key, message: string)
        case .sha256: Digest.hmac(.sha256, key: key, message: string)
        case .sha512: Digest.hmac(.sha512, key: key, message: string)
        }
    }

    /// The webhook's parameters from wherever this request carries them.
    static func rawParameters(_ request: WebhookRequest) -> Result<[(name: [UInt8], value: [UInt8])], WebhookParseError> {
        if request.method == "GET" {
            guard let form = RawFormParameters(decoding: request.query) else { return .failure(.malformed("bad percent-escape in query")) }
            return .success(form.pairs)
        }
        switch request.mediaType {
        case "application/x-www-form-urlencoded":
            guard let form = RawFormParameters(decoding: request.body) else {
                return .failure(.malformed("bad percent-escape in form data"))
            }
            return .success(form.pairs)
        case "application/json":
            return JSONObject.parseBody(request.body).flatMap { object in
                var pairs = [(name: [UInt8], value: [UInt8])]()
                for (name, value) in object.fields {
                    let text: String
                    switch value {
                    case let string as String: text = string
                    case let number as NSNumber: text = number.stringValue
                    default: return .failure(.malformed("\"\(name)\" is not a string"))
                    }
                    pairs.append((Array(name.utf8), Array(text.utf8)))
                }
                return .success(pairs)
            }
        default:
            return .failure(.unsupportedContentType(request.mediaType))
        }
    }

    // MARK: - Parsing

    private static func message(_ parameters: FormParameters) -> Result<[InboundEvent], WebhookParseError> {
        guard let id = parameters["messageId"], !id.isEmpty else { return .failure(.malformed("messageId missing")) }
        guard let sender = parameters["msisdn"], !sender.isEmpty else { return .failure(.malformed("msisdn missing")) }
        var event = InboundMessageEvent(providerMessageID: id, senderAddress: sender, text: nil,
                                        sentAt: parameters["message-timestamp"].flatMap(Self.date(fromVonageTimestamp:)))
        switch parameters["type"] ?? "text" {
        case "text", "unicode":
            guard let text = parameters["text"] else { return .failure(.malformed("text missing")) }
            event.text = text
        default:
            // `binary` (data + udh) and any future type: kept raw, no text.
            event.contentType = .other
        }
        if parameters["concat"] == "true" {
            guard let reference = parameters["concat-ref"], !reference.isEmpty,
                  let total = parameters["concat-total"].flatMap({ Int($0) }),
                  let part = parameters["concat-part"].flatMap({ Int($0) }),
                  total >= 1, (1...total).contains(part) else {
                return .failure(.malformed("concat-ref, concat-total or concat-part missing or out of range"))
            }
            event.concatenation = SMSConcatenation(reference: reference, total: total, part: part)
        }
        return .success([.message(event)])
    }

    /// Delivery receipt statuses (developer.vonage.com/en/messaging/sms/guides/delivery-receipts).
    private static func receipt(_ parameters: FormParameters) -> Result<[InboundEvent], WebhookParseError> {
        guard let id = parameters["messageId"], !id.isEmpty else { return .failure(.malformed("messageId missing")) }
        let status = parameters["status"] ?? ""
        let mapped: DeliveryStatus? = switch status {
        case "delivered": .delivered
        case "accepted", "buffered": .sent
        case "failed", "expired", "rejected": .failed
        default: nil
        }
        guard let mapped else {
            let payload = Array(parameters.pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "\n").utf8)
            return .success([.unhandled(UnhandledEvent(eventID: "\(id):\(status)", kind: "dlr:\(status)", payload: payload))])
        }
        var error: String?
        if let code = parameters["err-code"], !code.isEmpty, code != "0" { error = "Vonage err-code \(code)" }
        let at = parameters["message-timestamp"].flatMap(Self.date(fromVonageTimestamp:))
        return .success([.status(DeliveryStatusEvent(providerMessageID: id, status: mapped, error: error, at: at))])
    }

    /// `YYYY-MM-DD HH:MM:SS` in UTC.
    static func date(fromVonageTimestamp text: String) -> Date? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
        guard parts.count == 6 else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        (components.hour, components.minute, components.second) = (parts[3], parts[4], parts[5])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar.date(from: components)
    }
}
