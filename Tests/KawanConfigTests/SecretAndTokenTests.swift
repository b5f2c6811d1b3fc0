import Foundation
import KawanCrypto
import Testing
@testable import KawanConfig

@Suite struct SecretAndTokenTests {
    @Test func secretNeverPrintsItsValue() {
        let secret = Secret("hunter2")
        #expect(String(describing: secret) == "<secret>")
        #expect(String(reflecting: secret) == "<secret>")
        #expect("\(secret)" == "<secret>")
        #expect(!"\(TelegramSettings(botToken: secret, secretToken: secret))".contains("hunter2"))
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(secret.string == "hunter2")
        #expect(secret.bytes == Array("hunter2".utf8))
    }

    @Test func generatedTokenMatchesItsDigest() {
        let generated = CaseworkerToken.generate()
        #expect(generated.token.hasPrefix("kwn_"))
        #expect(generated.token.count == 4 + 43)
        #expect(generated.token.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(generated.sha256Hex.count == 64)
        #expect(generated.sha256Hex == Hex.encode(Digest.sha256(generated.token)))
        #expect(generated.configurationLine == "\"token_sha256\": \"\(generated.sha256Hex)\"")
        #expect(CaseworkerToken.generate().token != generated.token)
    }

    @Test func secretFileIsTrimmedAndCredentialsDirectoryWins() throws {
        let directory = try TestDirectory()
        defer { directory.remove() }
        try directory.write("secrets/web", "from-config-dir\r\n\n")
        try directory.write("credentials/secrets/web", "from-credentials\n")
        let resolver = SecretResolver(configurationDirectory: directory.path, environment: [:])
        #expect(try resolver.resolve("file:secrets/web").string == "from-config-dir")
        let systemd = SecretResolver(configurationDirectory: directory.path,
                                     environment: ["CREDENTIALS_DIRECTORY": directory.path + "/credentials"])
        #expect(try systemd.resolve("file:secrets/web").string == "from-credentials")
        // Falls back to the configuration directory when the credential is absent.
        try directory.write("secrets/other", "other")
        #expect(try systemd.resolve("file:secrets/other").string == "other")
        #expect(try resolver.resolve("file:" + directory.path + "/secrets/other").string == "other")
        #expect(throws: SecretResolver.Failure.self) { try systemd.resolve("file:secrets/none") }
        do {
            _ = try systemd.resolve("file:secrets/none")
        } catch {
            #expect(error.message == "secret file \"secrets/none\" not found in CREDENTIALS_DIRECTORY or the configuration directory")
        }
    }

    @Test func environmentSecrets() throws {
        let resolver = SecretResolver(configurationDirectory: "/nowhere", environment: ["TOKEN": "abc"])
        #expect(try resolver.resolve("env:TOKEN").string == "abc")
        do {
            _ = try resolver.resolve("env:1BAD")
            Issue.record("accepted a bad variable name")
        } catch {
            #expect(error.message == "\"1BAD\" is not a valid environment variable name")
        }
    }
}
