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
        /// `parts` as UTF-8: Latin matching compares bytes.
        let partBytes: [[UInt8]]
        /// The parts as written in the lexicon, with diacritics, as UTF-8.
        let accentedPartBytes: [[UInt8]]
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
            partBytes = parts.map { Array($0.utf8) }
            accentedPartBytes = accentedParts.map { Array($0.utf8) }
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
        matchLatin(WordList(message.words), accented: WordList(message.accentedWords), into: &found)
        // Also the words as typed, when shorthand expansion changed them.
        if message.words.count != message.tokens.count || zip(message.words, message.tokens).contains(where: { $0 != $1.folded }) {
            let rawTokens = message.tokens.filter { $0.kind == .word }
            matchLatin(WordList(rawTokens.map(\.folded)), accented: WordList(rawTokens.map(\.text)), into: &found)
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

    /// A message's words as UTF-8 in one buffer: matching compares bytes
    /// without a copy or an allocation per comparison (copying each word
    /// per comparison was a fifth of the time of a whole analysis).
    struct WordList {
        var bytes: [UInt8] = []
        /// Word i is `bytes[bounds[i] ..< bounds[i + 1]]`.
        var bounds: [Int] = [0]

        init(_ words: [String]) {
            bytes.reserveCapacity(words.count * 8)
            bounds.reserveCapacity(words.count + 1)
            for word in words {
                bytes.append(contentsOf: word.utf8)
                bounds.append(bytes.count)
            }
        }

        var count: Int { bounds.count - 1 }
    }

    private func matchLatin(_ words: WordList, accented: WordList, into found: inout Set<String>) {
        guard !latinIndex.isEmpty else { return }
        words.bytes.withUnsafeBufferPointer { wordBytes in
            accented.bytes.withUnsafeBufferPointer { accentedBytes in
                let text = MatchText(words: wordBytes, wordBounds: words.bounds, accented: accentedBytes,
                                     accentedBounds: accented.bounds)
                for start in 0..<words.count {
                    // A first part is filed under its first four bytes (or all of it when shorter):
                    // look the word up by its prefixes of one to four bytes.
                    var value: UInt64 = 0x5AFE_7E7
                    for byte in text.word(start).prefix(Self.keyLength) {
                        value = FeatureExtractor.mix(value, UInt64(byte))
                        if latinKeyBits[Int(value & 0xFFFF) >> 6] & (1 << (value & 63)) != 0, let candidates = latinIndex[value] {
                            for index in candidates where !found.contains(latinSignals[index].family) {
                                if Self.matchesWords(latinSignals[index], text, start: start) {
                                    found.insert(latinSignals[index].family)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The folded and the typed words of one message, borrowed for one match.
    private struct MatchText {
        let words: UnsafeBufferPointer<UInt8>
        let wordBounds: [Int]
        let accented: UnsafeBufferPointer<UInt8>
        let accentedBounds: [Int]

        var count: Int { wordBounds.count - 1 }

        func word(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: words[wordBounds[index] ..< wordBounds[index + 1]])
        }

        func accentedWord(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: accented[accentedBounds[index] ..< accentedBounds[index + 1]])
        }
    }

    /// A word typed without diacritics matches a part by its folded form; a
    /// word typed with them must match the part's diacritics too ("bị đổi",
    /// changed, is not "bị đói", hungry).
    private static func partMatches(_ signal: Signal, _ partIndex: Int, _ text: MatchText, _ position: Int) -> Bool {
        let word = text.word(position)
        let typed = text.accentedWord(position)
        let prefix = signal.partIsPrefix[partIndex]
        if equal(word, typed) {
            return signal.partBytes[partIndex].withUnsafeBufferPointer { wordMatches(word, part: $0, prefix: prefix) }
        }
        return signal.accentedPartBytes[partIndex].withUnsafeBufferPointer { wordMatches(typed, part: $0, prefix: prefix) }
    }

    private static func matchesWords(_ signal: Signal, _ text: MatchText, start: Int) -> Bool {
        guard partMatches(signal, 0, text, start) else { return false }
        var position = start
        for partIndex in signal.parts.indices.dropFirst() {
            var matched = false
            var candidate = position + 1
            while candidate < text.count && candidate <= position + 1 + signal.maximumGap {
                if partMatches(signal, partIndex, text, candidate) {
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

    static func wordMatches(_ word: UnsafeBufferPointer<UInt8>, part: UnsafeBufferPointer<UInt8>, prefix: Bool) -> Bool {
        if prefix ? word.count >= part.count && equal(UnsafeBufferPointer(rebasing: word[..<part.count]), part)
                  : equal(word, part) {
            return true
        }
        guard part.count >= (prefix ? minimumFuzzyStemLength : minimumFuzzyLength) else { return false }
        guard prefix else { return withinOneEdit(word, part) }
        for length in (part.count - 1)...(part.count + 1) where length <= word.count {
            if withinOneEdit(UnsafeBufferPointer(rebasing: word[..<length]), part) { return true }
        }
        return false
    }

    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    /// True when one insertion, deletion, substitution or swap of neighbours turns a into b.
    static func withinOneEdit(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if abs(a.count - b.count) > 1 { return false }
        var i = 0
        while i < a.count && i < b.count && a[i] == b[i] { i += 1 }
        if i == a.count && i == b.count { return true }
        /// a[x...] == b[y...]
        func sameTail(_ x: Int, _ y: Int) -> Bool {
            guard a.count - x == b.count - y else { return false }
            var offset = 0
            while x + offset < a.count {
                if a[x + offset] != b[y + offset] { return false }
                offset += 1
            }
            return true
        }
        if a.count == b.count {
            if sameTail(i + 1, i + 1) { return true }
            return i + 1 < a.count && a[i] == b[i + 1] && a[i + 1] == b[i] && sameTail(i + 2, i + 2)
        }
        if a.count > b.count { return sameTail(i + 1, i) }
        return sameTail(i, i + 1)
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
