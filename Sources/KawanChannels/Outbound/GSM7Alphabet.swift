/// The GSM 03.38 default alphabet and its extension table (3GPP TS 23.038
/// §6.2.1): what an SMS can carry without switching to UCS-2. Indonesian
/// and Tagalog usually fit; Vietnamese diacritics and Japanese do not.
enum GSM7Alphabet {
    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    /// Sent as an escape plus one character.
    static let extended: Set<Character> = Set("^{}\\[~]|€\u{0C}")

    static func canEncode(_ text: String) -> Bool {
        // "\r\n" is one Character in Swift; it is two GSM characters.
        text.unicodeScalars.allSatisfy { scalar in
            let character = Character(scalar)
            return basic.contains(character) || extended.contains(character)
        }
    }
}
