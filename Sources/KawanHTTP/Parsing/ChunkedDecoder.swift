/// Incremental decoder for `Transfer-Encoding: chunked` bodies (RFC 9112
/// §7.1). Chunk extensions are ignored and trailer fields discarded; every
/// line and the total size are bounded so a client cannot grow memory.
public struct ChunkedDecoder: Sendable {
    public enum Progress: Equatable, Sendable {
        case needMore
        case done
        case failure(HTTPParseError)
    }

    private enum State: Sendable {
        case sizeLine
        case data(remaining: Int)
        case dataEnd
        case trailers(bytes: Int)
        case finished
    }

    public private(set) var body: [UInt8] = []
    private var state: State = .sizeLine
    private let maxBodyBytes: Int
    private let maxLineBytes = 1024
    private let maxTrailerBytes: Int

    public init(maxBodyBytes: Int, maxTrailerBytes: Int = 16384) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// Consumes as much of `input` as it can; returns the bytes used (the
    /// rest belongs to the next request) and where decoding stands.
    public mutating func feed(_ input: UnsafeBufferPointer<UInt8>) -> (consumed: Int, progress: Progress) {
        var position = 0
        while true {
            switch state {
            case .finished:
                return (position, .done)
            case .sizeLine:
                guard let lineEnd = lineEnd(input, from: position) else {
                    return input.count - position > maxLineBytes ? (position, .failure(.badRequest("chunk size line too long")))
                                                                 : (position, .needMore)
                }
                guard case .some(let end) = lineEnd else { return (position, .failure(.badRequest("chunk line not terminated by CRLF"))) }
                guard let size = parseSize(input, position, end) else {
                    return (position, .failure(.badRequest("invalid chunk size")))
                }
                position = end + 2
                if size == 0 {
                    state = .trailers(bytes: 0)
                } else {
                    if body.count + size > maxBodyBytes { return (position, .failure(.contentTooLarge)) }
                    state = .data(remaining: size)
                }
            case .data(let remaining):
                let available = min(remaining, input.count - position)
                if available == 0 { return (position, .needMore) }
                body.append(contentsOf: UnsafeBufferPointer(rebasing: input[position..<(position + available)]))
                position += available
                state = remaining - available == 0 ? .dataEnd : .data(remaining: remaining - available)
            case .dataEnd:
                guard input.count - position >= 2 else { return (position, .needMore) }
                guard input[position] == UInt8(ascii: "\r"), input[position + 1] == UInt8(ascii: "\n") else {
                    return (position, .failure(.badRequest("chunk data not followed by CRLF")))
                }
                position += 2
                state = .sizeLine
            case .trailers(let bytes):
                guard let lineEnd = lineEnd(input, from: position) else {
                    return bytes + input.count - position > maxTrailerBytes
                        ? (position, .failure(.headerFieldsTooLarge)) : (position, .needMore)
                }
                guard case .some(let end) = lineEnd else { return (position, .failure(.badRequest("trailer line not terminated by CRLF"))) }
                let used = end + 2 - position
                if bytes + used > maxTrailerBytes { return (position, .failure(.headerFieldsTooLarge)) }
                position = end + 2
                state = used == 2 ? .finished : .trailers(bytes: bytes + used)
            }
        }
    }

    /// nil: no LF yet; .some(nil): LF without CR before it; .some(i): CR at i.
    private func lineEnd(_ input: UnsafeBufferPointer<UInt8>, from: Int) -> Int?? {
        var index = from
        let limit = min(input.count, from + maxLineBytes + 2)
        while index < limit {
            if input[index] == UInt8(ascii: "\n") {
                return index > from && input[index - 1] == UInt8(ascii: "\r") ? .some(index - 1) : .some(nil)
            }
            index += 1
        }
        return nil
    }

    private func parseSize(_ input: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var value = 0
        var digits = 0
        var index = start
        while index < end {
            let byte = input[index]
            let digit: Int
            switch byte {
            case 48...57: digit = Int(byte) - 48
            case 65...70: digit = Int(byte) - 55
            case 97...102: digit = Int(byte) - 87
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                return digits > 0 ? value : nil
            default:
                return nil
            }
            digits += 1
            if digits > 15 { return nil }
            value = value * 16 + digit
            index += 1
        }
        return digits > 0 ? value : nil
    }
}
