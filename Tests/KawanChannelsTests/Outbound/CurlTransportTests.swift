import Foundation
import KawanChannels
import Testing

/// libcurl transport failures and limits, against real loopback sockets.
@Suite("Curl transport")
struct CurlTransportTests {
    @Test func returnsStatusHeadersAndBody() async throws {
        let provider = try StandInProvider()
        provider.script([.init(status: 429, headers: [("Retry-After", "3")], body: #"{"code":20429}"#)])
        let transport = CurlTransport(configuration: .init(threads: 1))
        let body = Array(String(repeating: "a=b&", count: 1000).utf8)  // larger than curl's Expect threshold
        let response = try await transport.send(ProviderRequest(
            method: "POST", url: provider.baseURL + "/sms/json",
            headers: [.init("Content-Type", "application/x-www-form-urlencoded"), .init("X-Test", "1")], body: body))
        #expect(response.status == 429)
        #expect(response.headers.contains { $0.name.lowercased() == "retry-after" && $0.value == "3" })
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"code":20429}"#)
        let received = try #require(provider.requests.first)
        #expect(received.body == body)
        #expect(received.header("X-Test") == "1")
        #expect(received.header("User-Agent")?.hasPrefix("kawan/") == true)
        await transport.shutdown()
        await provider.stop()
    }

    @Test func connectionRefusedIsARetryableTransportError() async throws {
        // Bind and close a port so nothing listens on it.
        let provider = try StandInProvider()
        let url = provider.baseURL + "/sms/json"
        await provider.stop()
        let transport = CurlTransport(configuration: .init(threads: 1))
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(ProviderRequest(method: "POST", url: url, headers: [], body: [1]))
        }
        do {
            _ = try await transport.send(ProviderRequest(method: "POST", url: url, headers: [], body: [1]))
        } catch {
            guard case .connectionFailed = error else {
                Issue.record("expected connectionFailed, got \(error)")
                return
            }
            #expect(error.isRetryable)
        }
        await transport.shutdown()
    }

    @Test func oversizedAnswersAreCutOff() async throws {
        let provider = try StandInProvider()
        provider.script([.init(status: 200, body: String(repeating: "x", count: 10_000))])
        let transport = CurlTransport(configuration: .init(maximumResponseBytes: 1024, threads: 1))
        await #expect(throws: TransportError.responseTooLarge(limit: 1024)) {
            _ = try await transport.send(ProviderRequest(method: "POST", url: provider.baseURL + "/sms/json", headers: [], body: []))
        }
        await transport.shutdown()
        await provider.stop()
    }

    @Test func onlyHTTPAndHTTPSAreAllowed() async throws {
        let transport = CurlTransport(configuration: .init(threads: 1))
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(ProviderRequest(method: "GET", url: "file:///etc/passwd", headers: [], body: []))
        }
        do {
            _ = try await transport.send(ProviderRequest(method: "GET", url: "file:///etc/passwd", headers: [], body: []))
        } catch {
            #expect(!error.isRetryable)
        }
        await transport.shutdown()
    }

    @Test func untrustedCertificatesAreRefused() async throws {
        // A TLS server with a self-signed certificate on loopback (openssl s_server).
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            print("skipped: /usr/bin/openssl not found, TLS verification not exercised")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        generate.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
                              "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem"]
        generate.standardError = FileHandle.nullDevice
        try generate.run()
        generate.waitUntilExit()
        let port = Int.random(in: 20_000..<40_000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        server.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", directory + "/cert.pem",
                            "-key", directory + "/key.pem", "-www", "-quiet"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        try await Task.sleep(for: .milliseconds(500))
        let transport = CurlTransport(configuration: .init(threads: 1))
        do {
            _ = try await transport.send(ProviderRequest(method: "GET", url: "https://127.0.0.1:\(port)/", headers: [], body: []))
            Issue.record("a self-signed certificate was accepted")
        } catch {
            guard case .tls = error else {
                Issue.record("expected a TLS error, got \(error)")
                return
            }
        }
        await transport.shutdown()
    }
}
