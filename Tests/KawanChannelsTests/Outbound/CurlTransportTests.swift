import Foundation
import Glibc
import KawanChannels
import KawanTestSupport
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
        // A port bound but never listened on: connections are refused, and
        // no other test's server can take it while the socket is held (a
        // port that was bound and closed could be reused at once).
        let socket = try Self.boundNotListeningSocket()
        defer { close(socket.fd) }
        let url = "http://127.0.0.1:\(socket.port)/sms/json"
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
        // A TLS server with a self-signed certificate on loopback: the
        // certificate comes from the openssl command, the server from
        // Python's ssl module, which binds port 0 itself and reports the
        // port once it listens (a random port chosen here could be taken,
        // and openssl s_server gave no sign of readiness).
        guard let openssl = ProcessRunner.which("openssl"), let python = ProcessRunner.which("python3") else {
            print("skipped: openssl or python3 not found, TLS verification not exercised")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kawan-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generated = try await ProcessRunner.run(openssl, [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
            "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem"])
        try #require(generated.status == 0, "\(generated.stderr)")
        let server = try ChildProcess(python, ["-c", Self.tlsServerScript, directory + "/cert.pem", directory + "/key.pem"])
        defer { server.kill() }
        let firstLine = try await offPool { String(decoding: PipeIO.readChunk(server.standardOutput), as: UTF8.self) }
        guard let port = UInt16(firstLine.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            server.kill()
            let stderr = try await offPool { String(decoding: PipeIO.readToEnd(server.standardError), as: UTF8.self) }
            Issue.record("the TLS stand-in did not report a port: \(firstLine) \(stderr)")
            return
        }
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

    /// Listens on 127.0.0.1 with the certificate and key given as
    /// arguments, prints its port, and completes (or fails) handshakes.
    static let tlsServerScript = """
        import socket, ssl, sys
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        print(listener.getsockname()[1], flush=True)
        while True:
            connection, _ = listener.accept()
            try:
                with context.wrap_socket(connection, server_side=True) as tls:
                    tls.sendall(b"HTTP/1.0 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok")
            except (ssl.SSLError, OSError):
                connection.close()
        """

    static func boundNotListeningSocket() throws -> (fd: Int32, port: UInt16) {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }
}
