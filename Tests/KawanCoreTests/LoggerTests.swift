import KawanCore
import Testing

@Suite struct LoggerTests {
    @Test func sensitiveValuesAreRedactedAboveDebug() {
        let sink = MemoryLogSink()
        var logger = Logger(level: .debug, sink: sink)
        logger.info("webhook.received", ["from": .sensitive("+6281234567890"), "body": .sensitive("gaji saya belum dibayar")])
        logger.debug("webhook.detail", ["from": .sensitive("+6281234567890")])
        logger.level = .info
        logger.warning("webhook.rejected", ["token": .sensitive("kwn_secret")])
        let lines = sink.lines
        #expect(lines.count == 3)
        #expect(lines[0].contains("from=<redacted>") && lines[0].contains("body=<redacted>"))
        #expect(!lines[0].contains("6281234567890") && !lines[0].contains("gaji"))
        #expect(lines[1].contains("from=+6281234567890"))
        #expect(lines[2].contains("token=<redacted>") && !lines[2].contains("kwn_secret"))
    }

    @Test func identifiersCannotCarryFreeText() {
        #expect(LogValue.identifier("/webhooks/{tenant}/{channel}").description == "/webhooks/{tenant}/{channel}")
        #expect(LogValue.identifier("my passport was taken").description == "<invalid-identifier>")
        #expect(LogValue.identifier("").description == "<invalid-identifier>")
        #expect(LogValue.identifier(String(repeating: "a", count: 97)).description == "<invalid-identifier>")
    }

    @Test func linesAreLogfmtWithLevelAndEvent() {
        let sink = MemoryLogSink()
        let logger = Logger(level: .info, sink: sink).with(["tenant": .identifier("demo")])
        logger.debug("dropped")
        logger.notice("daemon.ready", ["port": 8080, "ok": true, "ms": .double(1.23456)])
        #expect(sink.lines.count == 1)
        let line = sink.lines[0]
        #expect(line.hasPrefix("ts="))
        #expect(line.contains(" level=notice event=daemon.ready tenant=demo port=8080 ok=true ms=1.235"))
    }

    @Test func errorsLogOnlyTheirSafeSummary() {
        struct Leaky: Error { let body = "secret text" }
        struct Safe: LogSafeError { var logSummary: String { "disk_full" } }
        let sink = MemoryLogSink()
        let logger = Logger(level: .info, sink: sink)
        logger.error("store.failed", ["error": .error(Leaky())])
        logger.error("store.failed", ["error": .error(Safe())])
        #expect(!sink.lines[0].contains("secret text"))
        #expect(sink.lines[1].contains("error=disk_full"))
    }

    @Test func levelsParse() {
        #expect(LogLevel(name: "WARN") == .warning)
        #expect(LogLevel(name: "loud") == nil)
    }
}

@Suite struct MetricsRegistryTests {
    @Test func rendersPrometheusTextFormat() {
        let registry = MetricsRegistry()
        let requests = registry.counter("kawan_test_total", help: "Test counter.", labels: ["route", "status"])
        requests.increment(["/a", "200"])
        requests.increment(["/a", "200"])
        requests.increment(["/b\"x", "500"], by: 3)
        let gauge = registry.gauge("kawan_test_open", help: "Open things.")
        gauge.set(4)
        let histogram = registry.histogram("kawan_test_seconds", help: "Durations.", buckets: [0.1, 1])
        histogram.observe(0.05)
        histogram.observe(0.5)
        histogram.observe(5)
        let text = registry.render()
        #expect(text.contains("# HELP kawan_test_total Test counter.\n# TYPE kawan_test_total counter\n"))
        #expect(text.contains(#"kawan_test_total{route="/a",status="200"} 2"#))
        #expect(text.contains(#"kawan_test_total{route="/b\"x",status="500"} 3"#))
        #expect(text.contains("kawan_test_open 4\n"))
        #expect(text.contains(#"kawan_test_seconds_bucket{le="0.1"} 1"#))
        #expect(text.contains(#"kawan_test_seconds_bucket{le="1"} 2"#))
        #expect(text.contains(#"kawan_test_seconds_bucket{le="+Inf"} 3"#))
        #expect(text.contains("kawan_test_seconds_sum 5.55"))
        #expect(text.contains("kawan_test_seconds_count 3"))
    }

    @Test func registeringTwiceReturnsTheSameFamily() {
        let registry = MetricsRegistry()
        let a = registry.counter("kawan_same_total", help: "x")
        let b = registry.counter("kawan_same_total", help: "x")
        a.increment()
        #expect(b.value() == 1)
    }
}
