/// Small string helpers for the webhook hot path, written on Swift's own
/// string views: Foundation's bridged `trimmingCharacters` and
/// `replacingOccurrences` cost several times more per request.
extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmedSpacesAndTabs: Substring {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return Substring(slice)
    }
}

/// Fills `{name}` placeholders in reply templates.
public enum Placeholders {
    /// Replaces each `{name}` that has a value; other braces stay as written.
    public static func expand(_ template: String, values: [String: String]) -> String {
        guard template.contains("{") else { return template }
        var result = ""
        result.reserveCapacity(template.utf8.count + 32)
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            if let value = values[name] { result += value } else { result += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }
}
