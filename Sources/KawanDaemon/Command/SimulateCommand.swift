import Foundation
import KawanChannels
import KawanConfig
import KawanConversation
import KawanCore
import KawanNLU
import KawanStore

/// `kawan simulate`: the hotline in a terminal. Each line typed is handled
/// exactly as a webhook would be (the same store writes, the same engine,
/// the same language understanding), and the replies are printed.
enum SimulateCommand {
    static let usage = """
    Usage: kawan simulate [--config DIR] [--tenant ID] [--channel ID] [--debug] [--db PATH] [--localization DIR]

    Chat with the hotline as a worker would: type a message, see the reply.
    Lines are read from standard input until end of input (Ctrl-D). The
    conversation is kept in a temporary database unless --db names one.

    Options:
      --config DIR         Configuration directory (default: Config)
      --tenant ID          Tenant to talk to (default: the first)
      --channel ID         Channel to write on; SMS channels get the short
                           answers (default: the tenant's json channel, else its first)
      --debug              Also show language, intent, confidence, urgency and escalations
      --db PATH            Keep the conversation in this database
      --localization DIR   Folder holding answers/ and nlu/ (default: Localization)
      -h, --help           Show this help
    """

    static func run(_ arguments: [String]) async throws(UsageError) -> Int32 {
        let parsed = try ArgumentScanner.scan(arguments, command: "kawan simulate",
                                              valueOptions: ["--config", "--tenant", "--channel", "--db", "--localization"],
                                              flagOptions: ["--debug"])
        if parsed.wantsHelp {
            print(usage)
            return 0
        }
        let localization = parsed.values["--localization"] ?? HotlineResources.defaultDirectory
        let resources: HotlineResources
        do {
            resources = try HotlineResources.load(directory: localization)
        } catch {
            KawanCommand.printError("kawan simulate: cannot load \(localization): \(error)")
            return 1
        }
        let directory = parsed.values["--config"] ?? "Config"
        guard let configuration = KawanCommand.loadValidConfiguration(directory, catalog: resources.catalog,
                                                                      command: "kawan simulate") else { return 1 }
        guard let tenant = parsed.values["--tenant"].map({ configuration.tenant(id: $0) }) ?? configuration.tenants.first else {
            throw UsageError("kawan simulate: no tenant \"\(parsed.values["--tenant"] ?? "")\" in \(directory)")
        }
        let channel: ChannelConfiguration
        if let id = parsed.values["--channel"] {
            guard let found = tenant.channel(id: id) else {
                throw UsageError("kawan simulate: tenant \(tenant.id) has no channel \"\(id)\"")
            }
            channel = found
        } else if let first = tenant.channels.first(where: { $0.type == .json }) ?? tenant.channels.first {
            channel = first
        } else {
            KawanCommand.printError("kawan simulate: tenant \(tenant.id) has no channels")
            return 1
        }

        let temporary = parsed.values["--db"] == nil
        let path = parsed.values["--db"] ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("kawan-simulate-\(getpid()).sqlite").path
        let database: Database
        do {
            database = try Database(path: path, configuration: Database.Configuration(durability: .normal, readerCount: 1),
                                    logger: Logger(level: .error))
        } catch {
            KawanCommand.printError("kawan simulate: cannot open \(path): \(error)")
            return 1
        }
        defer {
            if temporary { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
        }
        let metrics = MetricsRegistry()
        let engine = ConversationEngine(catalog: resources.catalog, analyser: NLUAnalyser(resources.understanding), metrics: metrics)
        let service = WebhookService(configuration: { configuration }, database: database, responder: engine,
                                     inbound: InboundChannels.make(for:), metrics: metrics, logger: Logger(level: .error))
        let debug = parsed.flags.contains("--debug")
        let interactive = isatty(0) == 1
        if interactive {
            print("Talking to \(tenant.name) (\(tenant.id)) on \(channel.id) (\(channel.type.rawValue)). Ctrl-D ends.")
        }
        var number = 0
        while true {
            if interactive {
                FileHandle.standardOutput.write(Data("you> ".utf8))
            }
            guard let line = readLine() else { break }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            number += 1
            let event = InboundMessageEvent(providerMessageID: "simulate-\(number)", senderAddress: "simulator", text: text)
            do {
                let replies = try await service.simulate(event, tenantID: tenant.id, channelID: channel.id)
                if debug { try await printDebug(text, resources: resources, database: database, tenantID: tenant.id) }
                if replies.isEmpty { print("kawan> (no reply)") }
                for reply in replies { print("kawan> " + reply.replacingOccurrences(of: "\n", with: "\n       ")) }
            } catch {
                KawanCommand.printError("kawan simulate: \(error)")
                await database.close()
                return 1
            }
        }
        await database.close()
        return 0
    }

    static func printDebug(_ text: String, resources: HotlineResources, database: Database, tenantID: String) async throws {
        let analysis = resources.understanding.analyse(text)
        let candidates = analysis.candidates.map { "\($0.intent) \(String(format: "%.2f", $0.confidence))" }.joined(separator: ", ")
        print("  [debug] detected \(analysis.language.rawValue) (\(String(format: "%.2f", analysis.languageConfidence)))"
              + " intent \(analysis.intent ?? "abstained") (\(String(format: "%.2f", analysis.confidence)))"
              + (analysis.urgent ? " URGENT \(analysis.urgentSignals.joined(separator: ","))" : "")
              + " | top: \(candidates)")
        let (rows, language) = try await database.read { connection in
            (try connection.query("SELECT id, priority, status, reason FROM escalations WHERE tenant_id = ? ORDER BY id",
                                  [.text(tenantID)]),
             try connection.queryValue("SELECT language FROM conversations WHERE tenant_id = ? ORDER BY id DESC LIMIT 1",
                                       [.text(tenantID)]).string ?? "-")
        }
        let escalations = rows.map { "#\($0["id"].int64 ?? 0) \($0["priority"].string ?? "") \($0["status"].string ?? "") (\($0["reason"].string ?? ""))" }
        print("  [debug] conversation language \(language); escalations: \(escalations.isEmpty ? "none" : escalations.joined(separator: ", "))")
    }
}
