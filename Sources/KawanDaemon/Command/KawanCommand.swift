import Foundation
import KawanConfig
import KawanConversation
import KawanCore
import KawanStore

/// The `kawan` command: dispatches to subcommands and maps every outcome
/// to an exit code (0 success, 1 failure, 2 usage error).
public enum KawanCommand {
    static let usage = """
    kawan: a multi-tenant hotline gateway for organisations that help migrant workers.

    Usage: kawan <command> [options]

    Commands:
      serve          Run the daemon in the foreground.
      check-config   Validate a configuration directory and list its tenants.
      simulate       Chat with the hotline in the terminal, as a worker would.
      classify       Show what language understanding makes of a message.
      eval           Evaluate language understanding on a labelled JSONL file.
      token          Print a new caseworker API token and its digest line.
      backup         Copy a consistent snapshot of the live database.
      version        Print the version.
      help           Show this help, or a command's: kawan help serve

    Run 'kawan <command> --help' for a command's options.
    """

    static let serveUsage = """
    Usage: kawan serve [--config DIR] [--listen HOST:PORT] [--db PATH] [--log-level LEVEL] [--localization DIR]

    Runs the daemon in the foreground until SIGTERM or SIGINT; SIGHUP reloads
    the configuration. Refuses to start on an invalid configuration. Flags
    override Config/gateway.json.

    Options:
      --config DIR         Configuration directory (default: Config)
      --listen HOST:PORT   Address to listen on (default: gateway.json's listen,
                           127.0.0.1:8080); port 0 picks a free port
      --db PATH            SQLite database file (default: gateway.json's database)
      --log-level LEVEL    debug, info, notice, warning or error
      --localization DIR   Folder holding answers/ and nlu/ (default: Localization)
      -h, --help           Show this help
    """

    static let checkConfigUsage = """
    Usage: kawan check-config [--config DIR] [--localization DIR]

    Validates gateway.json and every tenants/<id>.json. Prints each problem as
    FILE:LINE: key.path: what is wrong and exits 1, or prints one summary line
    per tenant and exits 0. Tenant answer overrides and the placeholders the
    answers use are checked against the answer files in Localization/answers.

    Options:
      --config DIR         Configuration directory (default: Config)
      --localization DIR   Folder holding answers/ (default: Localization)
      -h, --help           Show this help
    """

    static let tokenUsage = """
    Usage: kawan token

    Prints a new random caseworker API token (256 bits from the system's
    CSPRNG) and the "token_sha256" line to paste into the caseworker's entry
    in the tenant file. Only the digest is stored; the token is shown once.
    """

    static let backupUsage = """
    Usage: kawan backup DEST [--config DIR] [--db PATH]

    Copies a consistent snapshot of the database to DEST with SQLite's online
    backup API, while the daemon keeps running. The database is found as
    'kawan serve' finds it: --db, else gateway.json's database. DEST is
    written whole or not at all (a temporary file is renamed over it).

    Options:
      --config DIR   Configuration directory (default: Config)
      --db PATH      Database file (overrides gateway.json)
      -h, --help     Show this help
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
            case "check-config":
                return try checkConfig(rest)
            case "simulate":
                return try await SimulateCommand.run(rest)
            case "classify":
                return try NLUCommands.classify(rest)
            case "eval":
                return try NLUCommands.eval(rest)
            case "backup":
                return try await backup(rest)
            case "token":
                let parsed = try ArgumentScanner.scan(rest, command: "kawan token", valueOptions: [])
                if parsed.wantsHelp { print(tokenUsage); return 0 }
                let token = CaseworkerToken.generate()
                print("token: \(token.token)")
                print("Give the token to the caseworker; it is not stored and cannot be shown again.")
                print("Paste this line into the caseworker's entry in Config/tenants/<tenant>.json:")
                print(token.configurationLine)
                return 0
            case "version", "--version":
                let parsed = try ArgumentScanner.scan(rest, command: "kawan version", valueOptions: [])
                if parsed.wantsHelp { print(versionUsage); return 0 }
                print("kawan \(KawanVersion.string)")
                return 0
            case "help", "--help", "-h":
                switch rest.first {
                case nil: print(usage)
                case "serve": print(serveUsage)
                case "check-config": print(checkConfigUsage)
                case "simulate": print(SimulateCommand.usage)
                case "classify": print(NLUCommands.classifyUsage)
                case "eval": print(NLUCommands.evalUsage)
                case "token": print(tokenUsage)
                case "backup": print(backupUsage)
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
                                              valueOptions: ["--config", "--listen", "--db", "--log-level", "--localization"])
        if parsed.wantsHelp {
            print(serveUsage)
            return 0
        }
        var overrides = ServeOverrides()
        if let listen = parsed.values["--listen"] {
            switch ListenAddress.parse(listen, allowEphemeralPort: true) {
            case .success(let address): overrides.listen = address
            case .failure(let error): throw UsageError("kawan serve: --listen: \(error.message)")
            }
        }
        if let path = parsed.values["--db"] { overrides.databasePath = path }
        if let name = parsed.values["--log-level"] {
            guard let level = LogLevel(name: name) else {
                throw UsageError("kawan serve: --log-level must be debug, info, notice, warning or error (got '\(name)')")
            }
            overrides.logLevel = level
        }
        let directory = parsed.values["--config"] ?? "Config"
        let localization = parsed.values["--localization"] ?? HotlineResources.defaultDirectory
        let resources: HotlineResources
        do {
            resources = try HotlineResources.load(directory: localization)
        } catch {
            printError("kawan serve: cannot load \(localization): \(error)")
            return 1
        }
        guard let configuration = loadValidConfiguration(directory, catalog: resources.catalog, command: "kawan serve") else {
            return 1
        }
        let daemon = Daemon(configuration: configuration, overrides: overrides, resources: resources)
        return await daemon.run()
    }

    /// The configuration, or nil after printing every problem (of the
    /// files and of the answers they override) to stderr.
    static func loadValidConfiguration(_ directory: String, catalog: AnswerCatalog, command: String) -> KawanConfiguration? {
        let problems: [ConfigurationProblem]
        do {
            let configuration = try ConfigurationLoader.load(directory: directory)
            problems = HotlineResources.problems(in: configuration, catalog: catalog)
            if problems.isEmpty { return configuration }
        } catch {
            problems = error.problems
        }
        for problem in ConfigurationErrors(problems: problems).problems { printError(problem.description) }
        printError("\(command): refusing to start: \(problems.count) configuration problem(s) in \(directory)")
        return nil
    }

    static func checkConfig(_ arguments: [String]) throws(UsageError) -> Int32 {
        let parsed = try ArgumentScanner.scan(arguments, command: "kawan check-config", valueOptions: ["--config", "--localization"])
        if parsed.wantsHelp {
            print(checkConfigUsage)
            return 0
        }
        let directory = parsed.values["--config"] ?? "Config"
        let localization = parsed.values["--localization"] ?? HotlineResources.defaultDirectory
        let catalog: AnswerCatalog
        do {
            catalog = try AnswerCatalog.load(directory: localization + "/answers")
        } catch {
            print("\(localization)/answers/\(error.description)")
            return 1
        }
        do {
            let configuration = try ConfigurationLoader.load(directory: directory)
            let problems = HotlineResources.problems(in: configuration, catalog: catalog)
            guard problems.isEmpty else { throw ConfigurationErrors(problems: problems) }
            for line in configuration.summaryLines() { print(line) }
            return 0
        } catch let error as ConfigurationErrors {
            for problem in error.problems { print(problem.description) }
            return 1
        } catch {
            print("kawan check-config: \(error)")
            return 1
        }
    }

    static func backup(_ arguments: [String]) async throws(UsageError) -> Int32 {
        let parsed = try ArgumentScanner.scan(arguments, command: "kawan backup", valueOptions: ["--config", "--db"],
                                              positionals: 1...1)
        if parsed.wantsHelp {
            print(backupUsage)
            return 0
        }
        let destination = parsed.positionals[0]
        let source: String
        if let path = parsed.values["--db"] {
            source = path
        } else {
            let directory = parsed.values["--config"] ?? "Config"
            do {
                source = try ConfigurationLoader.load(directory: directory).gateway.databasePath
            } catch {
                for problem in error.problems { printError(problem.description) }
                printError("kawan backup: cannot find the database: the configuration in \(directory) is invalid (or pass --db)")
                return 1
            }
        }
        guard FileManager.default.fileExists(atPath: source) else {
            printError("kawan backup: no database at \(source)")
            return 1
        }
        guard source != destination else {
            printError("kawan backup: DEST must differ from the database itself")
            return 1
        }
        let database: Database
        do {
            database = try Database(path: source, configuration: Database.Configuration(readerCount: 1),
                                    logger: Logger(level: .warning))
        } catch {
            printError("kawan backup: cannot open \(source): \(error)")
            return 1
        }
        do {
            try database.backup(to: destination)
        } catch {
            await database.close()
            printError("kawan backup: \(error)")
            return 1
        }
        await database.close()
        print("kawan backup: copied \(source) to \(destination)")
        return 0
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
