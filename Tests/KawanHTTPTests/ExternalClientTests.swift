import Foundation
import KawanTestSupport
import Testing

/// Real third-party clients against the live server: curl and Python's
/// http.client. Each is skipped, visibly, when missing from the machine.
@Suite struct ExternalClientTests {
    @Test(.enabled(if: ProcessRunner.which("curl") != nil, "curl is not installed"))
    func curlTalksToTheServer() async throws {
        let fixture = try ServerFixture()
        let url = "http://127.0.0.1:\(fixture.port)"
        let result = try await ProcessRunner.run(ProcessRunner.which("curl")!, [
            "-sS", "--http1.1", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_code}:%{num_connects} ",
            "\(url)/hello", "\(url)/hello",
        ])
        #expect(result.status == 0)
        // Two requests, one connection: curl reused it (keep-alive).
        #expect(result.stdout.trimmingCharacters(in: .whitespaces) == "200:1 200:0")
        let echo = try await ProcessRunner.run(ProcessRunner.which("curl")!, [
            "-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "chunked body", "\(url)/echo",
        ])
        #expect(echo.stdout == "chunked body")
        await fixture.stop()
    }

    @Test(.enabled(if: ProcessRunner.which("python3") != nil, "python3 is not installed"))
    func pythonHTTPClientTalksToTheServer() async throws {
        let fixture = try ServerFixture()
        let script = """
        import http.client, sys
        c = http.client.HTTPConnection("127.0.0.1", \(fixture.port), timeout=30)
        out = []
        for i in range(3):
            c.request("POST", "/echo", body=("python %d" % i).encode())
            r = c.getresponse()
            out.append("%d:%s" % (r.status, r.read().decode()))
        c.request("GET", "/missing")
        r = c.getresponse(); r.read()
        out.append(str(r.status))
        print("|".join(out))
        """
        let result = try await ProcessRunner.run(ProcessRunner.which("python3")!, ["-c", script])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "200:python 0|200:python 1|200:python 2|404")
        await fixture.stop()
    }
}
