import Foundation
import Testing
@testable import KawanConfig

/// One failing example per validation rule, asserting the exact message an
/// administrator sees.
@Suite struct ValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let rule: String
        let edits: [(String, String)]
        let expected: [String]
        var testDescription: String { rule }

        init(_ rule: String, _ edits: [(String, String)], _ expected: [String]) {
            self.rule = rule
            self.edits = edits
            self.expected = expected
        }
    }

    static let tenantCases: [Case] = [
        Case("answer override in a language the tenant does not serve", [(
            "\"emergency_phone\": \"112\"}", "\"emergency_phone\": \"112\"},\n  \"answers\": {\"vi\": {\"intents.wage_unpaid\": {\"sms\": \"x\"}}}"
        )], [
            "tenants/acme.json:17: answers.vi: the tenant does not serve \"vi\" (see languages)",
        ]),
        Case("answer override with a bad key", [(
            "\"emergency_phone\": \"112\"}", "\"emergency_phone\": \"112\"},\n  \"answers\": {\"id\": {\"wage_unpaid\": {\"sms\": \"x\"}}}"
        )], [
            "tenants/acme.json:17: answers.id.wage_unpaid: answer keys are intents.<intent> or system.<message>",
        ]),
        Case("answer override with an unknown length", [(
            "\"emergency_phone\": \"112\"}", "\"emergency_phone\": \"112\"},\n  \"answers\": {\"id\": {\"system.welcome\": {\"voice\": \"x\"}}}"
        )], [
            "tenants/acme.json:17: answers.id.system.welcome.voice: unknown key",
            "tenants/acme.json:17: answers.id.system.welcome: give \"sms\", \"chat\" or both",
        ]),
        Case("unknown key with suggestion", [("\"retention_days\": 90", "\"retention_dayz\": 90")], [
            "tenants/acme.json:1: retention_days: missing required key",
            "tenants/acme.json:8: retention_dayz: unknown key (did you mean \"retention_days\"?)",
        ]),
        Case("unknown key without suggestion", [("\"retention_days\": 90,", "\"retention_days\": 90, \"colour\": \"red\",")], [
            "tenants/acme.json:8: colour: unknown key",
        ]),
        Case("wrong type", [("\"name\": \"Acme Aid\"", "\"name\": 42")], [
            "tenants/acme.json:3: name: expected a string, got a number",
        ]),
        Case("missing key", [("  \"name\": \"Acme Aid\",\n", "")], [
            "tenants/acme.json:1: name: missing required key",
        ]),
        Case("bad tenant id", [("\"id\": \"acme\"", "\"id\": \"Acme\"")], [
            "tenants/acme.json:2: id: \"Acme\" must match ^[a-z0-9][a-z0-9-]{0,31}$",
        ]),
        Case("file name differs from id", [("\"id\": \"acme\"", "\"id\": \"other\"")], [
            "tenants/acme.json:2: id: \"other\" does not match the file name \"acme.json\"",
        ]),
        Case("duplicate channel id", [("{\"id\": \"sms\"", "{\"id\": \"web\"")], [
            "tenants/acme.json:11: channels[1].id: duplicate channel id \"web\" (first on line 10)",
        ]),
        Case("duplicate caseworker id", [(
            "\"token_sha256\": \"\(Fixtures.sariDigest)\"}",
            "\"token_sha256\": \"\(Fixtures.sariDigest)\"},\n    {\"id\": \"sari\", \"name\": \"S2\", \"languages\": [\"en\"], \"token_sha256\": \"\(String(repeating: "1", count: 64))\"}"
        )], [
            "tenants/acme.json:15: caseworkers[1].id: duplicate caseworker id \"sari\" (first on line 14)",
        ]),
        Case("unknown language", [("\"languages\": [\"en\", \"id\"]", "\"languages\": [\"en\", \"fr\"]")], [
            "tenants/acme.json:5: languages[1]: unknown language \"fr\" (expected one of id, tl, vi, ja, en)",
        ]),
        Case("duplicate language", [("\"languages\": [\"en\", \"id\"]", "\"languages\": [\"en\", \"id\", \"en\"]")], [
            "tenants/acme.json:5: languages[2]: \"en\" is listed twice",
        ]),
        Case("default language not in languages", [("\"default_language\": \"en\"", "\"default_language\": \"ja\"")], [
            "tenants/acme.json:4: default_language: \"ja\" is not in languages",
        ]),
        Case("caseworker language not offered by the tenant", [("\"languages\": [\"id\"], \"token", "\"languages\": [\"id\", \"vi\"], \"token")], [
            "tenants/acme.json:14: caseworkers[0].languages[1]: \"vi\" is not one of the tenant's languages",
        ]),
        Case("misspelt time zone", [("Asia/Jakarta", "Asia/Jakrta")], [
            "tenants/acme.json:6: timezone: unknown time zone \"Asia/Jakrta\" (did you mean \"Asia/Jakarta\"?)",
        ]),
        Case("time zone abbreviation", [("Asia/Jakarta", "WIB")], [
            "tenants/acme.json:6: timezone: unknown time zone \"WIB\" (expected an IANA name such as \"Asia/Jakarta\" or \"UTC\")",
        ]),
        Case("inline secret", [("env:ACME_WEB_SECRET", "hunter2")], [
            "tenants/acme.json:10: channels[0].secret: secrets must be env:NAME or file:PATH, not inline",
        ]),
        Case("env secret unset", [("env:ACME_WEB_SECRET", "env:ACME_UNSET")], [
            "tenants/acme.json:10: channels[0].secret: environment variable ACME_UNSET is not set",
        ]),
        Case("file secret missing", [("env:ACME_WEB_SECRET", "file:secrets/nope")], [
            "tenants/acme.json:10: channels[0].secret: secret file \"secrets/nope\" not found",
        ]),
        Case("token digest not 64 hex digits", [(Fixtures.sariDigest, String(Fixtures.sariDigest.dropLast()))], [
            "tenants/acme.json:14: caseworkers[0].token_sha256: expected 64 lower-case hex digits (the SHA-256 printed by \"kawan token\")",
        ]),
        Case("token digest in upper case", [(Fixtures.sariDigest, Fixtures.sariDigest.uppercased())], [
            "tenants/acme.json:14: caseworkers[0].token_sha256: expected 64 lower-case hex digits (the SHA-256 printed by \"kawan token\")",
        ]),
        Case("bad office hours", [("{\"mon\": [\"09:00-17:00\"]}", "{\"mon\": [\"17:00-09:00\", \"9-5\"], \"tue\": [\"09:00-12:00\", \"11:00-13:00\"], \"sun\": [\"10:00-24:00\"], \"thur\": []}")], [
            "tenants/acme.json:7: office_hours.thur: unknown key (did you mean \"thu\"?)",
            "tenants/acme.json:7: office_hours.mon[0]: \"17:00-09:00\" must start before it ends",
            "tenants/acme.json:7: office_hours.mon[1]: expected \"HH:MM-HH:MM\" on a 24-hour clock, got \"9-5\"",
            "tenants/acme.json:7: office_hours.tue[1]: \"11:00-13:00\" overlaps \"09:00-12:00\"",
        ]),
        Case("unparseable JSON", [("\"retention_days\": 90,", "\"retention_days\": 90")], [
            "tenants/acme.json:9: -: unexpected character '\"', expected ',' or '}' (column 3)",
        ]),
        Case("duplicate JSON key", [("\"retention_days\": 90,", "\"name\": \"Again\",")], [
            "tenants/acme.json:8: -: duplicate key \"name\" (first on line 3) (column 3)",
        ]),
        Case("unknown channel type", [("\"type\": \"json\"", "\"type\": \"fax\"")], [
            "tenants/acme.json:10: channels[0].type: unknown channel type \"fax\" (expected one of twilio, vonage, line, whatsapp, messenger, telegram, json)",
        ]),
        Case("twilio with both from and messaging_service_sid", [("\"from\": \"+10000000000\"", "\"from\": \"+10000000000\", \"messaging_service_sid\": \"MG1\"")], [
            "tenants/acme.json:11: channels[1].messaging_service_sid: give either \"from\" or \"messaging_service_sid\", not both",
        ]),
        Case("twilio with neither from nor messaging_service_sid", [(", \"from\": \"+10000000000\"", "")], [
            "tenants/acme.json:11: channels[1].from: missing required key (or give \"messaging_service_sid\")",
        ]),
        Case("twilio account SID", [("AC0123", "XY0123")], [
            "tenants/acme.json:11: channels[1].account_sid: a Twilio account SID starts with \"AC\", got \"XY0123\"",
        ]),
        Case("channel key misspelt", [("\"auth_token\": \"env:ACME_TWILIO\"", "\"auth_tokne\": \"env:ACME_TWILIO\"")], [
            "tenants/acme.json:11: channels[1].auth_tokne: unknown key (did you mean \"auth_token\"?)",
            "tenants/acme.json:11: channels[1].auth_token: missing required key",
        ]),
        Case("bad channel id", [("{\"id\": \"web\"", "{\"id\": \"-web\"")], [
            "tenants/acme.json:10: channels[0].id: \"-web\" must match ^[a-z0-9][a-z0-9-]{0,31}$",
        ]),
        Case("retention out of range", [("\"retention_days\": 90", "\"retention_days\": 0")], [
            "tenants/acme.json:8: retention_days: must be between 1 and 3650, got 0",
        ]),
        Case("retention not an integer", [("\"retention_days\": 90", "\"retention_days\": 1.5")], [
            "tenants/acme.json:8: retention_days: expected an integer, got 1.5",
        ]),
        Case("unknown intent and priority", [("\"retention_days\": 90,", "\"retention_days\": 90, \"escalate_intents\": {\"emergencyy\": \"urgent\", \"wage_unpaid\": \"asap\"},")], [
            "tenants/acme.json:8: escalate_intents.emergencyy: unknown key (did you mean \"emergency\"?)",
            "tenants/acme.json:8: escalate_intents.wage_unpaid: unknown priority \"asap\" (expected one of normal, high, urgent)",
        ]),
        Case("bad alert webhook", [("\"retention_days\": 90,", "\"retention_days\": 90, \"alert_webhook\": \"ftp://example.org/x\",")], [
            "tenants/acme.json:8: alert_webhook: expected an http:// or https:// URL, got \"ftp://example.org/x\"",
        ]),
        Case("rate limit not positive", [("\"type\": \"json\",", "\"type\": \"json\", \"rate_limit_per_second\": 0,")], [
            "tenants/acme.json:10: channels[0].rate_limit_per_second: must be greater than 0, got 0",
        ]),
        Case("json reply_url not a URL", [("\"type\": \"json\",", "\"type\": \"json\", \"reply_url\": \"widget.example/replies\",")], [
            "tenants/acme.json:10: channels[0].reply_url: expected an http:// or https:// URL, got \"widget.example/replies\"",
        ]),
        Case("reply_url on a channel type without it", [("\"from\": \"+10000000000\"", "\"from\": \"+10000000000\", \"reply_url\": \"https://x.example/r\"")], [
            "tenants/acme.json:11: channels[1].reply_url: unknown key",
        ]),
        Case("missing required placeholder", [("\"hotline_phone\": \"+62-0\", ", "")], [
            "tenants/acme.json:16: placeholders.hotline_phone: missing required key",
        ]),
        Case("bad placeholder name", [("\"emergency_phone\": \"112\"", "\"emergency_phone\": \"112\", \"Office Address\": \"x\"")], [
            "tenants/acme.json:16: placeholders.Office Address: placeholder names must match ^[a-z][a-z0-9_]{0,63}$",
        ]),
        Case("no channels", [("{\"id\": \"web\", \"type\": \"json\", \"secret\": \"env:ACME_WEB_SECRET\"},\n", ""),
                             ("    {\"id\": \"sms\", \"type\": \"twilio\", \"account_sid\": \"AC0123\", \"auth_token\": \"env:ACME_TWILIO\", \"from\": \"+10000000000\"}\n", "")], [
            "tenants/acme.json:9: channels: must list at least one channel",
        ]),
    ]

    @Test(arguments: tenantCases)
    func tenantRule(_ testCase: Case) throws {
        let problems = try Fixtures.tenantProblems(Fixtures.tenant(testCase.edits))
        #expect(problems == testCase.expected)
    }

    @Test func fixtureIsValid() throws {
        #expect(try Fixtures.tenantProblems(Fixtures.tenant) == [])
    }

    @Test func badFileName() throws {
        let problems = try Fixtures.tenantProblems(Fixtures.tenant, name: "Acme_Aid.json")
        #expect(problems == ["tenants/Acme_Aid.json: -: file name must be <id>.json where the id must match ^[a-z0-9][a-z0-9-]{0,31}$"])
    }

    @Test func duplicateTokenDigestAcrossTenants() throws {
        let beta = Fixtures.tenant([("\"id\": \"acme\"", "\"id\": \"beta\"")])
        let problems = try Fixtures.problems(["gateway.json": "{}", "tenants/acme.json": Fixtures.tenant, "tenants/beta.json": beta])
        #expect(problems == [
            "tenants/beta.json:14: caseworkers[0].token_sha256: token digest already used by caseworker \"sari\" in tenants/acme.json",
        ])
    }

    @Test func duplicateTenantID() throws {
        // Only reachable when a badly named file claims another file's id.
        let other = Fixtures.tenant([(Fixtures.sariDigest, String(repeating: "2", count: 64))])
        let problems = try Fixtures.problems(["gateway.json": "{}", "tenants/acme.json": Fixtures.tenant, "tenants/Acme.json": other])
        #expect(problems == [
            "tenants/Acme.json: -: file name must be <id>.json where the id must match ^[a-z0-9][a-z0-9-]{0,31}$",
            "tenants/acme.json:2: id: tenant id \"acme\" is already used by tenants/Acme.json",
        ])
    }

    @Test func severalProblemsInOneFileAreAllReported() throws {
        let contents = Fixtures.tenant([
            ("\"name\": \"Acme Aid\"", "\"name\": true"),
            ("\"languages\": [\"en\", \"id\"]", "\"languages\": [\"en\", \"xx\"]"),
            ("env:ACME_WEB_SECRET", "plain-text"),
            ("\"from\": \"+10000000000\"", "\"form\": \"+10000000000\""),
            (Fixtures.sariDigest, "abc"),
        ])
        let problems = try Fixtures.tenantProblems(contents)
        #expect(problems == [
            "tenants/acme.json:3: name: expected a string, got a boolean",
            "tenants/acme.json:5: languages[1]: unknown language \"xx\" (expected one of id, tl, vi, ja, en)",
            "tenants/acme.json:10: channels[0].secret: secrets must be env:NAME or file:PATH, not inline",
            "tenants/acme.json:11: channels[1].form: unknown key (did you mean \"from\"?)",
            "tenants/acme.json:11: channels[1].from: missing required key (or give \"messaging_service_sid\")",
            "tenants/acme.json:14: caseworkers[0].token_sha256: expected 64 lower-case hex digits (the SHA-256 printed by \"kawan token\")",
        ])
    }

    @Test func problemsAcrossFilesAreSortedByFileThenLine() throws {
        let problems = try Fixtures.problems([
            "gateway.json": "{\n\"durability\": \"fsync\",\n\"listen\": \"localhost:0\"\n}",
            "tenants/acme.json": Fixtures.tenant([("\"retention_days\": 90", "\"retention_days\": \"90\"")]),
        ])
        #expect(problems == [
            "gateway.json:2: durability: unknown durability \"fsync\" (expected one of full, normal)",
            "gateway.json:3: listen: port must be a number from 1 to 65535, got \"0\"",
            "tenants/acme.json:8: retention_days: expected an integer, got a string",
        ])
    }

    @Test func emptyTenantsDirectoryIsAnError() throws {
        let problems = try Fixtures.problems(["gateway.json": "{}", "tenants/notes.txt": "not a tenant"])
        #expect(problems == ["tenants: -: no tenant files (each tenant needs a file tenants/<id>.json)"])
    }

    @Test func nonJSONFilesAreIgnored() throws {
        let problems = try Fixtures.problems([
            "gateway.json": "{}", "tenants/acme.json": Fixtures.tenant, "tenants/acme.json~": "{", "tenants/.acme.json.swp": "x",
        ])
        #expect(problems == [])
    }

    @Test func missingFilesAreReported() throws {
        #expect(try Fixtures.problems([:]) == [
            "gateway.json: -: file not found",
            "tenants: -: directory not found (each tenant needs a file tenants/<id>.json)",
        ])
        do {
            _ = try ConfigurationLoader.load(directory: "/nonexistent-kawan", environment: [:])
            Issue.record("loaded a missing directory")
        } catch {
            #expect(error.description == "/nonexistent-kawan: -: configuration directory not found")
        }
    }

    @Test func emptyEnvironmentSecretIsAnError() throws {
        let problems = try Fixtures.tenantProblems(Fixtures.tenant, environment: ["ACME_WEB_SECRET": "", "ACME_TWILIO": "x"])
        #expect(problems == ["tenants/acme.json:10: channels[0].secret: environment variable ACME_WEB_SECRET is empty"])
    }

    @Test func emptySecretFileIsAnError() throws {
        let problems = try Fixtures.problems([
            "gateway.json": "{}", "secrets/web": "\n",
            "tenants/acme.json": Fixtures.tenant([("env:ACME_WEB_SECRET", "file:secrets/web")]),
        ])
        #expect(problems == ["tenants/acme.json:10: channels[0].secret: secret file \"secrets/web\" is empty"])
    }

    static let gatewayCases: [(String, String)] = [
        ("{\"listen\": \"example.com:80\"}", "gateway.json:1: listen: host \"example.com\" must be an IPv4 or IPv6 address or localhost"),
        ("{\"listen\": \"127.0.0.1\"}", "gateway.json:1: listen: expected \"HOST:PORT\", got \"127.0.0.1\""),
        ("{\"listen\": \"127.0.0.1:65536\"}", "gateway.json:1: listen: port must be a number from 1 to 65535, got \"65536\""),
        ("{\"listen\": \"::1:80\"}", "gateway.json:1: listen: put an IPv6 address in brackets, e.g. \"[::1]:8080\""),
        ("{\"listen\": \"[::g]:80\"}", "gateway.json:1: listen: \"::g\" is not an IPv6 address"),
        ("{\"listen\": \"256.0.0.1:80\"}", "gateway.json:1: listen: host \"256.0.0.1\" must be an IPv4 or IPv6 address or localhost"),
        ("{\"durability\": \"fsync\"}", "gateway.json:1: durability: unknown durability \"fsync\" (expected one of full, normal)"),
        ("{\"durability\": \"ful\"}", "gateway.json:1: durability: unknown durability \"ful\" (did you mean \"full\"?)"),
        ("{\"log_level\": \"verbose\"}", "gateway.json:1: log_level: unknown log level \"verbose\" (expected one of debug, info, notice, warning, error)"),
        ("{\"access_log\": \"yes\"}", "gateway.json:1: access_log: expected a boolean, got a string"),
        ("{\"public_base_url\": \"https://kawan.example.org/\"}", "gateway.json:1: public_base_url: must not end with a slash"),
        ("{\"public_base_url\": \"https://kawan.example.org?a=1\"}", "gateway.json:1: public_base_url: must not have a query (?...)"),
        ("{\"public_base_url\": \"kawan.example.org\"}", "gateway.json:1: public_base_url: expected an http:// or https:// URL, got \"kawan.example.org\""),
        ("{\"database\": \"\"}", "gateway.json:1: database: must not be empty"),
        ("{\"http\": {\"max_body_bytes\": 10}}", "gateway.json:1: http.max_body_bytes: must be between 1024 and 67108864, got 10"),
        ("{\"http\": {\"header_timeout_seconds\": 0}}", "gateway.json:1: http.header_timeout_seconds: must be between 0.1 and 600, got 0"),
        ("{\"http\": {\"max_conections\": 10}}", "gateway.json:1: http.max_conections: unknown key (did you mean \"max_connections\"?)"),
        ("{\"http\": 5}", "gateway.json:1: http: expected an object, got a number"),
        ("[]", "gateway.json:1: -: expected an object, got an array"),
    ]

    @Test(arguments: gatewayCases)
    func gatewayRule(_ contents: String, _ expected: String) throws {
        let problems = try Fixtures.problems(["gateway.json": contents, "tenants/acme.json": Fixtures.tenant])
        #expect(problems == [expected])
    }

    @Test func gatewayValuesAreRead() throws {
        let directory = try TestDirectory()
        defer { directory.remove() }
        try directory.write("gateway.json", """
        {"listen": "[::1]:9090", "database": "/var/lib/kawan/kawan.sqlite", "public_base_url": "https://hotline.example.org/kawan",
         "durability": "normal", "log_level": "debug", "access_log": false,
         "http": {"io_threads": 2, "max_body_bytes": 2048, "shutdown_grace_seconds": 2.5}}
        """)
        try directory.write("tenants/acme.json", Fixtures.tenant)
        let gateway = try ConfigurationLoader.load(directory: directory.path, environment: Fixtures.environment).gateway
        #expect(gateway.listen == ListenAddress(host: "::1", port: 9090))
        #expect(gateway.listen.description == "[::1]:9090")
        #expect(gateway.databasePath == "/var/lib/kawan/kawan.sqlite")
        #expect(gateway.publicBaseURL == "https://hotline.example.org/kawan")
        #expect(gateway.durability == .normal)
        #expect(gateway.logLevel == .debug)
        #expect(gateway.accessLog == false)
        #expect(gateway.http.ioThreads == 2)
        #expect(gateway.http.maxBodyBytes == 2048)
        #expect(gateway.http.shutdownGraceSeconds == 2.5)
        #expect(gateway.http.maxHeaderCount == HTTPLimits.defaults.maxHeaderCount)
    }

    @Test func problemDescriptionFormat() {
        #expect(ConfigurationProblem(file: "tenants/demo.json", line: 14, keyPath: "channels[2].type", message: "bad").description
            == "tenants/demo.json:14: channels[2].type: bad")
        #expect(ConfigurationProblem(file: "tenants", line: nil, keyPath: "-", message: "bad").description == "tenants: -: bad")
    }
}

@Suite struct AnswerOverrideDecodingTests {
    @Test func overridesAreReadWithTheirLines() throws {
        let text = Fixtures.tenant([(
            "\"emergency_phone\": \"112\"}",
            "\"emergency_phone\": \"112\"},\n  \"answers\": {\"id\": {\"intents.wage_unpaid\": {\"sms\": \"Gaji: hubungi {hotline_phone}\"}}}"
        )])
        let directory = try TestDirectory()
        try directory.write("gateway.json", "{}")
        try directory.write("tenants/acme.json", text)
        let configuration = try ConfigurationLoader.load(directory: directory.path, environment: Fixtures.environment)
        let overrides = try #require(configuration.tenant(id: "acme")?.answers[.indonesian])
        #expect(overrides == [AnswerOverride(key: "intents.wage_unpaid", sms: "Gaji: hubungi {hotline_phone}", chat: nil,
                                             file: "tenants/acme.json", line: 17)])
    }
}
