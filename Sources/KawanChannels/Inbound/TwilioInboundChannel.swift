public import Foundation
public import KawanConfig
import KawanCrypto
public import KawanHTTP

/// Twilio Programmable Messaging webhooks: incoming messages and status
/// callbacks, both `application/x-www-form-urlencoded` POSTs.
///
/// Signature (twilio.com/docs/usage/webhooks/webhooks-security, and
/// `twilio.request_validator.RequestValidator` in the official Python SDK):
/// `X-Twilio-Signature` = base64(HMAC-SHA1(auth token, URL + every POST
/// parameter's name and value, names sorted, a repeated name's distinct
/// values sorted)). The SDK accepts the URL with and without its default
/// port, because Twilio is not consistent about it; so does this type.
public struct TwilioInboundChannel: InboundChannel {
    let authToken: Secret

    public init(settings: TwilioSettings) {
        authToken = settings.authToken
    }

    public var supportsInlineReplies: Bool { true }

    public func verify(_ request: WebhookRequest, now: Date) -> Result<Void, VerificationFailure> {
        guard let presented = request.headers["X-Twilio-Signature"], !presented.isEmpty else {
            return .failure(.missingSignature)
        }
        // Only form bodies are signed parameter by parameter; for anything
        // else the signature covers the URL alone.
        var parameters = RawFormParameters(pairs: [])
        if request.method == "POST" && request.mediaType == "application/x-www-form-urlencoded" {
            guard let decoded = RawFormParameters(decoding: request.body) else { return .failure(.badSignature) }
            parameters = decoded
        }
        let signedParameters = Self.signedParameterBytes(parameters)
        for url in Self.urlVariants(request.publicURL) {
            let expected = Digest.hmac(.sha1, key: authToken.bytes, message: Array(url.utf8) + signedParameters)
            if case .success = SignatureCheck.base64(presented, matches: expected) { return .success(()) }
        }
        return .failure(.badSignature)
    }

    public func parse(_ request: WebhookRequest) -> Result<[InboundEvent], WebhookParseError> {
        let decoded: Result<FormParameters, WebhookParseError>
        if request.method == "GET" {
            // A number can be configured to call its webhook with GET.
            decoded = FormParameters.decode(Array(request.query.utf8))
        } else if request.mediaType == "application/x-www-form-urlencoded" {
            decoded = FormParameters.decode(request.body)
        } else {
            return .failure(.unsupportedContentType(request.mediaType))
        }
        return decoded.flatMap { parameters in
            if let status = parameters["MessageStatus"], status != "received" {
                return Self.statusEvent(parameters, status: status)
            }
            return Self.messageEvent(parameters)
        }
    }

    /// TwiML with one `<Message>` per reply (twilio.com/docs/messaging/twiml),
    /// or an empty `<Response/>`, which tells Twilio not to answer.
    public func acknowledgement(inlineReplies: [String]) -> HTTPResponse {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"#
        if inlineReplies.isEmpty {
            xml += "<Response/>"
        } else {
            xml += "<Response>"
            for reply in inlineReplies { xml += "<Message>" + Self.xmlEscaped(reply) + "</Message>" }
            xml += "</Response>"
        }
        return HTTPResponse(status: .ok, headers: HTTPHeaders([("Content-Type", "text/xml; charset=utf-8")]),
                            body: Array(xml.utf8))
    }

    // MARK: - Signature

    /// Names sorted, each name's distinct values sorted, concatenated
    /// without separators (what `RequestValidator.compute_signature` does).
    /// Byte order of UTF-8 is code point order, as in Python's `sorted`.
    static func signedParameterBytes(_ parameters: RawFormParameters) -> [UInt8] {
        var valuesByName = [[UInt8]: Set<[UInt8]>]()
        for pair in parameters.pairs { valuesByName[pair.name, default: []].insert(pair.value) }
        var out = [UInt8]()
        for (name, values) in valuesByName.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            for value in values.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                out += name
                out += value
            }
        }
        return out
    }

    /// The URL as given, without its port, and with the scheme's default
    /// port added (as the official SDKs try).
    static func urlVariants(_ url: String) -> [String] {
        guard let schemeEnd = url.firstRange(of: "://") else { return [url] }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        let prefix = url[..<schemeEnd.upperBound]
        var host = authority
        if let colon = authority.lastIndex(of: ":"), !authority[authority.index(after: colon)...].isEmpty,
           authority[authority.index(after: colon)...].allSatisfy(\.isNumber) {
            host = authority[..<colon]
        }
        let defaultPort = scheme == "https" ? "443" : "80"
        let variants: [String] = [url, String(prefix + host + tail), String(prefix + host + ":" + defaultPort + tail)]
        var seen = Set<String>()
        return variants.filter { seen.insert($0).inserted }
    }

    // MARK: - Parsing

    private static func messageEvent(_ parameters: FormParameters) -> Result<[InboundEvent], WebhookParseError> {
        guard let sid = parameters["MessageSid"], !sid.isEmpty else { return .failure(.malformed("MessageSid missing")) }
        guard let from = parameters["From"], !from.isEmpty else { return .failure(.malformed("From missing")) }
        let body = parameters["Body"].flatMap { $0.isEmpty ? nil : $0 }
        let mediaCount = Int(parameters["NumMedia"] ?? "0") ?? 0
        var event = InboundMessageEvent(providerMessageID: sid, senderAddress: from, text: body)
        if mediaCount > 0 {
            // One media reference per message: the first of up to ten
            // (`MediaUrl0`…`MediaUrl9`); the others stay in the raw webhook.
            guard let url = parameters["MediaUrl0"] else { return .failure(.malformed("MediaUrl0 missing")) }
            event.mediaReference = url
            event.contentType = contentType(mimeType: parameters["MediaContentType0"] ?? "")
        } else if body == nil {
            return .failure(.malformed("Body missing"))
        }
        return .success([.message(event)])
    }

    static func contentType(mimeType: String) -> ContentType {
        let type = mimeType.lowercased()
        if type.hasPrefix("image/") { return .image }
        if type.hasPrefix("audio/") { return .audio }
        if type.hasPrefix("video/") { return .video }
        if type == "text/vcard" || type == "text/x-vcard" { return .contact }
        return .file
    }

    /// Twilio's message statuses (twilio.com/docs/messaging/api/message-resource#message-status-values).
    private static func statusEvent(_ parameters: FormParameters, status: String) -> Result<[InboundEvent], WebhookParseError> {
        guard let sid = parameters["MessageSid"], !sid.isEmpty else { return .failure(.malformed("MessageSid missing")) }
        let mapped: DeliveryStatus? = switch status {
        case "accepted", "scheduled", "queued", "sending": .queued
        case "sent": .sent
        case "delivered": .delivered
        case "read": .read
        case "undelivered", "failed", "canceled": .failed
        default: nil
        }
        guard let mapped else {
            let payload = Array(parameters.pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "\n").utf8)
            return .success([.unhandled(UnhandledEvent(eventID: "\(sid):\(status)", kind: "status:\(status)", payload: payload))])
        }
        var error: String?
        if let code = parameters["ErrorCode"], !code.isEmpty, code != "0" {
            error = parameters["ErrorMessage"].map { "Twilio error \(code): \($0)" } ?? "Twilio error \(code)"
        }
        return .success([.status(DeliveryStatusEvent(providerMessageID: sid, status: mapped, error: error))])
    }

    /// Text as XML character data: the five special characters as entities,
    /// and control characters dropped: those XML 1.0 forbids (C0 but tab,
    /// LF and CR; U+FFFE, U+FFFF), which no escape can carry, and the C1
    /// range and DEL, which it discourages and an SMS cannot show.
    static func xmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    continue
                }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
