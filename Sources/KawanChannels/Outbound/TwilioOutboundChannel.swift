public import Foundation
public import KawanConfig

/// Twilio's REST Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
/// HTTP basic auth with the account SID and auth token, a form body with
/// `To`, `Body` and `From` or `MessagingServiceSid`; the answer's `sid` is
/// the message id its status callbacks use
/// (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource).
/// Twilio takes no idempotency key, so a send interrupted after Twilio
/// accepted it is sent again (at least once).
public struct TwilioOutboundChannel: OutboundChannel {
    public static let defaultBaseURL = "https://api.twilio.com"

    public let settings: TwilioSettings
    public let baseURL: String

    public init(settings: TwilioSettings, apiBaseURL: String? = nil) {
        self.settings = settings
        self.baseURL = ProviderAnswer.base(apiBaseURL, default: Self.defaultBaseURL)
    }

    public func request(for message: OutboundMessage, now: Date) -> Result<ProviderRequest, SendRefusal> {
        var fields = [("To", message.recipientAddress), ("Body", message.text)]
        switch settings.sender {
        case .phoneNumber(let number): fields.append(("From", number))
        case .messagingService(let sid): fields.append(("MessagingServiceSid", sid))
        }
        let credentials = Data((settings.accountSID + ":" + settings.authToken.string).utf8).base64EncodedString()
        return .success(ProviderRequest(
            method: "POST",
            url: baseURL + "/2010-04-01/Accounts/" + ProviderAnswer.pathSegment(settings.accountSID) + "/Messages.json",
            headers: [.init("Authorization", "Basic " + credentials),
                      .init("Content-Type", "application/x-www-form-urlencoded"),
                      .init("Accept", "application/json")],
            body: ProviderAnswer.formBody(fields)))
    }

    /// Errors look like `{"code": 21211, "message": "...", "status": 400}`.
    public func interpret(status: Int, headers: [ProviderRequest.Header], body: [UInt8]) -> SendOutcome {
        ProviderAnswer.classify(status: status, headers: headers, body: body,
                                acceptedID: { ProviderAnswer.string($0, "sid") },
                                errorText: { json in
                                    guard let message = ProviderAnswer.string(json, "message") else { return nil }
                                    return ProviderAnswer.string(json, "code").map { "\($0) \(message)" } ?? message
                                })
    }
}
