import Foundation
import KawanCore
import KawanStore
import KawanTestSupport
import Synchronization
import Testing

/// A fresh directory per test, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("kawan-store-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try await body(directory)
}

/// Keeps test output quiet while still exercising the logging calls.
func quietLogger(_ sink: MemoryLogSink = MemoryLogSink()) -> Logger {
    Logger(level: .debug, sink: sink)
}

func openDatabase(_ path: String, _ configuration: Database.Configuration = .init(),
                  sink: MemoryLogSink = MemoryLogSink()) throws -> Database {
    try Database(path: path, configuration: configuration, logger: quietLogger(sink))
}

func seedContact(_ database: Database, tenant: String = "tenant-a", channel: String = "sms-1") async throws -> Int64 {
    try await database.write {
        try $0.ensureContact(tenantID: tenant, channelID: channel, address: "+628120000001", now: 1_700_000_000_000)
    }
}

func inbound(_ contact: Int64, _ providerID: String, tenant: String = "tenant-a", channel: String = "sms-1",
             body: String = "Paspor saya ditahan majikan") -> InboundMessage {
    InboundMessage(tenantID: tenant, channelID: channel, contactID: contact, providerMessageID: providerID,
                   body: body, language: "id", receivedAt: 1_700_000_000_000)
}

func count(_ database: Database, _ table: String) async throws -> Int {
    try await database.read { Int(try $0.queryValue("SELECT count(*) FROM \(table)").int64 ?? -1) }
}

/// Blocks the writer thread inside a write body until released, so a test
/// can queue writes behind it or hold the write lock.
final class Gate: Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)

    /// Called from the body, on the writer thread.
    func hold() {
        entered.signal()
        released.wait()
    }

    func waitUntilHeld() async throws {
        let entered = self.entered
        try await offPool { entered.wait() }
    }

    func release() { released.signal() }
}

final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
