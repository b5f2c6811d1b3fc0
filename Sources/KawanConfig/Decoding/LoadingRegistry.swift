/// What has been claimed so far across all tenant files, for the rules
/// that span files: tenant ids and caseworker token digests are unique
/// daemon-wide.
struct LoadingRegistry: Sendable {
    /// Tenant id → the file that first used it.
    var tenantFiles: [String: String] = [:]
    /// Token digest (hex) → who first used it, e.g. `caseworker "ana" in tenants/demo.json`.
    var tokenOwners: [String: String] = [:]
}
