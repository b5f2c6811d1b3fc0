import Foundation
import KawanCrypto
import KawanStore
import Synchronization
import Testing

@Suite("Tenant isolation, concurrent claims, leases and replies")
struct IsolationAndConcurrencyTests {
    @Test func anotherTenantsIdsAnswer404AndChangeNothing() async throws {
        let fixture = try APIFixture()
        // Overlapping data: both tenants have escalations on the same channel
        // ids, with the same address and language.
        var demoIDs: [Int64] = []
        for index in 0..<3 {
            demoIDs.append(try await fixture.seed(tenant: "demo", address: "+6281111111\(index)"))
            try await fixture.seed(tenant: "other", address: "+6281111111\(index)")
        }
        let claimedByAna = demoIDs[0]
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(claimedByAna)/claim").status == 200)
        let before = try await fixture.snapshot()
        let olga = APIFixture.olga
        for id in demoIDs {
            let calls: [(String, String, String?)] = [
                ("GET", "/api/v1/escalations/\(id)", nil),
                ("POST", "/api/v1/escalations/\(id)/claim", nil),
                ("POST", "/api/v1/escalations/\(id)/release", nil),
                ("POST", "/api/v1/escalations/\(id)/messages", #"{"text":"hello"}"#),
                ("POST", "/api/v1/escalations/\(id)/notes", #"{"text":"note"}"#),
                ("POST", "/api/v1/escalations/\(id)/resolve", #"{"outcome":"resolved"}"#),
                ("POST", "/api/v1/escalations/\(id)/reveal-contact", nil),
            ]
            for (method, path, body) in calls {
                let response = try await fixture.request(method, path, token: olga, body: body)
                #expect(response.status == 404, "\(method) \(path)")
                #expect(response.text == #"{"error":{"code":"not_found","message":"no such escalation"}}"#)
            }
        }
        // The same answer as an id that exists nowhere.
        let missing = try await fixture.request("GET", "/api/v1/escalations/987654", token: olga)
        #expect(missing.text == #"{"error":{"code":"not_found","message":"no such escalation"}}"#)
        // Lists, claim-next and stats see only the caller's tenant.
        let list = try await fixture.request("GET", "/api/v1/escalations?limit=200", token: olga)
        let listed = Set((list.json["escalations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        #expect(listed.count == 3 && listed.isDisjoint(with: demoIDs.map(String.init)))
        let stats = try await fixture.request("GET", "/api/v1/stats", token: olga)
        #expect(stats.json["total"] as? Int == 3)
        #expect(try await fixture.snapshot() == before)
        for _ in 0..<3 {
            let next = try await fixture.request("POST", "/api/v1/escalations/claim-next", token: olga)
            #expect(next.status == 200)
            #expect(!demoIDs.map(String.init).contains(next.json["id"] as? String ?? ""))
        }
        #expect(try await fixture.request("POST", "/api/v1/escalations/claim-next", token: olga).status == 204)
        #expect(try await fixture.value("SELECT COUNT(*) FROM escalations WHERE tenant_id = 'demo' AND status = 'open'").int64 == 2)
        await fixture.stop()
    }

    @Test func fiftyConcurrentClaimNextCallsOnTenEscalationsClaimEachOnce() async throws {
        let fixture = try APIFixture()
        for index in 0..<10 { try await fixture.seed(priority: index % 3 == 0 ? "urgent" : "normal") }
        let results = try await withThrowingTaskGroup(of: APIFixture.Response.self) { group in
            for index in 0..<50 {
                group.addTask {
                    try await fixture.request("POST", "/api/v1/escalations/claim-next",
                                              token: index % 2 == 0 ? APIFixture.ana : APIFixture.budi)
                }
            }
            return try await group.reduce(into: [APIFixture.Response]()) { $0.append($1) }
        }
        let claims = results.filter { $0.status == 200 }.compactMap { $0.json["id"] as? String }
        #expect(claims.count == 10)
        #expect(Set(claims).count == 10)
        #expect(results.filter { $0.status == 204 }.count == 40)
        #expect(try await fixture.value("SELECT COUNT(*) FROM escalations WHERE status = 'claimed'").int64 == 10)
        #expect(try await fixture.value("SELECT COUNT(*) FROM escalation_events WHERE kind = 'claimed'").int64 == 10)
        await fixture.stop()
    }

    @Test func anExpiredLeaseReturnsTheEscalationToTheQueue() async throws {
        let fixture = try APIFixture(leaseMinutes: 1)
        let id = try await fixture.seed()
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/claim").status == 200)
        fixture.advance(milliseconds: 50_000)
        // A note by the claimant renews the lease: 60 s from now.
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/notes", body: #"{"text":"on it"}"#).status == 201)
        fixture.advance(milliseconds: 50_000)
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/claim", token: APIFixture.budi).status == 409)
        fixture.advance(milliseconds: 11_000)
        // Expired: budi may claim it now, lazily expired inside the claim.
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/claim", token: APIFixture.budi).status == 200)
        let events = try await fixture.request("GET", "/api/v1/escalations/\(id)").json["events"] as? [[String: Any]] ?? []
        #expect(events.map { $0["kind"] as? String ?? "" } == ["created", "claimed", "noted", "lease_expired", "claimed"])
        #expect(events[3]["detail"] as? String == "lease of ana expired")

        // The sweeper returns it without any action on it.
        fixture.api.start()
        fixture.advance(milliseconds: 61_000)
        var status = ""
        for _ in 0..<500 where status != "open" {  // up to 10 s on a loaded machine
            try await Task.sleep(for: .milliseconds(20))
            status = try await fixture.value("SELECT status FROM escalations WHERE id = ?", [.integer(id)]).string ?? ""
        }
        #expect(status == "open")
        let listed = try await fixture.request("GET", "/api/v1/escalations?status=open")
        #expect((listed.json["escalations"] as? [[String: Any]])?.first?["claimed_by"] is NSNull)
        await fixture.stop()
    }

    @Test func aReplyReachesTheProviderAndItsStatusComesBack() async throws {
        let fixture = try APIFixture()
        try await fixture.sender.start()
        let id = try await fixture.seed(channel: "telegram", address: "5550001")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/messages", body: #"{"text":"hi"}"#).errorCode == "not_claimant")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/claim").status == 200)
        let tooLong = String(repeating: "a", count: 4097)
        let refused = try await fixture.request("POST", "/api/v1/escalations/\(id)/messages", body: #"{"text":"\#(tooLong)"}"#)
        #expect(refused.status == 422 && refused.errorCode == "text_too_long")
        let accepted = try await fixture.request("POST", "/api/v1/escalations/\(id)/messages",
                                                 body: #"{"text":"Kami akan membantu Anda."}"#)
        #expect(accepted.status == 202)
        #expect(accepted.json["delivery_status"] as? String == "queued")
        #expect(accepted.json["author"] as? String == "ana")
        let messageID = try #require(accepted.json["id"] as? String)
        var delivered = ""
        for _ in 0..<750 where delivered != "sent" {  // up to 15 s on a loaded machine
            try await Task.sleep(for: .milliseconds(20))
            let messages = try await fixture.request("GET", "/api/v1/escalations/\(id)").json["messages"] as? [[String: Any]] ?? []
            delivered = messages.first { $0["id"] as? String == messageID }?["delivery_status"] as? String ?? ""
        }
        #expect(delivered == "sent")
        let sent = fixture.telegramRequests
        #expect(sent.count == 1)
        #expect(sent.first?["text"] as? String == "Kami akan membantu Anda.")
        #expect("\(sent.first?["chat_id"] ?? "")" == "5550001")
        let events = try await fixture.request("GET", "/api/v1/escalations/\(id)").json["events"] as? [[String: Any]] ?? []
        #expect(events.last?["kind"] as? String == "replied" && events.last?["actor"] as? String == "ana")
        await fixture.stop()
    }

    @Test func repliesOnSMSAreLimitedToTenSegmentsAndJSONChannelsWithoutReplyURLRefuseThem() async throws {
        let fixture = try APIFixture()
        let sms = try await fixture.seed(channel: "sms")
        let web = try await fixture.seed(channel: "web")
        for id in [sms, web] { #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/claim").status == 200) }
        let vietnamese = String(repeating: "ờ", count: 671)  // UCS-2: 11 segments
        let refused = try await fixture.request("POST", "/api/v1/escalations/\(sms)/messages", body: #"{"text":"\#(vietnamese)"}"#)
        #expect(refused.status == 422 && refused.errorCode == "text_too_long")
        let fits = String(repeating: "ờ", count: 670)
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(sms)/messages", body: #"{"text":"\#(fits)"}"#).status == 202)
        let json = try await fixture.request("POST", "/api/v1/escalations/\(web)/messages", body: #"{"text":"hi"}"#)
        #expect(json.status == 422 && json.errorCode == "channel_cannot_send")
        #expect(try await fixture.value("SELECT COUNT(*) FROM outbox").int64 == 1)
        await fixture.stop()
    }

    /// A json channel with `reply_url`: the caseworker's reply is POSTed
    /// there, signed like inbound webhooks, retried after a 503 with the
    /// same idempotency key, and its status comes back `sent`.
    @Test func aJSONChannelWithReplyURLReceivesSignedReplies() async throws {
        let fixture = try APIFixture()
        fixture.failFirstWidgetReply()
        let id = try await fixture.seed(channel: "web", address: "visitor-42")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/claim").status == 200)
        let before = try await fixture.request("POST", "/api/v1/escalations/\(id)/messages", body: #"{"text":"hi"}"#)
        #expect(before.status == 422 && before.errorCode == "channel_cannot_send")

        let port = fixture.standInPort
        try fixture.reload(tenant: "demo") { tenant in
            var channels = tenant["channels"] as! [[String: Any]]
            for index in channels.indices where channels[index]["id"] as? String == "web" {
                channels[index]["reply_url"] = "http://127.0.0.1:\(port)/widget/replies"
            }
            tenant["channels"] = channels
        }
        let tooLong = String(repeating: "a", count: 4097)
        let refused = try await fixture.request("POST", "/api/v1/escalations/\(id)/messages", body: #"{"text":"\#(tooLong)"}"#)
        #expect(refused.status == 422 && refused.errorCode == "text_too_long")
        try await fixture.sender.start()
        let accepted = try await fixture.request("POST", "/api/v1/escalations/\(id)/messages",
                                                 body: #"{"text":"Kami akan membantu Anda."}"#)
        #expect(accepted.status == 202)
        let messageID = try #require(accepted.json["id"] as? String)
        var delivered = ""
        for _ in 0..<750 where delivered != "sent" {  // up to 15 s; the 503 costs one backoff
            try await Task.sleep(for: .milliseconds(20))
            let messages = try await fixture.request("GET", "/api/v1/escalations/\(id)").json["messages"] as? [[String: Any]] ?? []
            delivered = messages.first { $0["id"] as? String == messageID }?["delivery_status"] as? String ?? ""
        }
        #expect(delivered == "sent")

        let requests = fixture.widgetRequests
        #expect(requests.count == 2, "one 503, then one accepted retry")
        let secret = try String(contentsOfFile: fixture.configDirectory + "/secrets/demo/web_secret", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var keys: [String] = []
        for request in requests {
            func header(_ name: String) -> String? { request.headers.first { $0.name.lowercased() == name.lowercased() }?.value }
            let timestamp = try #require(header("X-Kawan-Timestamp"))
            let expected = Digest.hmac(.sha256, key: Array(secret.utf8), message: Array(timestamp.utf8) + Array(".".utf8) + request.body)
            #expect(header("X-Kawan-Signature") == "sha256=" + Hex.encode(expected))
            #expect(abs((Double(timestamp) ?? 0) - Date().timeIntervalSince1970) < 60)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            #expect(body["to"] as? String == "visitor-42")
            #expect(body["text"] as? String == "Kami akan membantu Anda.")
            #expect(body["author"] as? String == "caseworker")
            #expect(body["id"] as? String == header("Idempotency-Key"))
            keys.append(header("Idempotency-Key") ?? "")
        }
        #expect(Set(keys).count == 1 && !keys[0].isEmpty, "a retry keeps its idempotency key")
        #expect(try await fixture.value("SELECT provider_message_id FROM messages WHERE id = ?", [.integer(Int64(messageID)!)]).string == "widget-77")
        await fixture.stop()
    }
}
