/// Hides a worker's address everywhere but `reveal-contact`: a phone
/// number keeps `+`, its country calling code and its last 3 digits
/// (`+62••••••789`); any other address (a chat id) keeps its last 3
/// characters. Each hidden character becomes one `•`.
enum ContactMask {
    static func mask(_ address: String) -> String {
        let characters = Array(address)
        let prefixLength = characters.first == "+" ? 1 + countryCodeLength(characters.dropFirst()) : 0
        let shown = 3
        guard characters.count > prefixLength + shown else {
            return String(repeating: "•", count: characters.count)
        }
        let hidden = characters.count - prefixLength - shown
        return String(characters[..<prefixLength]) + String(repeating: "•", count: hidden) + String(characters.suffix(shown))
    }

    /// The length of the ITU-T E.164 country calling code at the start of
    /// `digits`: 1 and 7 are one digit, the codes below two, all others three
    /// (ITU-T E.164 Annex to the Operational Bulletin, list of assigned codes).
    static func countryCodeLength(_ digits: ArraySlice<Character>) -> Int {
        guard let first = digits.first, first.isASCII, first.isNumber else { return 0 }
        if first == "1" || first == "7" { return 1 }
        let two = String(digits.prefix(2))
        return twoDigitCodes.contains(two) ? 2 : min(3, digits.count)
    }

    static let twoDigitCodes: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66",
        "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ]
}
