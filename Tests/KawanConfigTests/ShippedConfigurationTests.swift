import Foundation
import KawanCrypto
import Testing
import KawanConfig

/// The `Config/` folder in the repository must always load: it is what a new
/// administrator copies.
@Suite struct ShippedConfigurationTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config").path

    private func load() throws -> KawanConfiguration {
        do {
            return try ConfigurationLoader.load(directory: Self.directory, environment: [:])
        } catch {
            Issue.record("shipped configuration has problems:\n\(error)")
            throw error
        }
    }

    @Test func loadsWithoutProblems() throws {
        let configuration = try load()
        #expect(configuration.gateway == GatewayConfiguration.defaults)
        #expect(configuration.tenants.map(\.id) == ["demo"])
        #expect(configuration.summaryLines() == [
            "demo: \"Demo Hotline\" languages=id,tl,vi,ja,en channels=7 caseworkers=2 timezone=Asia/Tokyo",
        ])
    }

    @Test func demoTenant() throws {
        let demo = try #require(try load().tenant(id: "demo"))
        #expect(demo.channels.map(\.id) == ["sms", "vonage", "line", "whatsapp", "messenger", "telegram", "web"])
        #expect(demo.channels.map(\.type) == [.twilio, .vonage, .line, .whatsapp, .messenger, .telegram, .json])
        #expect(demo.officeHours.summary == "Mon-Fri 09:00-18:00; Sat 10:00-14:00")
        #expect(demo.claimLeaseMinutes == 30)
        #expect(demo.escalateIntents[.emergency] == .urgent)
        #expect(demo.placeholders["hotline_phone"] != nil)
        guard case .twilio(let twilio) = demo.channel(id: "sms")?.settings else {
            Issue.record("sms is not a twilio channel")
            return
        }
        #expect(twilio.authToken.string == "demo-twilio-auth-token-not-secret")
        #expect(twilio.sender == .phoneNumber("+15005550006"))
    }

    @Test func demoCaseworkerTokensFromTheREADMEMatch() throws {
        let configuration = try load()
        #expect(configuration.caseworker(forToken: "kwn_demo_caseworker_ana_not_secret")?.caseworker.id == "ana")
        #expect(configuration.caseworker(forToken: "kwn_demo_caseworker_budi_not_secret")?.caseworker.id == "budi")
        #expect(configuration.caseworker(forToken: "kwn_demo_caseworker_eve") == nil)
        let digest = Digest.sha256("kwn_demo_caseworker_ana_not_secret")
        #expect(configuration.caseworker(forTokenDigest: digest)?.tenant.id == "demo")
        #expect(configuration.tenant(id: "nobody") == nil)
    }
}
