@testable import KawanHTTP
import Testing

@Suite struct RequestHeadParserTests {
    let limits = RequestHeadParser.Limits(maxRequestLineBytes: 64, maxHeaderBytes: 128, maxHeaderCount: 4)

    func parse(_ text: String) -> RequestHeadParser.Outcome {
        RequestHeadParser.parse(Array(text.utf8), limits: limits)
    }

    @Test func parsesACompleteHead() {
        guard case .complete(let head, let consumed) = parse("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Y:  z \r\n\r\nBODY") else {
            Issue.record("expected complete")
            return
        }
        #expect(head.method == "GET" && head.target == "/a?b=1" && head.version == .http11)
        #expect(head.headers.map(\.name) == ["Host", "X-Y"] && head.headers.map(\.value) == ["x", "z"])
        #expect(consumed == "GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Y:  z \r\n\r\n".utf8.count)
    }

    @Test func waitsForMoreBytes() {
        #expect(parse("GET / HTTP/1.1\r\nHost: x\r\n") == .incomplete)
        #expect(parse("GET / HTT") == .incomplete)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\n folded: x\r\n\r\n", "obsolete line folding"),
        ("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "invalid character in header name"),
        ("GET / HTTP/1.1\r\nName : x\r\n\r\n", "invalid character in header name"),
        ("GET / HTTP/1.1\r\nNa\u{1}me: x\r\n\r\n", "invalid character in header name"),
        ("GET / HTTP/1.1\r\nName: a\u{7}b\r\n\r\n", "control character in header value"),
        ("GET http://example.com/ HTTP/1.1\r\n\r\n", "absolute-form request target"),
        ("GET  / HTTP/1.1\r\n\r\n", "request line has more than three parts"),
        ("GET  HTTP/1.1\r\n\r\n", "malformed request line"),
        ("GET / HTTP/1.1 extra\r\n\r\n", "request line has more than three parts"),
        ("GET /\r\n\r\n", "malformed request line"),
        ("GET / HTTX/1.1\r\n\r\n", "malformed HTTP version"),
        ("GET / HTTP/1.1\nHost: x\n\n", "request line not terminated by CRLF"),
        ("GET / HTTP/1.1\r\nHost: x\n\r\n", "header line not terminated by CRLF"),
        ("G@T / HTTP/1.1\r\n\r\n", "method is not a token"),
        ("GET relative HTTP/1.1\r\n\r\n", "request target must start with /"),
        ("GET /\u{7f} HTTP/1.1\r\n\r\n", "control character in request line"),
    ])
    func refusesMalformedHeads(_ input: String, _ reason: String) {
        #expect(parse(input) == .failure(.badRequest(reason)))
    }

    @Test func unsupportedVersionIs505() {
        #expect(parse("GET / HTTP/2.0\r\n\r\n") == .failure(.versionNotSupported))
        #expect(parse("GET / HTTP/1.2\r\n\r\n") == .failure(.versionNotSupported))
    }

    @Test func requestLineLimitIs414EvenBeforeCRLF() {
        let long = "GET /" + String(repeating: "a", count: 80)
        #expect(parse(long) == .failure(.uriTooLong))
        #expect(parse(long + " HTTP/1.1\r\n\r\n") == .failure(.uriTooLong))
        // Exactly at the limit is accepted.
        let exact = "GET /" + String(repeating: "a", count: 64 - 14) + " HTTP/1.1"
        #expect(exact.utf8.count == 64)
        if case .complete = parse(exact + "\r\nHost: x\r\n\r\n") {} else { Issue.record("limit itself must pass") }
    }

    @Test func headerLimitsAre431() {
        let big = "GET / HTTP/1.1\r\nA: " + String(repeating: "v", count: 200) + "\r\n\r\n"
        #expect(parse(big) == .failure(.headerFieldsTooLarge))
        let many = "GET / HTTP/1.1\r\n" + (1...5).map { "H\($0): x\r\n" }.joined() + "\r\n"
        #expect(parse(many) == .failure(.headerFieldsTooLarge))
        let four = "GET / HTTP/1.1\r\n" + (1...4).map { "H\($0): x\r\n" }.joined() + "\r\n"
        if case .complete = parse(four) {} else { Issue.record("4 headers are within the limit") }
        // Incomplete but already over budget: refused without waiting.
        #expect(parse("GET / HTTP/1.1\r\nA: " + String(repeating: "v", count: 200)) == .failure(.headerFieldsTooLarge))
    }

    @Test func toleratesOneLeadingEmptyLine() {
        if case .complete(let head, _) = parse("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n") {
            #expect(head.method == "GET")
        } else {
            Issue.record("leading CRLF should be ignored")
        }
    }
}

@Suite struct BodyFramingTests {
    func head(_ headers: [(String, String)], version: HTTPVersion = .http11) -> RequestHead {
        RequestHead(method: "POST", target: "/", version: version, headers: [("Host", "x")] + headers.map { (name: $0.0, value: $0.1) })
    }

    @Test func decidesFraming() {
        #expect(BodyFraming.of(head([]), maxBodyBytes: 100) == .success(.none))
        #expect(BodyFraming.of(head([("Content-Length", "5")]), maxBodyBytes: 100) == .success(.length(5)))
        #expect(BodyFraming.of(head([("Content-Length", "5"), ("content-length", "5")]), maxBodyBytes: 100) == .success(.length(5)))
        #expect(BodyFraming.of(head([("Transfer-Encoding", "Chunked")]), maxBodyBytes: 100) == .success(.chunked))
    }

    @Test func refusesAmbiguousFraming() {
        #expect(BodyFraming.of(head([("Content-Length", "5"), ("Transfer-Encoding", "chunked")]), maxBodyBytes: 100)
            == .failure(.badRequest("both Content-Length and Transfer-Encoding")))
        #expect(BodyFraming.of(head([("Content-Length", "5"), ("Content-Length", "6")]), maxBodyBytes: 100)
            == .failure(.badRequest("conflicting Content-Length")))
        #expect(BodyFraming.of(head([("Content-Length", "5, 6")]), maxBodyBytes: 100)
            == .failure(.badRequest("conflicting Content-Length")))
        for bad in ["-1", "abc", "+5", "0x10", "", "1 2", "99999999999999999999"] {
            #expect(BodyFraming.of(head([("Content-Length", bad)]), maxBodyBytes: 100) == .failure(.badRequest("invalid Content-Length")))
        }
        #expect(BodyFraming.of(head([("Transfer-Encoding", "gzip, chunked")]), maxBodyBytes: 100) == .failure(.transferCodingNotImplemented))
        #expect(BodyFraming.of(head([("Content-Length", "101")]), maxBodyBytes: 100) == .failure(.contentTooLarge))
        let noHost = RequestHead(method: "GET", target: "/", version: .http11, headers: [])
        #expect(BodyFraming.of(noHost, maxBodyBytes: 100) == .failure(.badRequest("missing Host header")))
        let http10 = RequestHead(method: "GET", target: "/", version: .http10, headers: [])
        #expect(BodyFraming.of(http10, maxBodyBytes: 100) == .success(.none))
    }
}

@Suite struct ChunkedDecoderTests {
    /// Feeds the pieces in turn; returns the progress, the body and how
    /// many input bytes were left unconsumed (fed or not).
    func decode(_ pieces: [String], max: Int = 100) -> (ChunkedDecoder.Progress, [UInt8], Int) {
        var decoder = ChunkedDecoder(maxBodyBytes: max)
        var buffer: [UInt8] = []
        var progress = ChunkedDecoder.Progress.needMore
        var consumedTotal = 0
        for piece in pieces {
            buffer.append(contentsOf: Array(piece.utf8))
            let (consumed, result) = buffer.withUnsafeBufferPointer { decoder.feed($0) }
            buffer.removeFirst(consumed)
            consumedTotal += consumed
            progress = result
            if result != .needMore { break }
        }
        return (progress, decoder.body, pieces.map { $0.utf8.count }.reduce(0, +) - consumedTotal)
    }

    @Test func decodesAcrossArbitrarySplits() {
        let whole = "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\nNEXT"
        for split in 1..<whole.count {
            let index = whole.index(whole.startIndex, offsetBy: split)
            let (progress, body, leftover) = decode([String(whole[..<index]), String(whole[index...])])
            #expect(progress == .done)
            #expect(String(decoding: body, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.")
            #expect(leftover == 4)
        }
    }

    @Test func refusesBadChunks() {
        #expect(decode(["zz\r\n"]).0 == .failure(.badRequest("invalid chunk size")))
        #expect(decode(["3\r\nabcX\r\n"]).0 == .failure(.badRequest("chunk data not followed by CRLF")))
        #expect(decode(["3\nabc"]).0 == .failure(.badRequest("chunk line not terminated by CRLF")))
        #expect(decode(["fffffffffffffffff\r\n"]).0 == .failure(.badRequest("invalid chunk size")))
        #expect(decode(["65\r\n"], max: 100).0 == .failure(.contentTooLarge))
        #expect(decode([String(repeating: "1", count: 2000)]).0 == .failure(.badRequest("chunk size line too long")))
    }
}

@Suite struct RouterTests {
    @Test func matchesTemplatesAndMethods() {
        var router = Router()
        router.add("GET", "/healthz", .immediate { _ in .text("ok") })
        router.add("POST", "/webhooks/{tenant}/{channel}", .immediate { _ in .text("in") })
        router.add("GET", "/webhooks/{tenant}/{channel}", .immediate { _ in .text("verify") })
        router.add("POST", "/webhooks/{tenant}/{channel}/status", .immediate { _ in .text("status") })

        guard case .found(_, let template, let parameters) = router.match(method: "POST", path: "/webhooks/demo/sms") else {
            Issue.record("expected match")
            return
        }
        #expect(template == "/webhooks/{tenant}/{channel}")
        #expect(parameters == ["tenant": "demo", "channel": "sms"])
        if case .found(_, let t, _) = router.match(method: "POST", path: "/webhooks/demo/sms/status") {
            #expect(t == "/webhooks/{tenant}/{channel}/status")
        } else { Issue.record("status route") }
        if case .found(_, _, let p) = router.match(method: "GET", path: "/webhooks/a%2Db/c") {
            #expect(p["tenant"] == "a-b")
        } else { Issue.record("decoded parameter") }
        if case .methodNotAllowed(let allowed, _) = router.match(method: "DELETE", path: "/healthz") {
            #expect(allowed == ["GET", "HEAD"])
        } else { Issue.record("expected 405") }
        if case .found = router.match(method: "HEAD", path: "/healthz") {} else { Issue.record("HEAD served by GET") }
        if case .notFound = router.match(method: "GET", path: "/webhooks/demo") {} else { Issue.record("expected 404") }
        if case .notFound = router.match(method: "GET", path: "/webhooks//sms") {} else { Issue.record("empty parameter") }
    }
}
