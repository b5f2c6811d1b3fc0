public import Foundation

/// Loads and validates a configuration directory:
///
///     gateway.json
///     tenants/<id>.json   one per tenant
///
/// Every problem in every file is collected before failing, so one run of
/// `kawan check-config` shows them all. Files not ending in `.json` (and
/// hidden files) under `tenants/` are ignored, so editors' backups are harmless.
public enum ConfigurationLoader {
    public static let gatewayFileName = "gateway.json"
    public static let tenantsDirectoryName = "tenants"

    /// The validated configuration, or every problem found.
    /// `environment` supplies `env:` secrets and `CREDENTIALS_DIRECTORY`.
    public static func load(directory: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationErrors) -> KawanConfiguration {
        let base = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        guard isDirectory(base) else {
            throw ConfigurationErrors(problems: [
                ConfigurationProblem(file: directory, line: nil, keyPath: "-", message: "configuration directory not found"),
            ])
        }
        let resolver = SecretResolver(configurationDirectory: base, environment: environment)
        var problems: [ConfigurationProblem] = []

        var gatewayLog = ProblemLog(file: gatewayFileName)
        var gateway = GatewayConfiguration.defaults
        if let root = parseFile(base + "/" + gatewayFileName, &gatewayLog) {
            gateway = GatewayDecoder.decode(root, &gatewayLog)
        }
        problems += gatewayLog.problems

        var registry = LoadingRegistry()
        var tenants: [TenantConfiguration] = []
        let tenantsPath = base + "/" + tenantsDirectoryName
        if !isDirectory(tenantsPath) {
            problems.append(ConfigurationProblem(file: tenantsDirectoryName, line: nil, keyPath: "-",
                                                 message: "directory not found (each tenant needs a file tenants/<id>.json)"))
        } else {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: tenantsPath)) ?? [])
                .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
                .sorted()
            if names.isEmpty {
                problems.append(ConfigurationProblem(file: tenantsDirectoryName, line: nil, keyPath: "-",
                                                     message: "no tenant files (each tenant needs a file tenants/<id>.json)"))
            }
            for name in names {
                var log = ProblemLog(file: tenantsDirectoryName + "/" + name)
                let stem = String(name.dropLast(".json".count))
                let fileID = Syntax.isIdentifier(stem) ? stem : nil
                if fileID == nil {
                    log.add(.root, line: nil, "file name must be <id>.json where the id \(Syntax.identifierRule)")
                }
                if let root = parseFile(tenantsPath + "/" + name, &log),
                   let tenant = TenantDecoder.decode(root, fileID: fileID, resolver: resolver, registry: &registry, &log) {
                    tenants.append(tenant)
                }
                problems += log.problems
            }
        }

        guard problems.isEmpty else { throw ConfigurationErrors(problems: problems) }
        return KawanConfiguration(directory: directory, gateway: gateway, tenants: tenants)
    }

    /// The file's JSON tree, or nil after logging why it cannot be read.
    private static func parseFile(_ path: String, _ log: inout ProblemLog) -> JSONValue? {
        guard FileManager.default.fileExists(atPath: path) else {
            log.add(.root, line: nil, "file not found")
            return nil
        }
        guard !isDirectory(path), let data = FileManager.default.contents(atPath: path) else {
            log.add(.root, line: nil, "cannot be read")
            return nil
        }
        do {
            return try JSONParser.parse(Array(data))
        } catch {
            log.add(.root, line: error.line, "\(error.message) (column \(error.column))")
            return nil
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
