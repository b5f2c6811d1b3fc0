import Foundation
import KawanChannels
import KawanStore
import Testing

/// The outbox sender against a stand-in provider on loopback (real HTTP
/// through libcurl, real SQLite file).
@Suite("Outbox sender against a loopback provider", .serialized)
struct OutboxSenderTests {
    @Test func successMarksTheMessageSent() async throws {
        let harness = try OutboxHarness(provider: try StandInProvider())
        try await harness.sender.start()
        let queued = try await harness.enqueue(text: "Halo, kami akan menelepon Anda")
        let done = try await harness.waitFor(queued) { $0.outboxState == "done" }
        #expect(done.deliveryStatus == "sent")
        #expect(done.providerMessageID == "SM1")
        #expect(done.attempts == 1)
        let request = try #require(harness.provider.requests.first)
        #expect(harness.provider.requests.count == 1)
        #expect(request.path == "/2010-04-01/Accounts/AC123/Messages.json")
        #expect(request.header("Authorization") == "Basic " + Data("AC123:twilio-token".utf8).base64EncodedString())
        #expect(request.form == ["To": OutboxHarness.address, "Body": "Halo, kami akan menelepon Anda", "From": "+15005550006"])
        #expect(await harness.counter("kawan_outbox_sent_total", reaching: 1) == 1)
        // Nothing personal in the logs at info.
        let logged = harness.logs.lines.joined(separator: "\n")
        #expect(logged.contains("outbox.sent"))
        #expect(!logged.contains(OutboxHarness.address) && !logged.contains("menelepon") && !logged.contains("twilio-token"))
        await harness.shutdown()
    }

    @Test func serverErrorThenSuccessIsRetried() async throws {
        let provider = try StandInProvider()
        provider.script([.init(status: 500, body: #"{"code": 20500, "message": "Internal Server Error"}"#)])
        let harness = try OutboxHarness(provider: provider)
        try await harness.sender.start()
        let queued = try await harness.enqueue()
        let done = try await harness.waitFor(queued) { $0.outboxState == "done" }
        #expect(done.attempts == 2)
        #expect(done.deliveryStatus == "sent")
        #expect(provider.requests.count == 2)
        #expect(await harness.counter("kawan_outbox_sent_total", reaching: 1) == 1)
        #expect(harness.counter("kawan_outbox_retried_total") == 1)
        await harness.shutdown()
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        let provider = try StandInProvider()
        provider.script([.init(status: 429, headers: [("Retry-After", "1")],
                               body: #"{"code": 20429, "message": "Too Many Requests", "status": 429}"#)])
        let harness = try OutboxHarness(provider: provider)
        try await harness.sender.start()
        let queued = try await harness.enqueue()
        // While waiting, the row shows why.
        let waiting = try await harness.waitFor(queued) { $0.attempts == 1 }
        #expect(waiting.outboxState == "pending")
        #expect(waiting.lastError == "HTTP 429: 20429 Too Many Requests")
        try await harness.waitFor(queued) { $0.outboxState == "done" }
        let requests = provider.requests
        #expect(requests.count == 2)
        #expect(requests[1].at - requests[0].at >= .seconds(1))
        await harness.shutdown()
    }

    @Test func permanentErrorFailsAfterOneAttempt() async throws {
        let provider = try StandInProvider()
        provider.script([.init(status: 400, body: #"{"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}"#)])
        let harness = try OutboxHarness(provider: provider)
        try await harness.sender.start()
        let queued = try await harness.enqueue()
        let failed = try await harness.waitFor(queued) { $0.outboxState == "failed" }
        #expect(failed.attempts == 1)
        #expect(failed.deliveryStatus == "failed")
        #expect(failed.error == "HTTP 400: 21211 Invalid 'To' Phone Number")
        try await Task.sleep(for: .milliseconds(300))
        #expect(provider.requests.count == 1)
        #expect(await harness.counter("kawan_outbox_failed_total", reaching: 1) == 1)
        await harness.shutdown()
    }

    @Test func timeoutIsRetried() async throws {
        let provider = try StandInProvider()
        provider.script([.init(status: 201, body: #"{"sid": "SMslow"}"#, delay: .seconds(2))])
        let harness = try OutboxHarness(
            provider: provider,
            transport: .init(connectTimeout: .seconds(1), totalTimeout: .milliseconds(300), threads: 2))
        try await harness.sender.start()
        let queued = try await harness.enqueue()
        let done = try await harness.waitFor(queued) { $0.outboxState == "done" }
        #expect(done.attempts == 2)
        #expect(done.providerMessageID == "SM1")
        #expect(provider.requests.count == 2)
        await harness.shutdown()
    }

    @Test func lastAttemptMarksTheMessageFailed() async throws {
        let provider = try StandInProvider()
        provider.script(Array(repeating: .init(status: 503), count: 3))
        let harness = try OutboxHarness(provider: provider, settings: OutboxHarness.fastSettings(maximumAttempts: 3))
        try await harness.sender.start()
        let queued = try await harness.enqueue()
        let failed = try await harness.waitFor(queued) { $0.outboxState == "failed" }
        #expect(failed.attempts == 3)
        #expect(failed.error == "gave up after 3 attempts: HTTP 503")
        #expect(provider.requests.count == 3)
        await harness.shutdown()
    }

    @Test func restartInTheMiddleOfRetriesContinuesTheCount() async throws {
        let provider = try StandInProvider()
        provider.script(Array(repeating: .init(status: 500), count: 3))
        let harness = try OutboxHarness(provider: provider, settings: OutboxHarness.fastSettings(baseDelay: 0.4))
        try await harness.sender.start()
        let queued = try await harness.enqueue()
        let before = try await harness.waitFor(queued) { $0.attempts >= 2 }
        #expect(before.outboxState != "done")
        try await harness.restart()
        let done = try await harness.waitFor(queued) { $0.outboxState == "done" }
        #expect(done.attempts == 4)
        #expect(provider.requests.count == 4)
        #expect(provider.accepted == 1)
        await harness.shutdown()
    }

    @Test func rowsLeftSendingByACrashAreSentAfterRestart() async throws {
        let harness = try OutboxHarness(provider: try StandInProvider())
        // Queued while no sender runs, then marked as a dead daemon would leave it.
        let queued = try await harness.enqueue()
        try await harness.database.write { connection in
            try connection.execute("UPDATE outbox SET state = 'sending', next_attempt_at = next_attempt_at + 3600000 WHERE id = ?",
                                   [.integer(queued.outboxID)])
        }
        try await harness.sender.start()
        let done = try await harness.waitFor(queued) { $0.outboxState == "done" }
        #expect(done.attempts == 1)
        #expect(harness.provider.requests.count == 1)
        await harness.shutdown()
    }

    @Test func whatsappOutsideTheWindowFailsWithoutARequest() async throws {
        let harness = try OutboxHarness(provider: try StandInProvider())
        try await harness.sender.start()
        let queued = try await harness.enqueue(channel: "whatsapp", address: "6281200000001", lastInboundAgo: 25 * 3600)
        let failed = try await harness.waitFor(queued) { $0.outboxState == "failed" }
        #expect(failed.deliveryStatus == "failed")
        #expect(failed.error?.contains("24 hours") == true)
        #expect(failed.attempts == 0)
        #expect(harness.provider.requests.isEmpty)
        #expect(await harness.counter("kawan_outbox_failed_total", channel: "whatsapp", reaching: 1) == 1)
        await harness.shutdown()
    }

    @Test func lineExpiredReplyTokenPushesWithAStableRetryKey() async throws {
        let provider = try StandInProvider(success: StandInProvider.lineSuccess)
        provider.script([.init(status: 500, body: #"{"message":"An error occurred in the backend"}"#)])
        let harness = try OutboxHarness(provider: provider)
        try await harness.sender.start()
        let queued = try await harness.enqueue(channel: "line", address: "U00000000000000000000000000000001",
                                               replyToken: "0f3779fba3b349968c5d07db31eab56f", replyTokenExpiresIn: -5)
        let done = try await harness.waitFor(queued) { $0.outboxState == "done" }
        #expect(done.providerMessageID == "600001")
        let requests = provider.requests
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.path == "/v2/bot/message/push" })
        let keys = requests.map { $0.header("X-Line-Retry-Key") }
        #expect(keys[0] != nil && keys[0] == keys[1])
        #expect(keys[0] == LineOutboundChannel.retryKey(for: queued.idempotencyKey))
        #expect(requests[0].header("Authorization") == "Bearer line-token")
        await harness.shutdown()
    }

    @Test func lineFreshReplyTokenUsesReplyAndFallsBackToPushWhenRefused() async throws {
        let provider = try StandInProvider(success: StandInProvider.lineSuccess)
        provider.script([.init(status: 400, body: #"{"message":"Invalid reply token"}"#)])
        let harness = try OutboxHarness(provider: provider)
        try await harness.sender.start()
        let queued = try await harness.enqueue(channel: "line", address: "U1", replyToken: "rt", replyTokenExpiresIn: 50)
        let done = try await harness.waitFor(queued) { $0.outboxState == "done" }
        #expect(done.attempts == 2)
        #expect(provider.requests.map(\.path) == ["/v2/bot/message/reply", "/v2/bot/message/push"])
        await harness.shutdown()
    }

    @Test func channelRateLimitPacesSends() async throws {
        let harness = try OutboxHarness(provider: try StandInProvider(), channelRate: 10)
        var queued: [QueuedReply] = []
        for index in 0..<20 { queued.append(try await harness.enqueue(address: "+62812000\(index)")) }
        try await harness.sender.start()
        for reply in queued { try await harness.waitFor(reply) { $0.outboxState == "done" } }
        let requests = harness.provider.requests
        #expect(requests.count == 20)
        // 10 in the first burst, then 10 more at 10/s: about one second.
        let span = requests.last!.at - requests.first!.at
        #expect(span >= .milliseconds(850))
        #expect(span < .seconds(3))
        await harness.shutdown()
    }
}
