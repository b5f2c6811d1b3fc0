public import Foundation
public import KawanConfig

/// WhatsApp Business Cloud API: `POST /{phone_number_id}/messages` with
/// `messaging_product: "whatsapp"`, `to`, `type: "text"`, `text.body`, a
/// Bearer access token; the answer's `messages[0].id` (a `wamid`) is what
/// status webhooks refer to
/// (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).
///
/// Free-form messages are only allowed within 24 hours of the worker's last
/// message (WhatsApp's customer service window); later ones would need an
/// approved template. Kawan refuses them with a clear reason rather than
/// letting Meta reject them (error 131047) or sending them into the void.
/// No idempotency key (at least once).
public struct WhatsAppOutboundChannel: OutboundChannel {
    public let settings: WhatsAppSettings
    public let baseURL: String

    public init(settings: WhatsAppSettings, apiBaseURL: String? = nil) {
        self.settings = settings
        self.baseURL = ProviderAnswer.base(apiBaseURL, default: MetaGraphAPI.defaultBaseURL)
    }

    public func request(for message: OutboundMessage, now: Date) -> Result<ProviderRequest, SendRefusal> {
        guard let lastInbound = message.lastInboundAt,
              now.timeIntervalSince(lastInbound) <= MetaGraphAPI.standardWindow else {
            return .failure(SendRefusal(
                "WhatsApp allows free-form replies only within 24 hours of the worker's last message; "
                    + "the window is closed (templates are not supported), so this reply was not sent"))
        }
        let body = ProviderAnswer.jsonBody([
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": message.recipientAddress,
            "type": "text", "text": ["preview_url": false, "body": message.text] as [String: Any],
        ])
        return .success(ProviderRequest(
            method: "POST", url: baseURL + "/" + ProviderAnswer.pathSegment(settings.phoneNumberID) + "/messages",
            headers: [.init("Authorization", "Bearer " + settings.accessToken.string),
                      .init("Content-Type", "application/json")],
            body: body))
    }

    public func interpret(status: Int, headers: [ProviderRequest.Header], body: [UInt8]) -> SendOutcome {
        MetaGraphAPI.interpret(status: status, headers: headers, body: body,
                               acceptedID: { ProviderAnswer.string($0, "messages", "0", "id") })
    }
}
