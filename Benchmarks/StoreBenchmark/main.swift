// Acknowledged inbound-message writes per second into the store, from many
// concurrent writers: the figure behind Kawan's durable group commit.
//
//   kawan-store-bench --db PATH [--writers 64] [--seconds 5]
//                     [--durability full|normal] [--mode group|single]
//
// Deletes PATH (and its -wal/-shm) first. `single` caps batches at one write
// (one BEGIN IMMEDIATE/COMMIT per write), the baseline group commit beats.
// Run through Benchmarks/store-writes.sh, which builds it in release mode.
import Foundation
import Glibc
import KawanCore
import KawanStore

struct Options {
    var database = ""
    var writers = 16
    var seconds = 5.0
    var durability = Durability.full
    var batchMode = "group"

    init(_ arguments: [String]) {
        var remaining = arguments.dropFirst()
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { Options.usage("missing value for \(flag)") }
            switch flag {
            case "--db": database = value
            case "--writers": writers = Options.parsed(Int(value), flag, value)
            case "--seconds": seconds = Options.parsed(Double(value), flag, value)
            case "--durability": durability = Options.parsed(Durability(rawValue: value), flag, value)
            case "--mode":
                guard value == "group" || value == "single" else { Options.usage("bad --mode \(value)") }
                batchMode = value
            default: Options.usage("unknown option \(flag)")
            }
        }
        if database.isEmpty { Options.usage("need --db") }
    }

    static func parsed<T>(_ value: T?, _ flag: String, _ text: String) -> T {
        guard let value else { usage("bad \(flag) \(text)") }
        return value
    }

    static func usage(_ problem: String) -> Never {
        FileHandle.standardError.write(Data("kawan-store-bench: \(problem)\nusage: kawan-store-bench --db PATH [--writers N] [--seconds S] [--durability full|normal] [--mode group|single]\n".utf8))
        exit(64)
    }
}

/// One write(2) per line.
func emit(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
        if written < 0 {
            if errno == EINTR { continue }
            exit(74)
        }
        offset += written
    }
}

func milliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

func message(contact: Int64, writer: Int, sequence: Int) -> InboundMessage {
    InboundMessage(tenantID: "tenant-a", channelID: "sms-1", contactID: contact,
                   providerMessageID: "w\(writer)-\(sequence)",
                   body: "Saya belum menerima gaji selama dua bulan, tolong bantu.", language: "id",
                   receivedAt: milliseconds())
}

func bench(_ options: Options) async throws {
    for suffix in ["", "-wal", "-shm"] { unlink(options.database + suffix) }
    let batchSize = options.batchMode == "single" ? 1 : 512
    let database = try Database(path: options.database,
                                configuration: .init(durability: options.durability, maximumBatchSize: batchSize),
                                logger: Logger(level: .warning))
    let contact = try await database.write {
        try $0.ensureContact(tenantID: "tenant-a", channelID: "sms-1", address: "+6281200000000", now: milliseconds())
    }
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start.advanced(by: .milliseconds(Int(options.seconds * 1000)))
    let count = try await withThrowingTaskGroup(of: Int.self) { group in
        for writer in 0..<options.writers {
            group.addTask {
                var acknowledged = 0
                while clock.now < deadline {
                    let next = message(contact: contact, writer: writer, sequence: acknowledged)
                    _ = try await database.write { try $0.insertInboundMessage(next) }
                    acknowledged += 1
                }
                return acknowledged
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let statistics = database.statistics
    let stored = try await database.read { Int(try $0.queryValue("SELECT count(*) FROM messages").int64 ?? 0) }
    await database.close()
    emit(String(format: "mode=%@ durability=%@ writers=%d seconds=%.2f acked=%d rows=%d transactions=%d writes/s=%.0f writes/transaction=%.1f",
                options.batchMode, options.durability.rawValue, options.writers, seconds, count, stored,
                statistics.transactions, Double(count) / seconds,
                Double(statistics.writes) / Double(max(statistics.transactions, 1))))
}

let options = Options(CommandLine.arguments)
do {
    try await bench(options)
} catch {
    FileHandle.standardError.write(Data("kawan-store-bench: \(error)\n".utf8))
    exit(1)
}
