import Foundation
import KawanCrypto
import KawanTestSupport
import Testing

/// The OpenAPI document checked against the running `kawan` binary by
/// schemathesis (coverage, fuzzing and stateful phases, every check but
/// `positive_data_acceptance`: a schema-valid but unknown cursor, or a
/// `from` after `to`, is rightly refused). Skipped with a message when
/// `Scripts/python-venv.sh` has not installed schemathesis.
@Suite(.serialized) struct SchemathesisTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theRunningDaemonMatchesItsOpenAPIDocument() async throws {
        guard let python = await PythonEnvironment.interpreter(importing: ["schemathesis"]) else {
            print("SKIPPED theRunningDaemonMatchesItsOpenAPIDocument: schemathesis is not installed; run Scripts/python-venv.sh")
            return
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-schemathesis-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let daemon = try DaemonProcess(arguments: [
            "serve", "--localization", Self.root.appendingPathComponent("Localization").path,
            "--config", Self.root.appendingPathComponent("Config").path, "--listen", "127.0.0.1:0", "--db", work + "/k.sqlite",
        ])
        defer { daemon.terminate() }
        let port = try #require(await daemon.waitForPort())
        // Workers asking for a person give the queue something to claim.
        for worker in 1...4 { try await askForAPerson(port: port, worker: worker) }

        let schemathesis = (python as NSString).deletingLastPathComponent + "/schemathesis"
        let result = try await ProcessRunner.run(schemathesis, [
            "run", "http://127.0.0.1:\(port)/api/v1/openapi.json",
            "-H", "Authorization: Bearer kwn_demo_caseworker_ana_not_secret",
            "--checks", "all", "--exclude-checks", "positive_data_acceptance",
            "--max-examples", "20", "--seed", "1", "--no-color",
        ], currentDirectory: work)  // its cache directory (.schemathesis) goes there
        #expect(result.status == 0, Comment(rawValue: String(result.stdout.suffix(6000)) + result.stderr))
        #expect(result.stdout.contains("Stateful"))
    }

    /// A signed message on the demo's JSON channel (`web`).
    private func askForAPerson(port: UInt16, worker: Int) async throws {
        let secret = try String(contentsOfFile: Self.root.appendingPathComponent("Config/secrets/demo/web_secret").path, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let body = Array(#"{"id":"st-\#(worker)","from":"worker-\#(worker)","text":"I want to talk to a person please"}"#.utf8)
        let timestamp = Int(Date().timeIntervalSince1970)
        let mac = Digest.hmac(.sha256, key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body)
        let status = try await offPool { () -> Int in
            let client = try RawHTTPClient(port: port)
            var head = "POST /webhooks/demo/web HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            head += "X-Kawan-Timestamp: \(timestamp)\r\nX-Kawan-Signature: sha256=\(Hex.encode(mac))\r\nContent-Length: \(body.count)\r\n\r\n"
            try client.send(Array(head.utf8) + body)
            return try client.readResponse().status
        }
        #expect(status == 200)
    }
}
