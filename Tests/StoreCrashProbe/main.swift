// A child process for the store's durability test.
//
//   StoreCrashProbe crash --db PATH [--writers 16]
//       Writes forever from concurrent tasks with durability full and prints
//       "ACK <id>" only after each write call has returned. The test kills it
//       with SIGKILL and checks that every acknowledged id survived.
//
// The write-throughput benchmark is Benchmarks/StoreBenchmark.
import Foundation
import Glibc
import KawanCore
import KawanStore

/// `crash --db PATH [--writers N]`; anything else is a usage error (exit 64).
struct Options {
    var database = ""
    var writers = 16

    init(_ arguments: [String]) {
        var remaining = arguments.dropFirst()
        guard remaining.popFirst() == "crash" else { Options.usage("the command is crash") }
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { Options.usage("missing value for \(flag)") }
            switch flag {
            case "--db": database = value
            case "--writers":
                guard let count = Int(value), count > 0 else { Options.usage("bad --writers \(value)") }
                writers = count
            default: Options.usage("unknown option \(flag)")
            }
        }
        if database.isEmpty { Options.usage("need --db") }
    }

    static func usage(_ problem: String) -> Never {
        FileHandle.standardError.write(Data("StoreCrashProbe: \(problem)\nusage: StoreCrashProbe crash --db PATH [--writers N]\n".utf8))
        exit(64)
    }
}

/// One write(2) per line: lines from concurrent tasks never interleave and
/// nothing sits in a stdio buffer when the process is killed.
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

func crash(_ options: Options) async throws {
    let database = try Database(path: options.database, configuration: .init(durability: .full),
                                logger: Logger(level: .warning))
    let contact = try await database.write {
        try $0.ensureContact(tenantID: "tenant-a", channelID: "sms-1", address: "+6281200000000", now: milliseconds())
    }
    emit("READY")
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<options.writers {
            group.addTask {
                var sequence = 0
                while true {
                    sequence += 1
                    let next = message(contact: contact, writer: writer, sequence: sequence)
                    let id = try await database.write { try $0.insertInboundMessage(next).id }
                    emit("ACK \(id)")
                }
            }
        }
        try await group.waitForAll()
    }
}

let options = Options(CommandLine.arguments)
do {
    try await crash(options)
} catch {
    FileHandle.standardError.write(Data("StoreCrashProbe: \(error)\n".utf8))
    exit(1)
}
