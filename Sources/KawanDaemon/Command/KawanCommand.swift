import Foundation
import KawanCore
import KawanHTTP

/// The `kawan` command: dispatches to subcommands and maps every outcome
/// to an exit code (0 success, 1 failure, 2 usage error).
public enum KawanCommand {
    static let usage = """
    kawan: a multi-tenant hotline gateway for organisations that help migrant workers.

    Usage: kawan <command> [options]

    Commands:
      serve     Run the daemon in the foreground.
      version   Print the version.
      help      Show this help, or a command's: kawan help serve

    Run 'kawan <command> --help' for a command's options.
    """

    static let serveUsage = """
    Usage: kawan serve [--config DIR] [--listen HOST:PORT] [--db PATH] [--log-level LEVEL]

    Runs the daemon in the foreground until SIGTERM or SIGINT; SIGHUP reloads
    the configuration. Flags override Config/gateway.json.

    Options:
      --config DIR         Configuration directory (default: Config)
      --listen HOST:PORT   Address to listen on (default: 127.0.0.1:8080)
      --db PATH            SQLite database file (default: var/kawan.sqlite)
      --log-level LEVEL    debug, info, notice, warning or error (default: info)
      -h, --help           Show this help
    """

    static let versionUsage = """
    Usage: kawan version

    Prints the version of this kawan binary.
    """

    /// Runs the command line (without the program name) and returns the exit code.
    public static func run(_ arguments: [String]) async -> Int32 {
        guard let command = arguments.first else {
            printError(usage)
            return 2
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch command {
            case "serve":
                return try await serve(rest)
            case "version", "--version":
                let parsed = try ArgumentScanner.scan(rest, command: "kawan version", valueOptions: [])
                if parsed.wantsHelp { print(versionUsage); return 0 }
                print("kawan \(KawanVersion.string)")
                return 0
            case "help", "--help", "-h":
                switch rest.first {
                case nil: print(usage)
                case "serve": print(serveUsage)
                case "version": print(versionUsage)
                case let other?:
                    throw UsageError("kawan help: unknown command '\(other)'")
                }
                return 0
            default:
                throw UsageError("kawan: unknown command '\(command)'")
            }
        } catch let error as UsageError {
            printError("\(error.message)\nRun 'kawan --help' for usage.")
            return 2
        } catch {
            printError("kawan: \(error)")
            return 1
        }
    }

    static func serve(_ arguments: [String]) async throws(UsageError) -> Int32 {
        let parsed = try ArgumentScanner.scan(arguments, command: "kawan serve",
                                              valueOptions: ["--config", "--listen", "--db", "--log-level"])
        if parsed.wantsHelp {
            print(serveUsage)
            return 0
        }
        var settings = DaemonSettings()
        if let directory = parsed.values["--config"] { settings.configDirectory = directory }
        if let listen = parsed.values["--listen"] {
            guard let address = ListenAddress(parsing: listen) else {
                throw UsageError("kawan serve: --listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got '\(listen)')")
            }
            settings.http.host = address.host
            settings.http.port = address.port
        }
        if let path = parsed.values["--db"] { settings.databasePath = path }
        if let name = parsed.values["--log-level"] {
            guard let level = LogLevel(name: name) else {
                throw UsageError("kawan serve: --log-level must be debug, info, notice, warning or error (got '\(name)')")
            }
            settings.logLevel = level
        }
        let daemon = Daemon(settings: settings, logger: Logger(level: settings.logLevel))
        return await daemon.run()
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
