/// The languages the hotline answers in, by ISO 639-1 code. Malay is not a
/// separate answer language: a Malay message is answered in Indonesian.
public enum MessageLanguage: String, Sendable, Hashable, CaseIterable, Comparable {
    case indonesian = "id"
    case tagalog = "tl"
    case vietnamese = "vi"
    case japanese = "ja"
    case english = "en"

    /// The language a labelled `lang` code is answered in (`ms` → `id`), or
    /// nil for a code the hotline does not answer in.
    public init?(labelCode: String) {
        if labelCode == "ms" {
            self = .indonesian
        } else {
            self.init(rawValue: labelCode)
        }
    }

    public static func < (lhs: MessageLanguage, rhs: MessageLanguage) -> Bool {
        lhs.index < rhs.index
    }

    var index: Int { MessageLanguage.allCases.firstIndex(of: self)! }
}
