/// Whitespace handling on UTF-8 bytes for the writer thread, where
/// `Character.isWhitespace` (grapheme breaking plus a property lookup per
/// character) was about 8 % of the engine's time in a profile.
enum WhitespaceFolding {
    /// The length of the Unicode `White_Space` character starting at
    /// `index`, or 0 when there is none.
    static func whitespaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte == 0x20 || (0x09...0x0D).contains(byte) { return 1 }
        if byte < 0xC2 { return 0 }
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        if byte == 0xC2 { return next == 0x85 || next == 0xA0 ? 2 : 0 }  // U+0085, U+00A0
        guard index + 2 < bytes.count else { return 0 }
        let last = bytes[index + 2]
        switch (byte, next) {
        case (0xE1, 0x9A): return last == 0x80 ? 3 : 0  // U+1680
        case (0xE2, 0x80): return (0x80...0x8A).contains(last) || last == 0xA8 || last == 0xA9 || last == 0xAF ? 3 : 0
        case (0xE2, 0x81): return last == 0x9F ? 3 : 0  // U+205F
        case (0xE3, 0x80): return last == 0x80 ? 3 : 0  // U+3000
        default: return 0
        }
    }

    /// `text` without leading and trailing whitespace.
    static func trimmed(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                let length = whitespaceLength(bytes, at: start)
                if length == 0 { break }
                start += length
            }
            // Scan forward, remembering where the last non-space ended.
            var end = start, index = start
            while index < bytes.count {
                let length = whitespaceLength(bytes, at: index)
                if length == 0 {
                    index += 1
                    end = index
                } else {
                    index += length
                }
            }
            if start == 0 && end == bytes.count { return text }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    /// Lower case, with every run of whitespace made one space and none at
    /// either end: the form the engine compares texts in.
    static func folded(_ text: String) -> String {
        var lowered = text.lowercased()
        return lowered.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            var index = 0
            while index < bytes.count {
                let length = whitespaceLength(bytes, at: index)
                if length > 0 {
                    pendingSpace = !out.isEmpty
                    index += length
                    continue
                }
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                out.append(bytes[index])
                index += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
