import Foundation

/// One word-like piece of a message after normalisation.
struct NormalizedToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// Latin letters, possibly with digits ("3bln", "d2").
        case word
        /// Digits only.
        case number
        /// A run of kanji, kana or other non-Latin letters: Japanese is not split into words.
        case ideographic
        /// An emoji, named by its family ("_sad", "_pray", ...).
        case emoji
    }

    /// NFKC, lower case, runs of three or more equal letters collapsed to one.
    var text: String
    /// `text` without Latin diacritics (Vietnamese typed without a Vietnamese keyboard), đ → d.
    var folded: String
    var kind: Kind
}

/// Puts a message into the one shape every feature is computed from, so that
/// "TOLOOONG", "ｔｏｌｏｎｇ" and "tolong" look alike, and "không" and "khong" share features.
enum TextNormalizer {
    static func tokens(_ text: String) -> [NormalizedToken] {
        let normalized = (isCompatibilityNormalized(text) ? text : text.precomposedStringWithCompatibilityMapping).lowercased()
        var tokens: [NormalizedToken] = []
        var current = String.UnicodeScalarView()
        var currentKind = NormalizedToken.Kind.number
        var runScalar: Unicode.Scalar?
        var runLength = 0

        func flush() {
            guard !current.isEmpty else { return }
            let text = String(current)
            tokens.append(NormalizedToken(text: text, folded: fold(text), kind: currentKind))
            current.removeAll()
            runScalar = nil
            runLength = 0
        }

        for scalar in normalized.unicodeScalars {
            let kind = scalarKind(scalar)
            switch kind {
            case .separator:
                flush()
            case .joiner:
                continue
            case .mark:
                if !current.isEmpty { current.append(scalar) }
            case .emoji(let name):
                flush()
                if tokens.last?.text != name {
                    tokens.append(NormalizedToken(text: name, folded: name, kind: .emoji))
                }
            case .digit, .latin, .ideographic:
                let tokenKind: NormalizedToken.Kind = kind == .ideographic ? .ideographic : (kind == .digit ? .number : .word)
                if !current.isEmpty {
                    let wasIdeographic = currentKind == .ideographic
                    if wasIdeographic != (tokenKind == .ideographic) {
                        flush()
                    }
                }
                if current.isEmpty {
                    currentKind = tokenKind
                } else if currentKind == .number && tokenKind == .word {
                    currentKind = .word
                }
                if scalar == runScalar {
                    runLength += 1
                } else {
                    runScalar = scalar
                    runLength = 1
                }
                // "tolooong" → "tolong", "!!!" never reaches here; digits ("1000") keep their zeros.
                if runLength >= 3 && kind != .digit {
                    if runLength == 3 { current.removeLast() }
                    continue
                }
                current.append(scalar)
            }
        }
        flush()
        return tokens
    }

    /// True when NFKC would leave `text` unchanged because every scalar is in
    /// a range known to be stable (ASCII, precomposed Latin and Vietnamese
    /// letters, kana, common kanji, CJK punctuation, emoji): most messages,
    /// which then skip Foundation's costly normalisation. Anything else
    /// (full-width forms, half-width kana, combining marks, ligatures, ...) is
    /// normalised.
    static func isCompatibilityNormalized(_ text: String) -> Bool {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x9F, 0xC0...0x131, 0x134...0x13E, 0x141...0x148, 0x14A...0x17E, 0x180...0x1C3,
                 0x1CD...0x1F0, 0x1F4...0x24F, 0x1EA0...0x1EF9,
                 0x2013, 0x2014, 0x2018...0x201D,
                 0x3001, 0x3002, 0x3005, 0x300C...0x300F, 0x3041...0x3096, 0x30A1...0x30FA, 0x30FC...0x30FE,
                 0x4E00...0x9FFF, 0x2600...0x27BF, 0x1F300...0x1FAFF, 0x200D, 0xFE0F:
                continue
            default:
                return false
            }
        }
        return true
    }

    enum ScalarKind: Equatable {
        case separator, joiner, mark, digit, latin, ideographic
        case emoji(String)
    }

    static func scalarKind(_ scalar: Unicode.Scalar) -> ScalarKind {
        let value = scalar.value
        if value < 0x80 {
            switch scalar {
            case "a"..."z": return .latin
            case "0"..."9": return .digit
            case "'", "`": return .joiner
            default: return .separator
            }
        }
        if value == 0x2019 || value == 0x200D || value == 0xFE0F || value == 0x200B { return .joiner }
        if value == 0x30FC || value == 0x3005 { return .ideographic }  // prolonged sound mark, 々
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return .mark
        case .decimalNumber:
            return .digit
        case .lowercaseLetter, .uppercaseLetter, .titlecaseLetter, .modifierLetter:
            return value < 0x2000 ? .latin : .ideographic
        case .otherLetter:
            return .ideographic
        default:
            break
        }
        if properties.isEmoji && value >= 0x2000 {
            return .emoji(emojiName(value))
        }
        return .separator
    }

    /// Emoji that carry meaning for a hotline get their own feature; the rest share one.
    static func emojiName(_ value: UInt32) -> String {
        switch value {
        case 0x1F622, 0x1F62D, 0x1F625, 0x1F630, 0x1F61E, 0x1F614, 0x1F629, 0x1F62B, 0x1F97A, 0x1F494:
            return "_sad"
        case 0x1F631, 0x1F628, 0x1F627, 0x1F626:
            return "_afraid"
        case 0x1F64F:
            return "_pray"
        case 0x1F621, 0x1F620, 0x1F92C:
            return "_angry"
        case 0x1F44B, 0x1F60A, 0x1F642, 0x1F600, 0x1F603, 0x1F604, 0x1F601, 0x263A:
            return "_smile"
        case 0x1F198:
            return "sos"
        case 0x1F52A, 0x1FA78, 0x1F691, 0x1F6A8:
            return "_danger"
        default:
            return "_emoji"
        }
    }

    /// Removes Latin diacritics (U+0300–U+036F after canonical decomposition)
    /// and maps đ to d; kana voicing marks are not in that range and survive.
    static func fold(_ text: String) -> String {
        var needsWork = false
        for scalar in text.unicodeScalars where scalar.value >= 0xC0 && scalar.value < 0x2000 {
            needsWork = true
            break
        }
        guard needsWork else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value >= 0xC0 && scalar.value < 0x2000 {
                result.append(contentsOf: FoldingTable.shared.fold(scalar))
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }
}

/// Latin letters with diacritics → base letter, computed once from Unicode's
/// canonical decompositions for U+00C0–U+1FFF.
final class FoldingTable: Sendable {
    static let shared = FoldingTable()
    private let table: [UInt32]

    private init() {
        var table = [UInt32](repeating: 0, count: 0x2000 - 0xC0)
        for value in UInt32(0xC0)..<0x2000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if value == 0x111 || value == 0x110 { table[Int(value - 0xC0)] = 0x64; continue }  // đ Đ
            let decomposed = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
            let base = decomposed.filter { !(0x300...0x36F).contains($0.value) }
            if base.count == 1, let first = base.first, first.value < 0x250, first != scalar {
                table[Int(value - 0xC0)] = first.value
            }
        }
        self.table = table
    }

    func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        let mapped = table[Int(scalar.value - 0xC0)]
        if mapped != 0, let base = Unicode.Scalar(mapped) { return [base] }
        if (0x300...0x36F).contains(scalar.value) { return [] }
        return [scalar]
    }
}
