public import Foundation
public import KawanConfig

/// Messenger's Send API: `POST /me/messages` (the Page the page access
/// token belongs to) with `recipient.id`, `message.text` and a
/// `messaging_type` (https://developers.facebook.com/docs/messenger-platform/reference/send-api).
/// The token goes in an `Authorization: Bearer` header rather than the
/// `access_token` query parameter, so it never appears in a URL.
///
/// Within 24 hours of the worker's last message a reply is a `RESPONSE`.
/// After that only a person may answer, for up to 7 days, with
/// `messaging_type: MESSAGE_TAG` and `tag: HUMAN_AGENT`
/// (https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags);
/// anything else is refused here. No idempotency key (at least once).
public struct MessengerOutboundChannel: OutboundChannel {
    /// How long the `HUMAN_AGENT` tag allows a person to answer.
    static let humanAgentWindow: Double = 7 * 24 * 3600

    public let settings: MessengerSettings
    public let baseURL: String

    public init(settings: MessengerSettings, apiBaseURL: String? = nil) {
        self.settings = settings
        self.baseURL = ProviderAnswer.base(apiBaseURL, default: MetaGraphAPI.defaultBaseURL)
    }

    public func request(for message: OutboundMessage, now: Date) -> Result<ProviderRequest, SendRefusal> {
        guard let lastInbound = message.lastInboundAt else {
            return .failure(SendRefusal("Messenger only allows replies to a person who wrote first; "
                                            + "this conversation has no message from the worker"))
        }
        let age = now.timeIntervalSince(lastInbound)
        var body: [String: Any] = ["recipient": ["id": message.recipientAddress], "message": ["text": message.text]]
        if age <= MetaGraphAPI.standardWindow {
            body["messaging_type"] = "RESPONSE"
        } else if !message.authoredByPerson {
            return .failure(SendRefusal("Messenger's 24-hour window since the worker's last message is closed; "
                                            + "only a caseworker may answer now (HUMAN_AGENT tag, up to 7 days)"))
        } else if age <= Self.humanAgentWindow {
            body["messaging_type"] = "MESSAGE_TAG"
            body["tag"] = "HUMAN_AGENT"
        } else {
            return .failure(SendRefusal("Messenger allows even a caseworker's reply only within 7 days of the "
                                            + "worker's last message; this conversation is older"))
        }
        return .success(ProviderRequest(
            method: "POST", url: baseURL + "/me/messages",
            headers: [.init("Authorization", "Bearer " + settings.pageAccessToken.string),
                      .init("Content-Type", "application/json")],
            body: ProviderAnswer.jsonBody(body)))
    }

    public func interpret(status: Int, headers: [ProviderRequest.Header], body: [UInt8]) -> SendOutcome {
        MetaGraphAPI.interpret(status: status, headers: headers, body: body,
                               acceptedID: { ProviderAnswer.string($0, "message_id") })
    }
}
