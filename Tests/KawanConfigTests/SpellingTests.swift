import Testing
@testable import KawanConfig

@Suite struct SpellingTests {
    @Test func editDistance() {
        #expect(Spelling.editDistance("kitten", "sitting") == 3)
        #expect(Spelling.editDistance("form", "from") == 1)
        #expect(Spelling.editDistance("", "abc") == 3)
        #expect(Spelling.editDistance("same", "same") == 0)
    }

    @Test func suggestionsAreOnlyOfferedWhenClose() {
        #expect(Spelling.suggestion(for: "auth_tokne", among: ["account_sid", "auth_token"]) == "auth_token")
        #expect(Spelling.suggestion(for: "fr", among: ["id", "tl", "vi", "ja", "en"]) == nil)
        #expect(Spelling.suggestion(for: "colour", among: ["name", "id"]) == nil)
    }
}
