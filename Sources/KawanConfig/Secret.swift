/// A resolved credential (an auth token, an app secret).
///
/// Its `description`, `debugDescription` and mirror all show `<secret>`, so
/// logging a channel configuration, interpolating it into a string or
/// `dump`ing it can never leak the value. Channel code reads `bytes` or
/// `string` explicitly, at the one place the value is used.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The raw value, e.g. an HMAC key.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// The value as text, e.g. for an `Authorization` header.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
