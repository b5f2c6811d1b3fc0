/// How quickly a caseworker should pick up a conversation escalated for an
/// intent; ordered so that `.urgent` compares greatest.
public enum EscalationPriority: String, Sendable, Hashable, CaseIterable, Comparable {
    case normal
    case high
    case urgent

    public static func < (lhs: EscalationPriority, rhs: EscalationPriority) -> Bool {
        lhs.rank < rhs.rank
    }

    /// normal < high < urgent.
    public var rank: Int {
        switch self {
        case .normal: 0
        case .high: 1
        case .urgent: 2
        }
    }
}
