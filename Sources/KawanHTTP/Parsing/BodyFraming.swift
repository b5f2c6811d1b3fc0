/// How a request's body is delimited (RFC 9112 §6), decided from its head.
public enum BodyFraming: Equatable, Sendable {
    case none
    case length(Int)
    case chunked

    /// Decides the framing, refusing every ambiguous combination: both
    /// `Content-Length` and `Transfer-Encoding`, differing or non-numeric
    /// lengths, codings other than `chunked`, and HTTP/1.1 without exactly
    /// one `Host`.
    public static func of(_ head: RequestHead, maxBodyBytes: Int) -> Result<BodyFraming, HTTPParseError> {
        var lengths: [String] = []
        var codings: [String] = []
        var hostCount = 0
        for (name, value) in head.headers {
            if name.caseInsensitiveEquals("content-length") {
                lengths.append(contentsOf: value.split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingSpaces() })
            } else if name.caseInsensitiveEquals("transfer-encoding") {
                codings.append(contentsOf: value.split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingSpaces().lowercased() })
            } else if name.caseInsensitiveEquals("host") {
                hostCount += 1
            }
        }
        if head.version == .http11 && hostCount != 1 {
            return .failure(.badRequest(hostCount == 0 ? "missing Host header" : "more than one Host header"))
        }
        if !lengths.isEmpty && !codings.isEmpty {
            return .failure(.badRequest("both Content-Length and Transfer-Encoding"))
        }
        if !codings.isEmpty {
            if head.version == .http10 { return .failure(.badRequest("Transfer-Encoding in an HTTP/1.0 request")) }
            guard codings == ["chunked"] else { return .failure(.transferCodingNotImplemented) }
            return .success(.chunked)
        }
        guard let first = lengths.first else { return .success(.none) }
        guard lengths.allSatisfy({ $0 == first }) else { return .failure(.badRequest("conflicting Content-Length")) }
        guard !first.isEmpty, first.utf8.count <= 15, first.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let length = Int(first) else {
            return .failure(.badRequest("invalid Content-Length"))
        }
        if length > maxBodyBytes { return .failure(.contentTooLarge) }
        return .success(length == 0 ? .none : .length(length))
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var text = self[...]
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
