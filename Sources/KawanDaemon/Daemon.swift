import Dispatch
import Foundation
public import KawanConfig
public import KawanCore
import KawanAPI
import KawanChannels
import KawanConversation
import KawanHTTP
import KawanStore

/// Command-line values that override `gateway.json`.
public struct ServeOverrides: Sendable, Equatable {
    public var listen: ListenAddress?
    public var databasePath: String?
    public var logLevel: LogLevel?

    public init(listen: ListenAddress? = nil, databasePath: String? = nil, logLevel: LogLevel? = nil) {
        self.listen = listen
        self.databasePath = databasePath
        self.logLevel = logLevel
    }
}

/// The running daemon: wires configuration, the HTTP server, operations
/// endpoints, signals and systemd together, and drains on SIGTERM/SIGINT.
public final class Daemon: Sendable {
    public let gateway: GatewayConfiguration
    let configurationDirectory: String
    let holder: ConfigurationHolder
    let logger: Logger
    let metrics = MetricsRegistry()
    let readiness = Readiness()
    let notifier: SystemdNotifier
    let resources: HotlineResources

    /// - Parameters:
    ///   - configuration: validated at start-up by the caller.
    ///   - overrides: flags, applied over `configuration.gateway`.
    ///   - resources: the answers and language understanding.
    public init(configuration: KawanConfiguration, overrides: ServeOverrides, resources: HotlineResources,
                notifier: SystemdNotifier = SystemdNotifier()) {
        var gateway = configuration.gateway
        if let listen = overrides.listen { gateway.listen = listen }
        if let path = overrides.databasePath { gateway.databasePath = path }
        if let level = overrides.logLevel { gateway.logLevel = level }
        self.gateway = gateway
        configurationDirectory = configuration.directory
        holder = ConfigurationHolder(configuration)
        logger = Logger(level: gateway.logLevel)
        self.notifier = notifier
        self.resources = resources
    }

    var httpConfiguration: HTTPServerConfiguration {
        let limits = gateway.http
        return HTTPServerConfiguration(
            host: gateway.listen.host, port: UInt16(gateway.listen.port), ioThreads: limits.ioThreads,
            maxRequestLineBytes: limits.maxRequestLineBytes, maxHeaderBytes: limits.maxHeaderBytes,
            maxHeaderCount: limits.maxHeaderCount, maxBodyBytes: limits.maxBodyBytes,
            headerTimeout: limits.headerTimeoutSeconds, bodyTimeout: limits.bodyTimeoutSeconds,
            keepAliveTimeout: limits.keepAliveTimeoutSeconds, maxConnections: limits.maxConnections,
            shutdownGrace: limits.shutdownGraceSeconds)
    }

    /// Runs until SIGTERM or SIGINT; returns the process exit code.
    public func run() async -> Int32 {
        let signals = SignalWatcher()
        signals.start()

        metrics.gauge("kawan_build_info", help: "Kawan build information; always 1.", labels: ["version"])
            .set(1, [KawanVersion.string])
        let catalog = resources.catalog
        let reloader = ConfigurationReloader(holder: holder, directory: configurationDirectory, logger: logger, metrics: metrics,
                                             extraChecks: { HotlineResources.problems(in: $0, catalog: catalog) })

        let database: Database
        do {
            database = try openDatabase()
        } catch {
            logger.error("daemon.database_failed", ["error": .error(error)])
            return 1
        }
        readiness.add("database") {
            do {
                try await database.checkWritable()
                return nil
            } catch {
                return "cannot be written (\(LogValue.error(error)))"
            }
        }

        var router = Router()
        OperationsRoutes.add(to: &router, readiness: readiness, metrics: metrics)
        let holder = self.holder
        let transport = CurlTransport()
        let sender = OutboxSender(database: database, transport: transport, configuration: { holder.snapshot },
                                  settings: OutboxSettings(), metrics: metrics, logger: logger)
        let alerts = AlertSender(database: database, transport: transport, metrics: metrics, logger: logger)
        alerts.start()
        do {
            try await sender.start()
        } catch {
            logger.error("daemon.outbox_failed", ["error": .error(error)])
            await alerts.stop()
            await transport.shutdown()
            await database.close()
            return 1
        }
        let webhooks = WebhookService(configuration: { holder.snapshot }, database: database,
                                      responder: ConversationEngine(catalog: resources.catalog,
                                                                    analyser: NLUAnalyser(resources.understanding),
                                                                    metrics: metrics, alertsQueued: { alerts.notify() }),
                                      inbound: InboundChannels.make(for:),
                                      metrics: metrics, logger: logger, repliesQueued: { sender.notify() })
        webhooks.register(on: &router)
        let api = CaseworkerAPI(configuration: { holder.snapshot }, database: database, repliesQueued: { sender.notify() },
                                metrics: metrics, logger: logger)
        api.register(on: &router)
        api.start()

        let server = HTTPServer(configuration: httpConfiguration, router: router, logger: logger, metrics: metrics,
                                accessLog: gateway.accessLog)
        do {
            try server.start()
        } catch {
            logger.error("daemon.listen_failed", ["listen": .identifier(gateway.listen.description), "error": .error(error)])
            await api.stop()
            await sender.stop()
            await alerts.stop()
            await transport.shutdown()
            await database.close()
            return 1
        }
        readiness.setAccepting(true)
        let address = ListenAddress(host: gateway.listen.host, port: Int(server.port)).description
        logger.notice("daemon.ready", ["listen": .identifier(address), "version": .identifier(KawanVersion.string),
                                       "tenants": .int(holder.snapshot.tenants.count)])
        notifier.notify("READY=1", "STATUS=listening on \(address)", "MAINPID=\(getpid())")
        let watchdog = startWatchdog(port: server.port)

        for await signal in signals.signals {
            if signal == .hangup {
                notifier.notify("RELOADING=1", "MONOTONIC_USEC=\(monotonicMicroseconds())")
                reloader.reload()
                notifier.notify("READY=1", "STATUS=listening on \(address)")
                continue
            }
            logger.notice("daemon.stopping", ["signal": .identifier(signal == .terminate ? "SIGTERM" : "SIGINT")])
            break
        }
        notifier.notify("STOPPING=1", "STATUS=draining connections")
        readiness.setAccepting(false)
        await server.shutdown()
        await api.stop()
        await sender.stop()
        await alerts.stop()
        await transport.shutdown()
        await database.close()
        watchdog?.cancel()
        logger.notice("daemon.stopped")
        return 0
    }

    /// Opens (creating if needed, with its parent directory) and migrates
    /// the database at `gateway.databasePath`.
    func openDatabase() throws -> Database {
        let parent = (gateway.databasePath as NSString).deletingLastPathComponent
        if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        let durability: Durability = gateway.durability == .full ? .full : .normal
        return try Database(path: gateway.databasePath, configuration: Database.Configuration(durability: durability),
                            logger: logger, metrics: metrics)
    }

    /// Pings systemd's watchdog at half of `WATCHDOG_USEC`, only while the
    /// HTTP event loops answer a real `GET /healthz`, so a wedged loop stops
    /// the pings and systemd restarts the daemon.
    private func startWatchdog(port: UInt16) -> (any DispatchSourceTimer)? {
        guard let interval = SystemdNotifier.watchdogInterval() else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "kawan.watchdog"))
        let notifier = self.notifier
        let host = gateway.listen.host
        let logger = self.logger
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler {
            if HealthProbe.check(host: host, port: port, timeoutSeconds: max(1, Int(interval / 2))) {
                notifier.notify("WATCHDOG=1")
            } else {
                logger.warning("daemon.watchdog_probe_failed")
            }
        }
        timer.resume()
        return timer
    }

    private func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}
