import Foundation
import KawanHTTP
import KawanTestSupport
import Testing

@Suite struct HTTPServerTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        let fixture = try ServerFixture()
        let port = fixture.port
        let statuses = try await offPool { () -> [Int] in
            let client = try RawHTTPClient(port: port)
            var statuses: [Int] = []
            for index in 0..<5 {
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n\(index)")
                let response = try client.readResponse()
                guard response.text == "\(index)", response.header("Connection") == nil else { return [] }
                statuses.append(response.status)
            }
            return statuses
        }
        #expect(statuses == [200, 200, 200, 200, 200])
        await fixture.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let fixture = try ServerFixture()
        let port = fixture.port
        let bodies = try await offPool { () -> [String] in
            let client = try RawHTTPClient(port: port)
            var batch = ""
            for index in 0..<10 {
                batch += "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n\(String(format: "%02d", index))"
            }
            batch += "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            try client.send(batch)
            var bodies: [String] = []
            for _ in 0..<11 { bodies.append(try client.readResponse().text) }
            return bodies
        }
        #expect(bodies == (0..<10).map { String(format: "%02d", $0) } + ["hello\n"])
        await fixture.stop()
    }

    @Test func responsesCarryDateLengthTypeAndCloseWhenClosing() async throws {
        let fixture = try ServerFixture()
        let response = try await fixture.exchange("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.header("Content-Length") == "6")
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(response.header("Connection") == "close")
        let date = try #require(response.header("Date"))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let parsed = try #require(formatter.date(from: date))
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
        await fixture.stop()
    }

    @Test func http10ClosesUnlessKeepAliveAsked() async throws {
        let fixture = try ServerFixture()
        let port = fixture.port
        let (first, closed, kept) = try await offPool { () -> (String?, Bool, String?) in
            let a = try RawHTTPClient(port: port)
            try a.send("GET /hello HTTP/1.0\r\n\r\n")
            let response = try a.readResponse()
            let closed = a.waitForClose(timeout: 2)
            let b = try RawHTTPClient(port: port)
            try b.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            return (response.header("Connection"), closed, try b.readResponse().header("Connection"))
        }
        #expect(first == "close" && closed)
        #expect(kept == "keep-alive")
        await fixture.stop()
    }

    @Test func wrongMethodIs405WithAllowAndUnknownPathIs404() async throws {
        let fixture = try ServerFixture()
        let wrong = try await fixture.exchange("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(wrong.status == 405 && wrong.header("Allow") == "GET, HEAD")
        let missing = try await fixture.exchange("GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(missing.status == 404)
        #expect(fixture.calls == 0)
        await fixture.stop()
    }

    @Test func headIsAnsweredWithoutBody() async throws {
        let fixture = try ServerFixture()
        let port = fixture.port
        let (head, next) = try await offPool { () -> (RawHTTPClient.Response, RawHTTPClient.Response) in
            let client = try RawHTTPClient(port: port)
            try client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            // The head says 6 bytes but none follow; read it by hand.
            var raw: [UInt8] = []
            var byte = [UInt8](repeating: 0, count: 1)
            while !raw.suffix(4).elementsEqual([13, 10, 13, 10]) {
                guard recv(client.fd, &byte, 1, 0) == 1 else { break }
                raw.append(byte[0])
            }
            let text = String(decoding: raw, as: UTF8.self)
            try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let next = try client.readResponse()
            return (RawHTTPClient.Response(status: text.hasPrefix("HTTP/1.1 200") ? 200 : 0,
                                           headers: text.contains("Content-Length: 6") ? [("Content-Length", "6")] : [], body: []), next)
        }
        #expect(head.status == 200 && head.header("Content-Length") == "6")
        #expect(next.text == "hello\n")
        await fixture.stop()
    }

    @Test func chunkedBodiesAreDecoded() async throws {
        let fixture = try ServerFixture()
        let response = try await fixture.exchange(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\n")
        #expect(response.status == 200 && response.text == "hello, world")
        await fixture.stop()
    }

    @Test func expectContinueGets100BeforeTheBody() async throws {
        let fixture = try ServerFixture()
        let port = fixture.port
        let (interim, final) = try await offPool { () -> (Int, String) in
            let client = try RawHTTPClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            try client.send("ping")
            return (interim.status, try client.readResponse().text)
        }
        #expect(interim == 100 && final == "ping")
        await fixture.stop()
    }

    @Test(arguments: [
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: three\r\n\r\nabc", 400),
        ("GET /hello HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n", 400),
        ("GET /hello HTTP/1.1\r\nHost: x\r\nBad\u{1}Name: 1\r\n\r\n", 400),
        ("GET /hello HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n", 400),
        ("GET /hello HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        ("GET http://127.0.0.1/hello HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /hello\r\n\r\n", 400),
        ("GET /hello HTTP/1.1\r\nHost: x\nX: y\r\n\r\n", 400),
        ("GET /hello HTTP/1.1\r\n\r\n", 400),
        ("GET /hello HTTP/3.0\r\nHost: x\r\n\r\n", 505),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
    ])
    func malformedRequestsAreRefusedAndReachNoHandler(_ raw: String, _ status: Int) async throws {
        let fixture = try ServerFixture()
        let port = fixture.port
        let (response, closed) = try await offPool { () -> (RawHTTPClient.Response, Bool) in
            let client = try RawHTTPClient(port: port)
            try client.send(raw)
            let response = try client.readResponse()
            return (response, client.waitForClose(timeout: 3))
        }
        #expect(response.status == status)
        #expect(response.header("Connection") == "close")
        #expect(closed)
        #expect(fixture.calls == 0)
        await fixture.stop()
    }

    @Test func headerSectionCutShortIs400() async throws {
        let fixture = try ServerFixture()
        let port = fixture.port
        let status = try await offPool { () -> Int in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
            client.shutdownWrite()
            return try client.readResponse().status
        }
        #expect(status == 400 && fixture.calls == 0)
        await fixture.stop()
    }

    @Test func metricsCountRequestsByRouteTemplate() async throws {
        let fixture = try ServerFixture()
        _ = try await fixture.exchange("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await fixture.exchange("GET /slow/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await fixture.exchange("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        let text = fixture.metrics.render()
        #expect(text.contains(#"kawan_http_requests_total{route="/hello",status="200"} 1"#))
        #expect(text.contains(#"kawan_http_requests_total{route="/slow/{ms}",status="200"} 1"#))
        #expect(text.contains(#"kawan_http_requests_total{route="unmatched",status="404"} 1"#))
        #expect(text.contains(#"kawan_http_request_duration_seconds_count{route="/hello"} 1"#))
        #expect(text.contains("kawan_http_connections_open"))
        // The access log names the template, never the raw path.
        let lines = fixture.logSink.lines
        #expect(lines.contains { $0.contains("event=http.request") && $0.contains("route=/slow/{ms}") })
        #expect(!lines.contains { $0.contains("/slow/1") })
        await fixture.stop()
    }

    @Test func shutdownDrainsInFlightRequests() async throws {
        let fixture = try ServerFixture()
        let port = fixture.port
        async let slow = offPool { () -> (Int, String?) in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /slow/700 HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            return (response.status, response.header("Connection"))
        }
        // Stop only once the handler is running: the request is in flight.
        while fixture.calls == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        await fixture.stop()
        // The drain waited for it: a full response, marked as the last one.
        let (status, connection) = try await slow
        #expect(status == 200 && connection == "close")
        // The listener is gone.
        #expect(throws: (any Error).self) { _ = try RawHTTPClient(port: port, timeout: 1) }
    }

    @Test func shutdownGivesUpAfterGrace() async throws {
        let fixture = try ServerFixture { $0.shutdownGrace = 0.3 }
        let port = fixture.port
        // The handler would take 30 s; the server must not wait for it.
        async let slow = offPool { () -> Bool in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /slow/30000 HTTP/1.1\r\nHost: x\r\n\r\n")
            return client.waitForClose(timeout: 20)
        }
        while fixture.calls == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        let started = Date()
        await fixture.stop()
        // Generous bound: other suites share the two cores; the point is
        // that shutdown ends long before the 30 s handler would.
        #expect(Date().timeIntervalSince(started) < 15)
        // Closed without a response.
        #expect(try await slow)
    }
}
