/// A JSON object being decoded: looks keys up and reports missing required
/// ones at the object's line.
struct ObjectField: Sendable {
    let members: [JSONMember]
    let path: FieldPath
    let line: Int

    /// Every member as a field, in file order.
    var fields: [(key: String, field: Field)] {
        members.map { ($0.key, Field(value: $0.value, path: path.key($0.key))) }
    }

    func optional(_ key: String) -> Field? {
        guard let member = members.first(where: { $0.key == key }) else { return nil }
        return Field(value: member.value, path: path.key(key))
    }

    func required(_ key: String, _ log: inout ProblemLog) -> Field? {
        guard let field = optional(key) else {
            log.add(path.key(key), line: line, "missing required key")
            return nil
        }
        return field
    }

    func has(_ key: String) -> Bool { members.contains { $0.key == key } }

    /// Logs every key not in `allowed`, suggesting a close one, e.g.
    /// `unknown key (did you mean "auth_token"?)`.
    func reportUnknownKeys(allowed: [String], _ log: inout ProblemLog) {
        for member in members where !allowed.contains(member.key) {
            let suggestion = Spelling.suggestion(for: member.key, among: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
            log.add(path.key(member.key), line: member.line, "unknown key" + suggestion)
        }
    }
}
