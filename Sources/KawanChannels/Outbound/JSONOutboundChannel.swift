public import Foundation

/// Kawan's own signed JSON channel has no API to call: its replies travel
/// in the webhook's response (`{"replies":[{"text":"..."}]}`). A reply
/// that could not go inline (a caseworker's later answer) is refused, so it
/// fails visibly instead of waiting in the outbox forever; the integration
/// fetches it through the caseworker API instead.
public struct JSONOutboundChannel: OutboundChannel {
    public init() {}

    public func request(for message: OutboundMessage, now: Date) -> Result<ProviderRequest, SendRefusal> {
        .failure(SendRefusal("the json channel replies inline only"))
    }

    public func interpret(status: Int, headers: [ProviderRequest.Header], body: [UInt8]) -> SendOutcome {
        .permanent(reason: "the json channel replies inline only")
    }
}
