/// A parsed JSON value that remembers where it started in the file.
///
/// Foundation's `JSONSerialization` forgets positions and silently keeps the
/// last of two duplicate keys; configuration problems must point at a line,
/// so Kawan parses configuration with its own small parser into this tree.
struct JSONValue: Sendable {
    enum Kind: Sendable {
        /// Members in file order, so problems are reported in reading order.
        case object([JSONMember])
        case array([JSONValue])
        case string(String)
        /// The literal as written, so integers are told apart from `1.0` or `1e3`.
        case number(String)
        case bool(Bool)
        case null
    }

    let kind: Kind
    /// 1-based line of the value's first character.
    let line: Int
    /// 1-based column (in characters) of the value's first character.
    let column: Int

    /// The value's type with its article, for "expected a string, got a number".
    var typeDescription: String {
        switch kind {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

/// One `"key": value` pair of an object, with the key's own position.
struct JSONMember: Sendable {
    let key: String
    let value: JSONValue
    let line: Int
    let column: Int
}
