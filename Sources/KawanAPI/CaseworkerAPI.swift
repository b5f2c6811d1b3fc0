import Foundation
public import KawanConfig
public import KawanCore
public import KawanHTTP
public import KawanStore
import KawanChannels
import KawanCrypto
import Synchronization

/// The caseworker API under `/api/v1`: the tenant's escalation queue,
/// claims with leases, replies to the worker through the outbox, private
/// notes, resolution, audited contact reveal and aggregate stats.
///
/// Every request is authenticated by a caseworker token, which fixes the
/// tenant; every store query filters on that tenant. Writes run as one
/// body on the store's single writer (one `BEGIN IMMEDIATE` transaction),
/// so a claim is atomic without further locking.
public final class CaseworkerAPI: Sendable {
    public static let prefix = "/api/v1"

    private let configuration: @Sendable () -> KawanConfiguration
    private let database: Database
    private let repliesQueued: @Sendable () -> Void
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let leaseSweepInterval: Duration
    private let limiter: FailedAuthenticationLimiter
    private let authFailures: CounterFamily?
    private let leasesExpired: CounterFamily?
    private let actions: CounterFamily?
    private let sweeper = Mutex<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - configuration: the current snapshot, asked at every request, so a
    ///     reload adds and revokes tokens at once.
    ///   - repliesQueued: wakes the outbox sender after a reply commits.
    ///   - clock: milliseconds since the epoch (tests move it to expire leases).
    ///   - leaseSweepInterval: how often `start()`'s sweeper returns expired
    ///     leases to the queue (actions also expire them on access).
    public init(configuration: @escaping @Sendable () -> KawanConfiguration, database: Database,
                repliesQueued: @escaping @Sendable () -> Void, metrics: MetricsRegistry? = nil, logger: Logger = Logger(),
                clock: @escaping @Sendable () -> Int64 = CaseworkerAPI.systemClock,
                leaseSweepInterval: Duration = .seconds(15), maximumAuthenticationFailures: Int = 10) {
        self.configuration = configuration
        self.database = database
        self.repliesQueued = repliesQueued
        self.logger = logger
        self.clock = clock
        self.leaseSweepInterval = leaseSweepInterval
        self.limiter = FailedAuthenticationLimiter(maximumFailures: maximumAuthenticationFailures)
        authFailures = metrics?.counter("kawan_api_authentication_failures_total",
                                        help: "Caseworker API requests refused for a missing or unknown token.")
        leasesExpired = metrics?.counter("kawan_api_leases_expired_total",
                                         help: "Claims returned to the queue because their lease ran out.")
        actions = metrics?.counter("kawan_api_actions_total", help: "Caseworker actions that changed an escalation.",
                                   labels: ["tenant", "action"])
    }

    @Sendable public static func systemClock() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    // MARK: Routes

    /// Adds the routes. Each path answers its own method; every other
    /// method gets a JSON 405 with `Allow` (the server's own 405 is text).
    /// `claim-next` is registered before `{id}` so it wins the match.
    public func register(on router: inout Router) {
        let p = Self.prefix
        typealias Handler = @Sendable (HTTPRequest, Caller) async throws -> HTTPResponse
        let routes: [(String, String, Handler?)] = [
            ("/openapi.json", "GET", nil),
            ("/escalations", "GET", { try await self.list($0, $1) }),
            ("/escalations/claim-next", "POST", { try await self.claimNext($0, $1) }),
            ("/escalations/{id}", "GET", { try await self.show($0, $1) }),
            ("/escalations/{id}/claim", "POST", { try await self.claim($0, $1) }),
            ("/escalations/{id}/release", "POST", { try await self.release($0, $1) }),
            ("/escalations/{id}/messages", "POST", { try await self.reply($0, $1) }),
            ("/escalations/{id}/notes", "POST", { try await self.note($0, $1) }),
            ("/escalations/{id}/resolve", "POST", { try await self.resolve($0, $1) }),
            ("/escalations/{id}/reveal-contact", "POST", { try await self.revealContact($0, $1) }),
            ("/stats", "GET", { try await self.stats($0, $1) }),
        ]
        for (template, allowed, handler) in routes {
            if let handler {
                add(&router, allowed, p + template, handler)
            } else {
                router.add("GET", p + template, .immediate { _ in .json(OpenAPIDocument.bytes) })
            }
            let allow = allowed == "GET" ? "GET, HEAD" : allowed
            for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"] where method != allowed {
                router.add(method, p + template, .immediate { _ in
                    var response = APIError(status: .methodNotAllowed, code: "method_not_allowed",
                                            message: "use \(allowed) for this path").response
                    response.headers.set("Allow", allow)
                    return response
                })
            }
        }
    }

    struct Caller: Sendable {
        let tenant: TenantConfiguration
        let caseworker: CaseworkerConfiguration
        var tenantID: String { tenant.id }
        var id: String { caseworker.id }
        var leaseMilliseconds: Int64 { Int64(tenant.claimLeaseMinutes) * 60_000 }
    }

    private func add(_ router: inout Router, _ method: String, _ template: String,
                     _ handler: @escaping @Sendable (HTTPRequest, Caller) async throws -> HTTPResponse) {
        router.add(method, template, .async { request in
            let caller: Caller
            switch self.authenticate(request) {
            case .caller(let found): caller = found
            case .refused(let refusal): return refusal
            }
            do {
                return try await handler(request, caller)
            } catch let error as APIError {
                return error.response
            } catch {
                self.logger.error("api.store_failed", ["route": .identifier(template), "error": .error(error)])
                return APIError(status: .serviceUnavailable, code: "store_unavailable",
                                message: "the store could not complete the request; retry").response
            }
        })
    }

    enum Authentication {
        case caller(Caller)
        case refused(HTTPResponse)
    }

    private func authenticate(_ request: HTTPRequest) -> Authentication {
        let now = clock()
        if let wait = limiter.blockedFor(request.remoteAddress, now: now) {
            var response = APIError(status: .tooManyRequests, code: "too_many_failures",
                                    message: "too many failed authentications from this address; retry later").response
            response.headers.set("Retry-After", String((wait + 999) / 1000))
            return .refused(response)
        }
        let header = request.headers["Authorization"] ?? ""
        let parts = header.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[0].lowercased() == "bearer",
           let found = configuration().caseworker(forToken: String(parts[1]).trimmingCharacters(in: .whitespaces)) {
            limiter.recordSuccess(request.remoteAddress)
            return .caller(Caller(tenant: found.tenant, caseworker: found.caseworker))
        }
        limiter.recordFailure(request.remoteAddress, now: now)
        authFailures?.increment()
        return .refused(APIError.unauthorized.response)
    }

    // MARK: Handlers

    private static func escalationID(_ request: HTTPRequest) throws(APIError) -> Int64 {
        guard let text = request.pathParameters["id"], text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let id = Int64(text), id > 0 else { throw APIError.notFound }
        return id
    }

    private func list(_ request: HTTPRequest, _ caller: Caller) async throws -> HTTPResponse {
        var filter = TenantEscalations.Filter(status: "open", limit: 50)
        let known: Set<String> = ["status", "priority", "language", "limit", "cursor"]
        for (name, value) in request.queryItems {
            switch name {
            case "status":
                guard ["open", "claimed", "resolved"].contains(value) else {
                    throw APIError.badRequest("invalid_parameter", "status must be open, claimed or resolved")
                }
                filter.status = value
            case "priority":
                guard let priority = EscalationPriority(rawValue: value) else {
                    throw APIError.badRequest("invalid_parameter", "priority must be urgent, high or normal")
                }
                filter.priorityRank = Int64(2 - priority.rank)
            case "language":
                guard Language(rawValue: value) != nil else {
                    throw APIError.badRequest("invalid_parameter", "language must be one of id, tl, vi, ja, en")
                }
                filter.language = value
            case "limit":
                guard let limit = Int(value), (1...200).contains(limit) else {
                    throw APIError.badRequest("invalid_parameter", "limit must be an integer from 1 to 200")
                }
                filter.limit = limit
            case "cursor":
                guard let cursor = QueueCursor(encoded: value) else {
                    throw APIError.badRequest("invalid_cursor", "cursor is not one this API returned")
                }
                filter.after = cursor
            default:
                throw APIError.badRequest("unknown_parameter", "unknown query parameter; allowed: \(known.sorted().joined(separator: ", "))")
            }
        }
        let tenantID = caller.tenantID
        let now = clock()
        let query = filter
        let page = try await database.read { connection in
            try TenantEscalations(connection: connection, tenantID: tenantID, now: now).list(query)
        }
        let next: Any = page.count == filter.limit ? page.last!.cursor.encoded : NSNull()
        return .json(JSONOutput.encode(["escalations": page.map(\.json), "next_cursor": next]))
    }

    private func show(_ request: HTTPRequest, _ caller: Caller) async throws -> HTTPResponse {
        let id = try Self.escalationID(request)
        let tenantID = caller.tenantID
        let now = clock()
        let body = try await database.read { connection -> [UInt8] in
            let store = TenantEscalations(connection: connection, tenantID: tenantID, now: now)
            guard let record = try store.find(id) else { throw APIError.notFound }
            var object = record.json
            object["messages"] = try store.messages(escalationID: id, limit: 500).map(RowJSON.message)
            object["events"] = try store.events(escalationID: id).map(RowJSON.event)
            return JSONOutput.encode(object)
        }
        return .json(body)
    }

    private func claimNext(_ request: HTTPRequest, _ caller: Caller) async throws -> HTTPResponse {
        try RequestBody.empty(request)
        let now = clock()
        let languages = caller.caseworker.languages.map(\.rawValue)
        let body = try await database.write { connection -> [UInt8]? in
            let store = TenantEscalations(connection: connection, tenantID: caller.tenantID, now: now)
            let expired = try store.expireLeases()
            if expired > 0 { self.leasesExpired?.increment(by: Double(expired)) }
            guard let id = try store.nextOpen(languages: languages) else { return nil }
            try store.claim(id, by: caller.id, until: now + caller.leaseMilliseconds)
            try store.appendEvent(id, kind: "claimed", actor: caller.id, detail: nil)
            return try store.find(id).map { JSONOutput.encode($0.json) }
        }
        guard let body else { return HTTPResponse(status: .noContent) }
        actions?.increment([caller.tenantID, "claim"])
        return .json(body)
    }

    /// Runs `action` in one write transaction with the escalation's state
    /// (404 when the tenant has no such escalation), answering the
    /// escalation as it is afterwards unless the action answers itself.
    private func act(_ request: HTTPRequest, _ caller: Caller, _ name: String, status: HTTPStatus = .ok,
                     _ action: @escaping @Sendable (TenantEscalations, Int64, TenantEscalations.State) throws -> [String: Any]?)
        async throws -> HTTPResponse {
        let id = try Self.escalationID(request)
        let now = clock()
        let body = try await database.write { connection -> [UInt8] in
            let store = TenantEscalations(connection: connection, tenantID: caller.tenantID, now: now)
            guard let state = try store.state(id) else { throw APIError.notFound }
            if let answer = try action(store, id, state) { return JSONOutput.encode(answer) }
            guard let record = try store.find(id) else { throw APIError.notFound }
            return JSONOutput.encode(record.json)
        }
        actions?.increment([caller.tenantID, name])
        logger.info("api.action", ["tenant": .identifier(caller.tenantID), "caseworker": .identifier(caller.id),
                                   "action": .identifier(name), "escalation": .int(Int(id))])
        return .json(body, status: status)
    }

    private static func heldByOther(_ state: TenantEscalations.State, _ caller: Caller) -> Bool {
        state.status == "claimed" && state.claimedBy != caller.id
    }

    private static func refuseIfResolved(_ state: TenantEscalations.State) throws(APIError) {
        if state.status == "resolved" { throw .conflict("escalation_resolved", "the escalation is already resolved") }
    }

    private func claim(_ request: HTTPRequest, _ caller: Caller) async throws -> HTTPResponse {
        try RequestBody.empty(request)
        return try await act(request, caller, "claim") { store, id, state in
            try Self.refuseIfResolved(state)
            if Self.heldByOther(state, caller) {
                throw APIError.conflict("claimed_by_other", "another caseworker (\(state.claimedBy ?? "?")) holds a live claim")
            }
            try store.claim(id, by: caller.id, until: store.now + caller.leaseMilliseconds)
            try store.appendEvent(id, kind: "claimed", actor: caller.id, detail: state.status == "claimed" ? "renewed" : nil)
            return nil
        }
    }

    private func release(_ request: HTTPRequest, _ caller: Caller) async throws -> HTTPResponse {
        try RequestBody.empty(request)
        return try await act(request, caller, "release") { store, id, state in
            try Self.refuseIfResolved(state)
            guard state.status == "claimed", state.claimedBy == caller.id else {
                throw APIError.conflict("not_claimant", "only the caseworker holding the claim can release it")
            }
            try store.release(id)
            try store.appendEvent(id, kind: "released", actor: caller.id, detail: nil)
            return nil
        }
    }

    private func reply(_ request: HTTPRequest, _ caller: Caller) async throws -> HTTPResponse {
        let text = try RequestBody.parse(request, allowed: ["text"]).string("text", required: true) ?? ""
        try TextRules.check(text, field: "text", limit: 5000)
        let tenant = caller.tenant
        let response = try await act(request, caller, "reply", status: .accepted) { store, escalationID, state in
            try Self.refuseIfResolved(state)
            guard state.status == "claimed", state.claimedBy == caller.id else {
                throw APIError.conflict("not_claimant", "claim the escalation before replying")
            }
            guard let channel = tenant.channels.first(where: { $0.id == state.channelID }) else {
                throw APIError.unprocessable("channel_unavailable", "the conversation's channel is no longer configured")
            }
            try ReplyLimit.check(text, channel: channel)
            let queued = try store.connection.enqueueReply(
                OutboundReply(tenantID: caller.tenantID, channelID: state.channelID, conversationID: state.conversationID,
                              contactID: state.contactID, text: text, author: caller.id), now: store.now)
            try store.appendEvent(escalationID, kind: "replied", actor: caller.id, detail: "message \(queued.messageID)")
            try store.renew(escalationID, by: caller.id, until: store.now + caller.leaseMilliseconds)
            return try store.message(queued.messageID).map(RowJSON.message)
        }
        repliesQueued()
        return response
    }

    private func note(_ request: HTTPRequest, _ caller: Caller) async throws -> HTTPResponse {
        let text = try RequestBody.parse(request, allowed: ["text"]).string("text", required: true) ?? ""
        try TextRules.check(text, field: "text", limit: TextRules.maximumNoteLength)
        return try await act(request, caller, "note", status: .created) { store, id, state in
            let event = try store.appendEvent(id, kind: "noted", actor: caller.id, detail: text)
            try store.renew(id, by: caller.id, until: store.now + caller.leaseMilliseconds)
            return ["id": String(event), "kind": "noted", "actor": caller.id, "detail": text,
                    "created_at": JSONOutput.time(store.now)]
        }
    }

    static let outcomes = ["resolved", "referred", "no_response", "duplicate"]

    private func resolve(_ request: HTTPRequest, _ caller: Caller) async throws -> HTTPResponse {
        let body = try RequestBody.parse(request, allowed: ["outcome", "note"])
        let outcome = try body.string("outcome", required: true) ?? ""
        guard Self.outcomes.contains(outcome) else {
            throw APIError.unprocessable("invalid_outcome", "outcome must be one of \(Self.outcomes.joined(separator: ", "))")
        }
        let note = try body.string("note", required: false)
        if let note { try TextRules.check(note, field: "note", limit: TextRules.maximumNoteLength) }
        return try await act(request, caller, "resolve") { store, id, state in
            try Self.refuseIfResolved(state)
            if Self.heldByOther(state, caller) {
                throw APIError.conflict("claimed_by_other", "another caseworker (\(state.claimedBy ?? "?")) holds a live claim")
            }
            if let note { try store.appendEvent(id, kind: "noted", actor: caller.id, detail: note) }
            try store.resolve(id, by: caller.id, outcome: outcome)
            try store.appendEvent(id, kind: "resolved", actor: caller.id, detail: outcome)
            return nil
        }
    }

    private func revealContact(_ request: HTTPRequest, _ caller: Caller) async throws -> HTTPResponse {
        try RequestBody.empty(request)
        return try await act(request, caller, "reveal_contact") { store, id, state in
            try store.appendEvent(id, kind: "contact_revealed", actor: caller.id, detail: nil)
            try store.renew(id, by: caller.id, until: store.now + caller.leaseMilliseconds)
            return ["escalation_id": String(id), "channel": state.channelID, "contact": state.address]
        }
    }

    private func stats(_ request: HTTPRequest, _ caller: Caller) async throws -> HTTPResponse {
        let now = clock()
        var to = now
        var from: Int64?
        for (name, value) in request.queryItems {
            guard name == "from" || name == "to" else {
                throw APIError.badRequest("unknown_parameter", "unknown query parameter; allowed: from, to")
            }
            guard let time = JSONOutput.parseTime(value) else {
                throw APIError.badRequest("invalid_parameter", "\(name) must be an RFC 3339 time, e.g. 2026-11-01T00:00:00Z")
            }
            if name == "from" { from = time } else { to = time }
        }
        let start = from ?? (to - 30 * 86_400_000)
        guard start <= to else { throw APIError.unprocessable("invalid_range", "from must not be after to") }
        let tenantID = caller.tenantID
        let end = to
        let body = try await database.read { connection in
            JSONOutput.encode(try EscalationStats.compute(connection, tenantID: tenantID, from: start, to: end))
        }
        return .json(body)
    }

    // MARK: Lease sweeper

    /// Returns every tenant's expired leases to the queue now.
    @discardableResult
    public func sweepExpiredLeases() async throws -> Int {
        let now = clock()
        let tenants = try await database.read { connection in
            try connection.query("SELECT DISTINCT tenant_id FROM escalations WHERE status = 'claimed' AND lease_expires_at <= ?",
                                 [.integer(now)]).compactMap { $0["tenant_id"].string }
        }
        guard !tenants.isEmpty else { return 0 }
        let expired = try await database.write { connection in
            try tenants.reduce(0) { $0 + (try TenantEscalations(connection: connection, tenantID: $1, now: now).expireLeases()) }
        }
        leasesExpired?.increment(by: Double(expired))
        if expired > 0 { logger.info("api.leases_expired", ["count": .int(expired)]) }
        return expired
    }

    /// Starts the periodic lease sweep.
    public func start() {
        let interval = leaseSweepInterval
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                do { try await sweepExpiredLeases() } catch {
                    logger.warning("api.lease_sweep_failed", ["error": .error(error)])
                }
            }
        }
        sweeper.withLock { $0 = task }
    }

    public func stop() async {
        let task = sweeper.withLock { current -> Task<Void, Never>? in
            defer { current = nil }
            return current
        }
        task?.cancel()
        await task?.value
    }
}
