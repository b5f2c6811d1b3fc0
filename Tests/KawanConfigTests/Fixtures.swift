import Foundation
@testable import KawanConfig

/// A small valid configuration whose line numbers the validation tests rely on.
enum Fixtures {
    static let sariDigest = "3f0a5b6c7d8e9f00112233445566778899aabbccddeeff00112233445566778a"

    /// Line numbers are fixed: tests replace whole lines and expect problems there.
    static let tenant = """
    {
      "id": "acme",
      "name": "Acme Aid",
      "default_language": "en",
      "languages": ["en", "id"],
      "timezone": "Asia/Jakarta",
      "office_hours": {"mon": ["09:00-17:00"]},
      "retention_days": 90,
      "channels": [
        {"id": "web", "type": "json", "secret": "env:ACME_WEB_SECRET"},
        {"id": "sms", "type": "twilio", "account_sid": "AC0123", "auth_token": "env:ACME_TWILIO", "from": "+10000000000"}
      ],
      "caseworkers": [
        {"id": "sari", "name": "Sari", "languages": ["id"], "token_sha256": "\(sariDigest)"}
      ],
      "placeholders": {"hotline_phone": "+62-0", "emergency_phone": "112"}
    }
    """

    static let environment = ["ACME_WEB_SECRET": "web-secret", "ACME_TWILIO": "twilio-token"]

    /// `tenant` with each `(old, new)` substitution applied; fails loudly if
    /// a substitution no longer matches the fixture.
    static func tenant(_ edits: [(String, String)]) -> String {
        var text = tenant
        for (old, new) in edits {
            precondition(text.contains(old), "fixture does not contain \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    /// Loads a directory holding `files`; returns the problems' descriptions,
    /// or an empty list when the configuration is valid.
    static func problems(_ files: [String: String], environment: [String: String] = environment) throws -> [String] {
        let directory = try TestDirectory()
        defer { directory.remove() }
        for (name, contents) in files {
            try directory.write(name, contents)
        }
        do {
            _ = try ConfigurationLoader.load(directory: directory.path, environment: environment)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    /// Problems of a directory with `gateway.json` = `{}` and one tenant file.
    static func tenantProblems(_ contents: String, name: String = "acme.json",
                               environment: [String: String] = environment) throws -> [String] {
        try problems(["gateway.json": "{}", "tenants/" + name: contents], environment: environment)
    }
}
