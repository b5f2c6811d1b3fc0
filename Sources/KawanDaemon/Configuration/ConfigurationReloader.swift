public import Foundation
public import KawanConfig
public import KawanCore

/// Re-reads the configuration directory on SIGHUP. A valid configuration
/// replaces the old one whole; an invalid one is refused with every
/// problem logged, and the daemon keeps serving with what it had.
public struct ConfigurationReloader: Sendable {
    let holder: ConfigurationHolder
    let directory: String
    let logger: Logger
    let lastSuccess: GaugeFamily
    let lastTimestamp: GaugeFamily
    let reloads: CounterFamily
    /// Checks beyond the files themselves (the answers a tenant overrides).
    let extraChecks: @Sendable (KawanConfiguration) -> [ConfigurationProblem]

    public init(holder: ConfigurationHolder, directory: String, logger: Logger, metrics: MetricsRegistry,
                extraChecks: @escaping @Sendable (KawanConfiguration) -> [ConfigurationProblem] = { _ in [] }) {
        self.holder = holder
        self.directory = directory
        self.logger = logger
        self.extraChecks = extraChecks
        lastSuccess = metrics.gauge("kawan_config_last_reload_success",
                                    help: "1 if the last configuration reload succeeded, 0 if it was refused.")
        lastTimestamp = metrics.gauge("kawan_config_last_reload_timestamp_seconds",
                                      help: "Unix time of the last configuration reload attempt.")
        reloads = metrics.counter("kawan_config_reloads_total", help: "Configuration reload attempts, by result.",
                                  labels: ["result"])
    }

    /// Loads and, if valid, installs the configuration. Returns whether it did.
    @discardableResult
    public func reload(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        lastTimestamp.set(Date().timeIntervalSince1970)
        do throws(ConfigurationErrors) {
            let fresh = try ConfigurationLoader.load(directory: directory, environment: environment)
            let extra = extraChecks(fresh)
            guard extra.isEmpty else { throw ConfigurationErrors(problems: extra) }
            let old = holder.snapshot
            holder.replace(with: fresh)
            lastSuccess.set(1)
            reloads.increment(["success"])
            logger.notice("config.reloaded", ["tenants": .int(fresh.tenants.count)])
            for key in ConfigurationReloader.restartOnlyChanges(old.gateway, fresh.gateway) {
                logger.warning("config.restart_required", ["key": .identifier(key)])
            }
            return true
        } catch {
            lastSuccess.set(0)
            reloads.increment(["failure"])
            logger.error("config.reload_failed", ["problems": .int(error.problems.count)])
            for problem in error.problems {
                logger.error("config.problem", ["problem": .safe(problem)])
            }
            return false
        }
    }

    /// Gateway keys whose new values only take effect after a restart
    /// (the socket, the database and the server's limits are fixed at start).
    static func restartOnlyChanges(_ old: GatewayConfiguration, _ new: GatewayConfiguration) -> [String] {
        var keys: [String] = []
        if old.listen != new.listen { keys.append("listen") }
        if old.databasePath != new.databasePath { keys.append("database") }
        if old.durability != new.durability { keys.append("durability") }
        if old.logLevel != new.logLevel { keys.append("log_level") }
        if old.accessLog != new.accessLog { keys.append("access_log") }
        if old.http != new.http { keys.append("http") }
        return keys
    }
}
