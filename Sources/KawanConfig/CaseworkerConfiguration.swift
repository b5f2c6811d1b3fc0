/// A person who answers escalated conversations for one tenant.
///
/// Only the SHA-256 of their access token is configured, so configuration
/// files and backups never hold a usable credential.
public struct CaseworkerConfiguration: Sendable, Hashable {
    /// Unique within the tenant.
    public let id: String
    public let name: String
    /// Languages the caseworker can answer in, a subset of the tenant's.
    public let languages: [Language]
    /// SHA-256 of the token, 32 bytes.
    public let tokenSHA256: [UInt8]

    public init(id: String, name: String, languages: [Language], tokenSHA256: [UInt8]) {
        self.id = id
        self.name = name
        self.languages = languages
        self.tokenSHA256 = tokenSHA256
    }
}
