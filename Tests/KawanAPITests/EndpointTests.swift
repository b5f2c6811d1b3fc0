import Foundation
import KawanConfig
import KawanStore
import Testing

@Suite("Caseworker API endpoints through the real server")
struct EndpointTests {
    @Test func authenticationRequiresAKnownBearerToken() async throws {
        let fixture = try APIFixture()
        let missing = try await fixture.request("GET", "/api/v1/escalations", token: nil)
        #expect(missing.status == 401)
        #expect(missing.header("WWW-Authenticate") == "Bearer")
        #expect(missing.errorCode == "unauthorized")
        let wrong = try await fixture.request("GET", "/api/v1/escalations", token: "kwn_not_a_token")
        #expect(wrong.status == 401)
        let good = try await fixture.request("GET", "/api/v1/escalations")
        #expect(good.status == 200)
        await fixture.stop()
    }

    @Test func aReloadRevokesAndAddsTokensAtOnce() async throws {
        let fixture = try APIFixture()
        #expect(try await fixture.request("GET", "/api/v1/escalations", token: APIFixture.ana).status == 200)
        let newToken = "kwn_new_caseworker_for_reload_test"
        try fixture.reload(tenant: "demo") { tenant in
            tenant["caseworkers"] = [["id": "citra", "name": "Citra", "languages": ["en"],
                                      "token_sha256": CaseworkerToken.digestHex(of: newToken)]]
        }
        #expect(try await fixture.request("GET", "/api/v1/escalations", token: APIFixture.ana).status == 401)
        let claimed = try await fixture.request("POST", "/api/v1/escalations/claim-next", token: newToken)
        #expect(claimed.status == 204)
        await fixture.stop()
    }

    @Test func repeatedFailuresAreSlowedDownWith429() async throws {
        let fixture = try APIFixture(maximumAuthenticationFailures: 3)
        for _ in 0..<3 {
            #expect(try await fixture.request("GET", "/api/v1/escalations", token: "wrong").status == 401)
        }
        let limited = try await fixture.request("GET", "/api/v1/escalations", token: "wrong")
        #expect(limited.status == 429)
        #expect(limited.errorCode == "too_many_failures")
        #expect(Int(limited.header("Retry-After") ?? "") ?? 0 > 0)
        // Even a good token waits until the window ends.
        #expect(try await fixture.request("GET", "/api/v1/escalations").status == 429)
        fixture.advance(milliseconds: 61_000)
        #expect(try await fixture.request("GET", "/api/v1/escalations").status == 200)
        await fixture.stop()
    }

    @Test func listsTheQueueByPriorityThenAgeWithStableCursors() async throws {
        let fixture = try APIFixture()
        let normalOld = try await fixture.seed(priority: "normal", createdAt: APIFixture.start - 50_000)
        let urgent = try await fixture.seed(priority: "urgent", createdAt: APIFixture.start - 10_000)
        let high = try await fixture.seed(priority: "high", createdAt: APIFixture.start - 20_000)
        let normalNew = try await fixture.seed(priority: "normal", language: "id", createdAt: APIFixture.start - 5_000)
        let first = try await fixture.request("GET", "/api/v1/escalations?limit=2")
        #expect(first.status == 200)
        let ids = (first.json["escalations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids == [String(urgent), String(high)])
        let cursor = try #require(first.json["next_cursor"] as? String)
        // A new urgent escalation arrives: the next page neither repeats nor skips.
        try await fixture.seed(priority: "urgent", createdAt: APIFixture.start)
        let second = try await fixture.request("GET", "/api/v1/escalations?limit=2&cursor=\(cursor)")
        let ids2 = (second.json["escalations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids2 == [String(normalOld), String(normalNew)])
        // Paging one priority and language, one at a time.
        try await fixture.seed(priority: "normal", language: "id", createdAt: APIFixture.start - 4_000)
        let pageOne = try await fixture.request("GET", "/api/v1/escalations?priority=normal&language=id&limit=1")
        let pageOneIDs = (pageOne.json["escalations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let pageTwo = try await fixture.request("GET", "/api/v1/escalations?priority=normal&language=id&limit=1&cursor=\(pageOne.json["next_cursor"] as? String ?? "")")
        let pageTwoIDs = (pageTwo.json["escalations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(pageOneIDs == [String(normalNew)])
        #expect(pageTwoIDs.count == 1 && pageTwoIDs != pageOneIDs)
        // A cursor from the high part of the queue: every normal one follows it.
        let afterUrgent = try await fixture.request("GET", "/api/v1/escalations?priority=normal&language=id&cursor=\(cursor)")
        #expect((afterUrgent.json["escalations"] as? [[String: Any]])?.count == 2)
        let filtered = try await fixture.request("GET", "/api/v1/escalations?priority=normal&language=id&status=open&limit=1")
        let only = filtered.json["escalations"] as? [[String: Any]] ?? []
        #expect(only.count == 1 && only.first?["id"] as? String == String(normalNew))
        let last = try await fixture.request("GET", "/api/v1/escalations?priority=normal&language=id&cursor=\(pageTwo.json["next_cursor"] as? String ?? "")")
        #expect((last.json["escalations"] as? [[String: Any]])?.isEmpty == true && last.json["next_cursor"] is NSNull)
        let item = try #require(only.first)
        #expect(item["contact"] as? String == "+62••••••••" + String((item["contact"] as? String ?? "").suffix(3)))
        #expect(item["status"] as? String == "open" && item["channel"] as? String == "telegram")
        #expect(item["message_count"] as? Int == 1 && item["claimed_by"] is NSNull)
        #expect((item["created_at"] as? String)?.hasSuffix("Z") == true)
        for bad in ["status=closed", "priority=low", "language=xx", "limit=0", "limit=201", "cursor=!!", "colour=red"] {
            let response = try await fixture.request("GET", "/api/v1/escalations?\(bad)")
            #expect(response.status == 400, "\(bad)")
            #expect(response.errorCode != nil)
        }
        await fixture.stop()
    }

    @Test func showsAnEscalationWithMessagesAndEvents() async throws {
        let fixture = try APIFixture()
        let id = try await fixture.seed(text: "gaji belum dibayar")
        let response = try await fixture.request("GET", "/api/v1/escalations/\(id)")
        #expect(response.status == 200)
        let messages = response.json["messages"] as? [[String: Any]] ?? []
        #expect(messages.count == 1)
        #expect(messages.first?["text"] as? String == "gaji belum dibayar")
        #expect(messages.first?["direction"] as? String == "in" && messages.first?["author"] is NSNull)
        let events = response.json["events"] as? [[String: Any]] ?? []
        #expect(events.map { $0["kind"] as? String } == ["created"])
        #expect(try await fixture.request("GET", "/api/v1/escalations/999999").status == 404)
        #expect(try await fixture.request("GET", "/api/v1/escalations/abc").errorCode == "not_found")
        await fixture.stop()
    }

    @Test func claimNextTakesPriorityThenTheCallersLanguagesThenAge() async throws {
        let fixture = try APIFixture()
        // ana answers tl and en; budi id, vi, ja, en.
        let oldID = try await fixture.seed(priority: "high", language: "id", createdAt: APIFixture.start - 90_000)
        let newerTagalog = try await fixture.seed(priority: "high", language: "tl", createdAt: APIFixture.start - 10_000)
        let normal = try await fixture.seed(priority: "normal", language: "tl", createdAt: APIFixture.start - 999_000)
        let first = try await fixture.request("POST", "/api/v1/escalations/claim-next")
        #expect(first.status == 200)
        #expect(first.json["id"] as? String == String(newerTagalog))
        #expect(first.json["claimed_by"] as? String == "ana")
        #expect(first.json["claimed_until"] as? String != nil)
        let second = try await fixture.request("POST", "/api/v1/escalations/claim-next")
        #expect(second.json["id"] as? String == String(oldID))  // no high in ana's languages left: oldest high
        let third = try await fixture.request("POST", "/api/v1/escalations/claim-next")
        #expect(third.json["id"] as? String == String(normal))
        let none = try await fixture.request("POST", "/api/v1/escalations/claim-next")
        #expect(none.status == 204 && none.body.isEmpty)
        #expect(try await fixture.request("POST", "/api/v1/escalations/claim-next", body: #"{"x":1}"#).status == 400)
        #expect(try await fixture.request("POST", "/api/v1/escalations/claim-next", body: "{}", contentType: "text/plain").status == 415)
        await fixture.stop()
    }

    @Test func claimReleaseAndConflicts() async throws {
        let fixture = try APIFixture()
        let id = try await fixture.seed()
        let claimed = try await fixture.request("POST", "/api/v1/escalations/\(id)/claim")
        #expect(claimed.status == 200 && claimed.json["status"] as? String == "claimed")
        let conflict = try await fixture.request("POST", "/api/v1/escalations/\(id)/claim", token: APIFixture.budi)
        #expect(conflict.status == 409 && conflict.errorCode == "claimed_by_other")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/release", token: APIFixture.budi).status == 409)
        let released = try await fixture.request("POST", "/api/v1/escalations/\(id)/release")
        #expect(released.status == 200 && released.json["status"] as? String == "open")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/release").errorCode == "not_claimant")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/claim", token: APIFixture.budi).status == 200)
        let events = try await fixture.request("GET", "/api/v1/escalations/\(id)").json["events"] as? [[String: Any]] ?? []
        #expect(events.map { "\($0["kind"] as? String ?? ""):\($0["actor"] as? String ?? "")" }
                == ["created:kawan", "claimed:ana", "released:ana", "claimed:budi"])
        #expect(try await fixture.request("POST", "/api/v1/escalations/424242/claim").status == 404)
        await fixture.stop()
    }

    @Test func notesResolveAndReveal() async throws {
        let fixture = try APIFixture()
        let id = try await fixture.seed(address: "+628123456789")
        let note = try await fixture.request("POST", "/api/v1/escalations/\(id)/notes", body: #"{"text":"called the agency"}"#)
        #expect(note.status == 201 && note.json["kind"] as? String == "noted" && note.json["actor"] as? String == "ana")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/notes", body: #"{"text":5}"#).errorCode == "invalid_type")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/notes", body: #"{"text":"a","extra":1}"#).errorCode == "unknown_field")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/notes", body: #"{}"#).errorCode == "missing_field")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/notes", body: "[1]").errorCode == "invalid_json")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/notes", body: "not json").status == 400)
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/notes", body: #"{"text":"a"}"#,
                                          contentType: "text/plain").status == 415)
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/notes", body: #"{"text":"   "}"#).status == 422)
        let huge = try await fixture.request("POST", "/api/v1/escalations/\(id)/notes",
                                             body: #"{"text":"\#(String(repeating: "y", count: 70_000))"}"#)
        #expect(huge.status == 413 && huge.errorCode == "body_too_large")
        let long = String(repeating: "x", count: 4001)
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/notes", body: #"{"text":"\#(long)"}"#).errorCode == "text_too_long")

        let shown = try await fixture.request("GET", "/api/v1/escalations/\(id)")
        #expect(shown.json["contact"] as? String == "+62•••••••789")
        #expect(!shown.text.contains("8123456789"))
        let reveal = try await fixture.request("POST", "/api/v1/escalations/\(id)/reveal-contact", token: APIFixture.budi)
        #expect(reveal.status == 200 && reveal.json["contact"] as? String == "+628123456789")

        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/resolve", body: #"{"outcome":"fixed"}"#).status == 422)
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/resolve", body: #"{"note":"x"}"#).status == 400)
        let resolved = try await fixture.request("POST", "/api/v1/escalations/\(id)/resolve",
                                                 body: #"{"outcome":"referred","note":"sent to the labour office"}"#)
        #expect(resolved.status == 200 && resolved.json["status"] as? String == "resolved")
        #expect(resolved.json["outcome"] as? String == "referred")
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/resolve", body: #"{"outcome":"resolved"}"#).status == 409)
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(id)/claim").errorCode == "escalation_resolved")
        let events = try await fixture.request("GET", "/api/v1/escalations/\(id)").json["events"] as? [[String: Any]] ?? []
        #expect(events.map { "\($0["kind"] as? String ?? ""):\($0["actor"] as? String ?? "")" }
                == ["created:kawan", "noted:ana", "contact_revealed:budi", "noted:ana", "resolved:ana"])
        #expect(!events.contains { ($0["detail"] as? String)?.contains("8123456789") == true })
        await fixture.stop()
    }

    @Test func statsAreAggregatesOnly() async throws {
        let fixture = try APIFixture()
        let a = try await fixture.seed(priority: "urgent", language: "id", intent: "emergency", createdAt: APIFixture.start - 600_000)
        try await fixture.seed(priority: "normal", language: "en", intent: "wage_unpaid", createdAt: APIFixture.start - 500_000)
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(a)/claim").status == 200)  // 600 s after creation
        fixture.advance(milliseconds: 60_000)
        #expect(try await fixture.request("POST", "/api/v1/escalations/\(a)/resolve", body: #"{"outcome":"resolved"}"#).status == 200)
        let stats = try await fixture.request("GET", "/api/v1/stats?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z")
        #expect(stats.status == 200)
        #expect(stats.json["total"] as? Int == 2)
        #expect((stats.json["by_priority"] as? [String: Int]) == ["urgent": 1, "normal": 1])
        #expect((stats.json["by_intent"] as? [String: Int]) == ["emergency": 1, "wage_unpaid": 1])
        #expect((stats.json["by_channel"] as? [String: Int]) == ["telegram": 2])
        #expect(stats.json["median_seconds_to_claim"] as? Double == 600)
        #expect(stats.json["median_seconds_to_resolve"] as? Double == 660)
        #expect(!stats.text.contains("+62") && !stats.text.contains("boss"))
        #expect(try await fixture.request("GET", "/api/v1/stats?from=yesterday").status == 400)
        #expect(try await fixture.request("GET", "/api/v1/stats?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z").status == 422)
        await fixture.stop()
    }

    @Test func openAPIDocumentIsServedAsKeptInTheRepository() async throws {
        let fixture = try APIFixture()
        let response = try await fixture.request("GET", "/api/v1/openapi.json", token: nil)
        #expect(response.status == 200)
        let kept = try Data(contentsOf: APIFixture.root.appendingPathComponent("Sources/KawanAPI/openapi.json"))
        #expect(response.body == Array(kept))
        #expect(response.json["openapi"] as? String == "3.1.0")
        await fixture.stop()
    }

    @Test func wrongMethodsAnswerJSON405() async throws {
        let fixture = try APIFixture()
        let response = try await fixture.request("DELETE", "/api/v1/escalations/1")
        #expect(response.status == 405 && response.errorCode == "method_not_allowed")
        #expect(response.header("Allow") == "GET, HEAD")
        let post = try await fixture.request("GET", "/api/v1/escalations/1/claim")
        #expect(post.status == 405 && post.header("Allow") == "POST")
        await fixture.stop()
    }
}

@Suite("Method handling")
struct MethodTests {
    @Test func everyOtherMethodAnswersJSON405WithTheRightAllow() async throws {
        let fixture = try APIFixture()
        for (method, path, allow) in [("OPTIONS", "/api/v1/stats", "GET, HEAD"), ("GET", "/api/v1/escalations/claim-next", "POST"),
                                      ("POST", "/api/v1/escalations/5", "GET, HEAD"), ("TRACE", "/api/v1/escalations/5/notes", "POST")] {
            let response = try await fixture.request(method, path)
            #expect(response.status == 405, "\(method) \(path)")
            #expect(response.header("Allow") == allow, "\(method) \(path)")
            #expect(response.errorCode == "method_not_allowed")
        }
        await fixture.stop()
    }
}
