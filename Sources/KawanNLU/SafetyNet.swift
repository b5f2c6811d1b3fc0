import Foundation

/// Per-language lexicons of danger signals (`Localization/nlu/safety/<lang>.txt`),
/// matched against every message whatever its language or intent, so that an
/// urgent message is flagged even when the classifier prefers another intent
/// or abstains. Matching tolerates missing diacritics (it works on folded
/// text), shorthand (after expansion), stretched letters and one-letter typos
/// after the first four letters of words of seven letters or more (stems
/// ending in `*`: eight or more).
struct SafetyNet: Sendable {
    /// One lexicon line: `family: phrase`. Latin phrases are words in order
    /// (a trailing `*` matches any ending, up to three other words may come
    /// between); Japanese phrases are substrings in order, a few characters apart.
    /// A class, not a struct: matching reads signals in a hot loop, and a
    /// struct of five arrays cost five reference-count pairs per read.
    final class Signal: Sendable {
        let family: String
        let parts: [String]
        /// `parts` as written in the lexicon, with diacritics.
        let accentedParts: [String]
        /// `parts` as scalars, for Japanese substring search.
        let scalarParts: [[Unicode.Scalar]]
        let partIsPrefix: [Bool]
        let ideographic: Bool
        /// Words allowed between two parts: Vietnamese words are syllables, so
        /// its phrases allow one ("bị chủ đánh"), other languages three
        /// ("kinuha ni amo yung phone").
        let maximumGap: Int

        init(family: String, parts: [String], accentedParts: [String], partIsPrefix: [Bool], maximumGap: Int) {
            self.family = family
            self.parts = parts
            self.accentedParts = accentedParts
            scalarParts = parts.map { Array($0.unicodeScalars) }
            self.partIsPrefix = partIsPrefix
            ideographic = (parts.first?.unicodeScalars.first?.value ?? 0) >= 0x2000
            self.maximumGap = maximumGap
        }
    }

    private var latinSignals: [Signal] = []
    /// Latin signals by a hash of the first `keyLength` bytes of their first part.
    private var latinIndex: [UInt64: [Int]] = [:]
    /// One bit per key hash (low 16 bits): most words match no key, and a bit
    /// test is far cheaper than a dictionary lookup.
    private var latinKeyBits = [UInt64](repeating: 0, count: 1024)
    static let keyLength = 4
    private var ideographicSignals: [Signal] = []
    /// Japanese signals by the first character of their first part.
    private var ideographicIndex: [Unicode.Scalar: [Int]] = [:]
    private(set) var signalCount = 0
    private(set) var families: Set<String> = []

    static let maximumWordGap = 3
    /// Shorter words must match exactly: one edit turns "locked" into "locker".
    static let minimumFuzzyLength = 7
    /// Stems ending in `*` shorter than this must match exactly: one edit turns
    /// the stem "sekarat" (dying) into the start of "sekarang" (now).
    static let minimumFuzzyStemLength = 8
    static let maximumCharacterGap = 8

    init() {}

    init(directory: String) throws(LanguageUnderstandingError) {
        for language in MessageLanguage.allCases {
            let path = "\(directory)/\(language.rawValue).txt"
            for (lineNumber, line) in try LexiconFile.lines(path: path) {
                guard let colon = line.firstIndex(of: ":") else {
                    throw .invalidLexicon(path: path, line: lineNumber, reason: "expected 'family: phrase'")
                }
                let family = line[..<colon].trimmingCharacters(in: .whitespaces)
                let phrase = String(line[line.index(after: colon)...])
                let gap = language == .vietnamese ? 1 : SafetyNet.maximumWordGap
                guard !family.isEmpty, let signal = SafetyNet.signal(family: family, phrase: phrase, maximumGap: gap) else {
                    throw .invalidLexicon(path: path, line: lineNumber, reason: "empty family or phrase")
                }
                add(signal)
            }
        }
    }

    static func signal(family: String, phrase: String, maximumGap: Int = maximumWordGap) -> Signal? {
        var parts: [String] = []
        var accentedParts: [String] = []
        var prefixes: [Bool] = []
        for rawPart in phrase.split(separator: " ") {
            let isPrefix = rawPart.hasSuffix("*")
            let tokens = TextNormalizer.tokens(String(rawPart))
            let text = tokens.map(\.folded).joined()
            guard !text.isEmpty else { continue }
            parts.append(text)
            accentedParts.append(tokens.map(\.text).joined())
            prefixes.append(isPrefix)
        }
        guard parts.first?.unicodeScalars.first != nil else { return nil }
        return Signal(family: family, parts: parts, accentedParts: accentedParts, partIsPrefix: prefixes,
                      maximumGap: maximumGap)
    }

    mutating func add(_ signal: Signal) {
        if signal.ideographic {
            ideographicIndex[signal.scalarParts[0][0], default: []].append(ideographicSignals.count)
            ideographicSignals.append(signal)
        } else {
            let key = Self.key(signal.parts[0].utf8.prefix(Self.keyLength))
            latinIndex[key, default: []].append(latinSignals.count)
            latinKeyBits[Int(key & 0xFFFF) >> 6] |= 1 << (key & 63)
            latinSignals.append(signal)
        }
        signalCount += 1
        families.insert(signal.family)
    }

    private static func key(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var value: UInt64 = 0x5AFE_7E7
        for byte in bytes { value = FeatureExtractor.mix(value, UInt64(byte)) }
        return value
    }

    /// The families of the danger signals found, sorted, without repeats.
    func signals(in message: PreparedMessage) -> [String] {
        var found: Set<String> = []
        matchLatin(message.words, accented: message.accentedWords, into: &found)
        // Also the words as typed, when shorthand expansion changed them.
        if message.words.count != message.tokens.count || zip(message.words, message.tokens).contains(where: { $0 != $1.folded }) {
            let rawTokens = message.tokens.filter { $0.kind == .word }
            matchLatin(rawTokens.map(\.folded), accented: rawTokens.map(\.text), into: &found)
        }
        if !ideographicSignals.isEmpty && message.tokens.contains(where: { $0.kind == .ideographic }) {
            var stream: [Unicode.Scalar] = []
            for token in message.tokens where token.kind == .ideographic {
                stream.append(contentsOf: token.folded.unicodeScalars)
                stream.append(" ")
            }
            for start in stream.indices {
                guard let candidates = ideographicIndex[stream[start]] else { continue }
                for index in candidates where !found.contains(ideographicSignals[index].family) {
                    if Self.matchesCharacters(ideographicSignals[index].scalarParts, stream, start: start) {
                        found.insert(ideographicSignals[index].family)
                    }
                }
            }
        }
        return found.sorted()
    }

    private func matchLatin(_ words: [String], accented: [String], into found: inout Set<String>) {
        guard !latinIndex.isEmpty else { return }
        for start in words.indices {
            // A first part is filed under its first four bytes (or all of it when shorter):
            // look the word up by its prefixes of one to four bytes.
            var value: UInt64 = 0x5AFE_7E7
            var length = 0
            for byte in words[start].utf8 {
                value = FeatureExtractor.mix(value, UInt64(byte))
                length += 1
                if latinKeyBits[Int(value & 0xFFFF) >> 6] & (1 << (value & 63)) != 0, let candidates = latinIndex[value] {
                    for index in candidates where !found.contains(latinSignals[index].family) {
                        if Self.matchesWords(latinSignals[index], words, accented, start: start) {
                            found.insert(latinSignals[index].family)
                        }
                    }
                }
                if length == Self.keyLength { break }
            }
        }
    }

    /// A word typed without diacritics matches a part by its folded form; a
    /// word typed with them must match the part's diacritics too ("bị đổi",
    /// changed, is not "bị đói", hungry).
    private static func partMatches(_ signal: Signal, _ partIndex: Int, _ words: [String], _ accented: [String],
                                    _ position: Int) -> Bool {
        if words[position] == accented[position] {
            return wordMatches(words[position], part: signal.parts[partIndex], prefix: signal.partIsPrefix[partIndex])
        }
        return wordMatches(accented[position], part: signal.accentedParts[partIndex], prefix: signal.partIsPrefix[partIndex])
    }

    private static func matchesWords(_ signal: Signal, _ words: [String], _ accented: [String], start: Int) -> Bool {
        guard partMatches(signal, 0, words, accented, start) else { return false }
        var position = start
        for partIndex in signal.parts.indices.dropFirst() {
            var matched = false
            var candidate = position + 1
            while candidate < words.count && candidate <= position + 1 + signal.maximumGap {
                if partMatches(signal, partIndex, words, accented, candidate) {
                    matched = true
                    break
                }
                candidate += 1
            }
            guard matched else { return false }
            position = candidate
        }
        return true
    }

    static func wordMatches(_ word: String, part: String, prefix: Bool) -> Bool {
        if prefix ? word.hasPrefix(part) : word == part { return true }
        let partBytes = Array(part.utf8)
        guard partBytes.count >= (prefix ? minimumFuzzyStemLength : minimumFuzzyLength) else { return false }
        let wordBytes = Array(word.utf8)
        guard prefix else { return withinOneEdit(wordBytes, partBytes) }
        for length in (partBytes.count - 1)...(partBytes.count + 1) where length <= wordBytes.count {
            if withinOneEdit(Array(wordBytes[..<length]), partBytes) { return true }
        }
        return false
    }

    /// True when one insertion, deletion, substitution or swap of neighbours turns a into b.
    static func withinOneEdit(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if abs(a.count - b.count) > 1 { return false }
        var i = 0
        while i < a.count && i < b.count && a[i] == b[i] { i += 1 }
        if i == a.count && i == b.count { return true }
        if a.count == b.count {
            if a[(i + 1)...] == b[(i + 1)...] { return true }
            return i + 1 < a.count && a[i] == b[i + 1] && a[i + 1] == b[i] && a[(i + 2)...] == b[(i + 2)...]
        }
        if a.count > b.count { return a[(i + 1)...] == b[i...] }
        return a[i...] == b[(i + 1)...]
    }

    /// The first part at `start`, each later part beginning at most
    /// `maximumCharacterGap` characters after the end of the one before.
    private static func matchesCharacters(_ parts: [[Unicode.Scalar]], _ stream: [Unicode.Scalar], start: Int) -> Bool {
        guard let first = firstIndex(of: parts[0], in: stream, from: start, before: start), first == start else { return false }
        var searchFrom = start + parts[0].count
        for part in parts.dropFirst() {
            guard let found = firstIndex(of: part, in: stream, from: searchFrom, before: searchFrom + maximumCharacterGap) else {
                return false
            }
            searchFrom = found + part.count
        }
        return true
    }

    private static func firstIndex(of needle: [Unicode.Scalar], in stream: [Unicode.Scalar], from: Int, before limit: Int) -> Int? {
        guard !needle.isEmpty, from + needle.count <= stream.count else { return nil }
        var start = from
        while start + needle.count <= stream.count && start <= limit {
            if stream[start] == needle[0] {
                var offset = 1
                while offset < needle.count && stream[start + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return start }
            }
            start += 1
        }
        return nil
    }
}
