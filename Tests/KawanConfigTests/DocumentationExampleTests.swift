import Foundation
import Testing
import KawanConfig

/// The full example in docs/configuration.md must stay a valid configuration.
@Suite struct DocumentationExampleTests {
    @Test func fullExampleLoads() throws {
        let docs = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/configuration.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let example = try #require(text.components(separatedBy: "## Full example").last)
        let blocks = example.components(separatedBy: "```json\n").dropFirst()
            .map { $0.components(separatedBy: "```").first ?? "" }
        try #require(blocks.count == 2)

        let directory = try TestDirectory()
        defer { directory.remove() }
        try directory.write("gateway.json", blocks[0])
        try directory.write("tenants/acme.json", blocks[1])
        for name in ["line_channel_secret", "line_channel_access_token", "web_secret"] {
            try directory.write("secrets/acme/" + name, "example-\(name)\n")
        }
        let configuration = try ConfigurationLoader.load(directory: directory.path,
                                                         environment: ["ACME_TWILIO_AUTH_TOKEN": "example"])
        #expect(configuration.summaryLines() == [
            "acme: \"Acme Migrant Aid\" languages=id,tl,en channels=3 caseworkers=1 timezone=Asia/Tokyo",
        ])
    }
}
