import Foundation

/// Shapes of small values shared by several keys: identifiers and URLs.
enum Syntax {
    /// Tenant, channel and caseworker ids: `^[a-z0-9][a-z0-9-]{0,31}$`. Ids
    /// appear in URLs, file names and log lines, so they stay short and plain.
    static func isIdentifier(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard (1...32).contains(utf8.count), isLowerAlphanumeric(utf8[0]) else { return false }
        return utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    static let identifierRule = "must match ^[a-z0-9][a-z0-9-]{0,31}$"

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// Why `text` is not an acceptable http(s) URL, or nil when it is.
    /// `isBase` is for URLs that code appends paths to: those may not carry
    /// a query or end with a slash.
    static func httpURLProblem(_ text: String, isBase: Bool) -> String? {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else {
            return "expected an http:// or https:// URL, got \"\(text)\""
        }
        if components.user != nil || components.password != nil {
            return "must not contain a user name or password"
        }
        if components.fragment != nil {
            return "must not have a fragment (#...)"
        }
        if isBase {
            if components.query != nil { return "must not have a query (?...)" }
            if text.hasSuffix("/") { return "must not end with a slash" }
        }
        return nil
    }
}

extension Field {
    /// An id string checked against `Syntax.isIdentifier`.
    func identifier(_ log: inout ProblemLog) -> String? {
        guard let text = string(&log) else { return nil }
        guard Syntax.isIdentifier(text) else {
            log.add(path, line: line, "\"\(text)\" \(Syntax.identifierRule)")
            return nil
        }
        return text
    }

    /// A URL string checked by `Syntax.httpURLProblem`.
    func httpURL(isBase: Bool, _ log: inout ProblemLog) -> String? {
        guard let text = string(&log) else { return nil }
        if let problem = Syntax.httpURLProblem(text, isBase: isBase) {
            log.add(path, line: line, problem)
            return nil
        }
        return text
    }
}
