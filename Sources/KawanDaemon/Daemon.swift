import Dispatch
import Foundation
public import KawanCore
public import KawanHTTP

/// What `kawan serve` runs with, after flags have overridden the files.
public struct DaemonSettings: Sendable {
    public var configDirectory: String
    public var http: HTTPServerConfiguration
    public var databasePath: String
    public var logLevel: LogLevel
    public var accessLog: Bool

    public init(configDirectory: String = "Config", http: HTTPServerConfiguration = HTTPServerConfiguration(),
                databasePath: String = "var/kawan.sqlite", logLevel: LogLevel = .info, accessLog: Bool = true) {
        self.configDirectory = configDirectory
        self.http = http
        self.databasePath = databasePath
        self.logLevel = logLevel
        self.accessLog = accessLog
    }
}

/// The running daemon: wires the HTTP server, operations endpoints,
/// signals and systemd together, and drains on SIGTERM/SIGINT.
public final class Daemon: Sendable {
    let settings: DaemonSettings
    let logger: Logger
    let metrics = MetricsRegistry()
    let readiness = Readiness()
    let notifier: SystemdNotifier

    public init(settings: DaemonSettings, logger: Logger, notifier: SystemdNotifier = SystemdNotifier()) {
        self.settings = settings
        self.logger = logger
        self.notifier = notifier
    }

    /// Runs until SIGTERM or SIGINT; returns the process exit code.
    public func run() async -> Int32 {
        let signals = SignalWatcher()
        signals.start()

        metrics.gauge("kawan_build_info", help: "Kawan build information; always 1.", labels: ["version"])
            .set(1, [KawanVersion.string])

        var router = Router()
        OperationsRoutes.add(to: &router, readiness: readiness, metrics: metrics)

        let server = HTTPServer(configuration: settings.http, router: router, logger: logger, metrics: metrics,
                                accessLog: settings.accessLog)
        do {
            try server.start()
        } catch {
            logger.error("daemon.listen_failed", ["listen": .identifier("\(settings.http.host):\(settings.http.port)"),
                                                  "error": .error(error)])
            return 1
        }
        readiness.setAccepting(true)
        let address = ListenAddress(host: settings.http.host, port: server.port).description
        logger.notice("daemon.ready", ["listen": .identifier(address), "version": .identifier(KawanVersion.string)])
        notifier.notify("READY=1", "STATUS=listening on \(address)", "MAINPID=\(getpid())")
        let watchdog = startWatchdog(port: server.port)

        for await signal in signals.signals {
            if signal == .hangup {
                logger.notice("daemon.reload_requested")
                continue
            }
            logger.notice("daemon.stopping", ["signal": .identifier(signal == .terminate ? "SIGTERM" : "SIGINT")])
            break
        }
        notifier.notify("STOPPING=1", "STATUS=draining connections")
        readiness.setAccepting(false)
        await server.shutdown()
        watchdog?.cancel()
        logger.notice("daemon.stopped")
        return 0
    }

    /// Pings systemd's watchdog at half of `WATCHDOG_USEC`, only while the
    /// HTTP event loops answer a real request (so a wedged loop stops the
    /// pings and systemd restarts the daemon).
    private func startWatchdog(port: UInt16) -> (any DispatchSourceTimer)? {
        guard let interval = SystemdNotifier.watchdogInterval() else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "kawan.watchdog"))
        let notifier = self.notifier
        let host = settings.http.host
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
}
