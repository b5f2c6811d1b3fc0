/// The languages Kawan converses in, by ISO 639-1 code as written in
/// configuration files (`"id"`, `"tl"`, `"vi"`, `"ja"`, `"en"`).
public enum Language: String, Sendable, Hashable, CaseIterable {
    case indonesian = "id"
    case tagalog = "tl"
    case vietnamese = "vi"
    case japanese = "ja"
    case english = "en"
}
