import KawanCrypto

/// Everything the daemon is configured with, validated as a whole.
///
/// Immutable: a reload builds a new value and swaps it in, so a request
/// always sees one consistent configuration.
public struct KawanConfiguration: Sendable {
    /// The directory it was loaded from, as given.
    public let directory: String
    public let gateway: GatewayConfiguration
    /// Sorted by id.
    public let tenants: [TenantConfiguration]

    private let tenantIndex: [String: Int]

    public init(directory: String, gateway: GatewayConfiguration, tenants: [TenantConfiguration]) {
        self.directory = directory
        self.gateway = gateway
        self.tenants = tenants.sorted { $0.id < $1.id }
        self.tenantIndex = Dictionary(self.tenants.enumerated().map { ($0.element.id, $0.offset) },
                                      uniquingKeysWith: { first, _ in first })
    }

    public func tenant(id: String) -> TenantConfiguration? {
        tenantIndex[id].map { tenants[$0] }
    }

    /// The caseworker whose token hashes to `digest`, and their tenant.
    /// Every configured digest is compared in constant time and the scan
    /// never stops early, so timing reveals nothing about which digests exist.
    public func caseworker(forTokenDigest digest: [UInt8]) -> (tenant: TenantConfiguration, caseworker: CaseworkerConfiguration)? {
        var match: (tenant: TenantConfiguration, caseworker: CaseworkerConfiguration)?
        for tenant in tenants {
            for caseworker in tenant.caseworkers where Digest.constantTimeEqual(caseworker.tokenSHA256, digest) {
                match = (tenant, caseworker)
            }
        }
        return match
    }

    /// The caseworker presenting `token` (as sent in an `Authorization` header).
    public func caseworker(forToken token: String) -> (tenant: TenantConfiguration, caseworker: CaseworkerConfiguration)? {
        caseworker(forTokenDigest: Digest.sha256(token))
    }

    /// One line per tenant for `kawan check-config`.
    public func summaryLines() -> [String] {
        tenants.map(\.summaryLine)
    }
}
