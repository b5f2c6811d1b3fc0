import Foundation

/// A sparse, L2-normalised feature vector: distinct hashed buckets and their weights.
struct FeatureVector: Sendable {
    var indices: [Int32]
    var values: [Float]
}

/// Turns bucket occurrences into weights as TF-IDF does: sublinear term
/// frequency (1 + ln tf) times inverse document frequency learnt from the
/// training messages, then L2 normalisation, so that n-grams every message
/// shares count for little and long messages do not outweigh short ones.
struct TermWeighting: Sendable {
    /// Per bucket; empty means every bucket weighs 1.
    let inverseDocumentFrequency: [Float]

    static let uniform = TermWeighting(inverseDocumentFrequency: [])

    init(inverseDocumentFrequency: [Float]) {
        self.inverseDocumentFrequency = inverseDocumentFrequency
    }

    /// scikit-learn's smoothed idf: ln((1 + n) / (1 + df)) + 1.
    init(documents: [[Int32]], bits: Int) {
        var documentFrequency = [Int32](repeating: 0, count: 1 << bits)
        for document in documents {
            var previous: Int32 = -1
            for bucket in TermWeighting.radixSorted(document) where bucket != previous {
                documentFrequency[Int(bucket)] += 1
                previous = bucket
            }
        }
        let count = Float(documents.count)
        inverseDocumentFrequency = documentFrequency.map { log((1 + count) / (1 + Float($0))) + 1 }
    }

    func vector(_ buckets: [Int32]) -> FeatureVector {
        guard !inverseDocumentFrequency.isEmpty else {
            // Plain counts: repeats stay repeated, which is the same dot product.
            let value: Float = buckets.isEmpty ? 0 : 1 / Float(buckets.count).squareRoot()
            return FeatureVector(indices: buckets, values: [Float](repeating: value, count: buckets.count))
        }
        let sorted = TermWeighting.radixSorted(buckets)
        var indices: [Int32] = []
        var values: [Float] = []
        indices.reserveCapacity(sorted.count)
        values.reserveCapacity(sorted.count)
        var norm: Float = 0
        var position = 0
        while position < sorted.count {
            let bucket = sorted[position]
            var run = 1
            while position + run < sorted.count && sorted[position + run] == bucket { run += 1 }
            let weight = (1 + log(Float(run))) * inverseDocumentFrequency[Int(bucket)]
            indices.append(bucket)
            values.append(weight)
            norm += weight * weight
            position += run
        }
        if norm > 0 {
            let scale = 1 / norm.squareRoot()
            for index in values.indices { values[index] *= scale }
        }
        return FeatureVector(indices: indices, values: values)
    }

    /// Buckets are below 2^16: two counting passes of eight bits sort them
    /// several times faster than a comparison sort. One scratch buffer and
    /// the counts live on the stack when they fit (this runs twice per
    /// message analysed).
    static func radixSorted(_ buckets: [Int32]) -> [Int32] {
        let count = buckets.count
        guard count > 1 else { return buckets }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { scratch in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 257) { counts in
                func pass(from source: UnsafeBufferPointer<Int32>, to target: UnsafeMutableBufferPointer<Int32>, shift: Int32) {
                    counts.initialize(repeating: 0)
                    for bucket in source { counts[Int((bucket >> shift) & 0xFF) + 1] += 1 }
                    for digit in 1...256 { counts[digit] += counts[digit - 1] }
                    for bucket in source {
                        let digit = Int((bucket >> shift) & 0xFF)
                        target[counts[digit]] = bucket
                        counts[digit] += 1
                    }
                }
                buckets.withUnsafeBufferPointer { pass(from: $0, to: scratch, shift: 0) }
                return [Int32](unsafeUninitializedCapacity: count) { sorted, initialized in
                    pass(from: UnsafeBufferPointer(scratch), to: sorted, shift: 8)
                    initialized = count
                }
            }
        }
    }
}

/// What a model looks at. Intent and language models use different views.
struct FeatureSettings: Sendable, Equatable {
    /// log2 of the number of hashed buckets (at most 16: `TermWeighting` sorts 16-bit keys).
    var bits: Int
    var characterGrams: ClosedRange<Int>
    var wordBigrams: Bool
    /// One feature per writing system seen (kana, kanji, Vietnamese letters):
    /// decisive for language identification even on words never seen in training.
    var scriptFeatures = false
    /// Character n-grams stop at spaces (scikit-learn's `char_wb`); word
    /// bigrams then carry what crosses words.
    var gramsWithinWords = false
}

/// The text of a message prepared for feature hashing, after normalisation
/// and (optionally) one language's shorthand expansion.
struct PreparedMessage: Sendable {
    var tokens: [NormalizedToken]
    /// Folded words after shorthand expansion: the words the classifier and the safety net match.
    var words: [String]
    /// `words` as typed, with diacritics (shorthand expansions are folded, as if typed without).
    var accentedWords: [String]

    init(_ text: String, language: MessageLanguage?, abbreviations: Abbreviations) {
        self.init(tokens: TextNormalizer.tokens(text), language: language, abbreviations: abbreviations)
    }

    init(tokens: [NormalizedToken], language: MessageLanguage?, abbreviations: Abbreviations) {
        self.tokens = tokens
        var words: [String] = []
        var accentedWords: [String] = []
        words.reserveCapacity(tokens.count + 4)
        accentedWords.reserveCapacity(tokens.count + 4)
        for token in tokens {
            if token.kind == .word, let language, let expansion = abbreviations.expansion(of: token.folded, in: language) {
                words.append(contentsOf: expansion)
                accentedWords.append(contentsOf: expansion)
            } else if token.kind == .word, let split = PreparedMessage.splitDigits(token.folded) {
                for part in split {
                    if let language, let expansion = abbreviations.expansion(of: part, in: language) {
                        words.append(contentsOf: expansion)
                        accentedWords.append(contentsOf: expansion)
                    } else {
                        words.append(part)
                        accentedWords.append(part)
                    }
                }
            } else {
                words.append(token.folded)
                accentedWords.append(token.text)
            }
        }
        self.words = words
        self.accentedWords = accentedWords
    }

    /// "3bln" → ["3", "bln"]; nil when the token has no digit next to a letter.
    static func splitDigits(_ word: String) -> [String]? {
        let bytes = word.utf8
        guard bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }),
              bytes.contains(where: { $0 < 0x30 || $0 > 0x39 }) else { return nil }
        var parts: [String] = []
        var current: [UInt8] = []
        var currentIsDigit = false
        for byte in bytes {
            let isDigit = byte >= 0x30 && byte <= 0x39
            if !current.isEmpty && isDigit != currentIsDigit {
                parts.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
            currentIsDigit = isDigit
            current.append(byte)
        }
        if !current.isEmpty { parts.append(String(decoding: current, as: UTF8.self)) }
        return parts
    }
}

/// Hashes character n-grams (over the whole message, so Japanese needs no
/// word splitting) and word unigrams and bigrams into a fixed number of buckets.
/// Vietnamese gets features from both the accented and the folded form.
enum FeatureExtractor {
    private static let characterSeed: UInt64 = 0x9E37_79B9_7F4A_7C15
    private static let accentedSeed: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let wordSeed: UInt64 = 0x1656_67B1_9E37_79F9
    private static let rawWordSeed: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let bigramSeed: UInt64 = 0x27D4_EB2F_1656_67C5
    private static let scriptSeed: UInt64 = 0x94D0_49BB_1331_11EB

    /// The hashed buckets of every feature, with repeats (term frequency).
    static func buckets(_ message: PreparedMessage, settings: FeatureSettings) -> [Int32] {
        let mask = UInt64((1 << settings.bits) - 1)
        var indices: [Int32] = []
        indices.reserveCapacity(256)

        // Character n-grams of the expanded, folded text, padded with spaces.
        var stream: [UInt32] = [32]
        var accented: [UInt32] = [32]
        var hasAccents = false
        for token in message.tokens where token.kind != .emoji {
            for scalar in token.text.unicodeScalars {
                accented.append(scalar.value)
                if scalar.value >= 0xC0 && scalar.value < 0x2000 { hasAccents = true }
            }
            accented.append(32)
        }
        for word in message.words where !word.hasPrefix("_") {
            for scalar in word.unicodeScalars { stream.append(scalar.value) }
            stream.append(32)
        }
        appendGrams(stream, seed: characterSeed, grams: settings.characterGrams, mask: mask, onlyAccented: false, withinWords: settings.gramsWithinWords, into: &indices)
        if hasAccents {
            appendGrams(accented, seed: accentedSeed, grams: settings.characterGrams, mask: mask, onlyAccented: true, withinWords: settings.gramsWithinWords, into: &indices)
        }

        if settings.scriptFeatures {
            var scripts: Set<UInt64> = []
            for token in message.tokens {
                for scalar in token.text.unicodeScalars {
                    switch scalar.value {
                    case 0x3040...0x30FF, 0xFF66...0xFF9F: scripts.insert(1)  // kana
                    case 0x4E00...0x9FFF, 0x3400...0x4DBF: scripts.insert(2)  // kanji
                    case 0x1EA0...0x1EF9, 0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x102, 0x103, 0x110, 0x111: scripts.insert(3)  // Vietnamese letters
                    default: break
                    }
                }
            }
            for script in scripts.sorted() {
                let bucket = Int32(truncatingIfNeeded: mix(scriptSeed, script) & mask)
                // Weighted like several n-grams so that one unseen word is enough.
                for _ in 0..<4 { indices.append(bucket) }
            }
        }

        // Words (Latin words, numbers and emoji; ideographic runs are covered by the n-grams).
        var previous: UInt64 = 0
        for token in message.tokens where token.kind == .word && token.text != token.folded {
            indices.append(Int32(truncatingIfNeeded: hash(token.text, seed: rawWordSeed) & mask))
        }
        for word in message.words {
            guard let first = word.unicodeScalars.first, first.value < 0x2000 || word.hasPrefix("_") else {
                previous = 0
                continue
            }
            let wordHash = hash(word, seed: wordSeed)
            indices.append(Int32(truncatingIfNeeded: wordHash & mask))
            if settings.wordBigrams && previous != 0 {
                indices.append(Int32(truncatingIfNeeded: mix(previous ^ bigramSeed, wordHash) & mask))
            }
            previous = wordHash
        }
        return indices
    }

    private static func appendGrams(_ scalars: [UInt32], seed: UInt64, grams: ClosedRange<Int>, mask: UInt64,
                                    onlyAccented: Bool, withinWords: Bool, into indices: inout [Int32]) {
        let count = scalars.count
        for start in 0..<count {
            var value = seed
            var accentedSeen = false
            var length = 0
            while length < grams.upperBound && start + length < count {
                let scalar = scalars[start + length]
                value = mix(value, UInt64(scalar))
                if scalar >= 0xC0 && scalar < 0x2000 { accentedSeen = true }
                length += 1
                if length >= grams.lowerBound && (!onlyAccented || accentedSeen) {
                    // Lone spaces carry nothing.
                    if length == 1 && scalar == 32 { continue }
                    indices.append(Int32(truncatingIfNeeded: value & mask))
                }
                if withinWords && scalar == 32 && length > 1 { break }
            }
        }
    }

    @inline(__always)
    static func mix(_ state: UInt64, _ input: UInt64) -> UInt64 {
        var x = (state ^ input) &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 32
        return x
    }

    static func hash(_ text: String, seed: UInt64) -> UInt64 {
        var value = seed
        for byte in text.utf8 { value = mix(value, UInt64(byte)) }
        return value
    }
}
