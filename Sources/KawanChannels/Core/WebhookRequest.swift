public import Foundation
public import KawanHTTP

/// An inbound webhook as a channel sees it: the exact bytes and headers the
/// provider sent, and the public URL it called (signatures such as
/// Twilio's cover the URL the provider used, not the one the reverse proxy
/// forwarded to).
public struct WebhookRequest: Sendable {
    public var method: String
    /// `public_base_url` + the request target (path and query), e.g.
    /// `https://hotline.example.org/webhooks/demo/sms?x=1`.
    public var publicURL: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The raw query string (without `?`).
    public var query: String
    public var receivedAt: Date

    public init(method: String, publicURL: String, headers: HTTPHeaders, body: [UInt8], query: String = "",
                receivedAt: Date = Date()) {
        self.method = method
        self.publicURL = publicURL
        self.headers = headers
        self.body = body
        self.query = query
        self.receivedAt = receivedAt
    }

    /// The media type of the body, lower-cased, without parameters.
    public var mediaType: String {
        let value = headers["Content-Type"] ?? ""
        return value.split(separator: ";").first.map { $0.trimmedSpacesAndTabs.lowercased() } ?? ""
    }
}
