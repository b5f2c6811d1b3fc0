/// The dotted path of a value inside one configuration file, as shown in
/// problems: `channels[2].auth_token`. The root prints as `-`.
struct FieldPath: Sendable, CustomStringConvertible {
    static let root = FieldPath(text: "")

    private let text: String

    private init(text: String) { self.text = text }

    func key(_ name: String) -> FieldPath {
        FieldPath(text: text.isEmpty ? name : text + "." + name)
    }

    func index(_ position: Int) -> FieldPath {
        FieldPath(text: text + "[\(position)]")
    }

    var description: String { text.isEmpty ? "-" : text }
}
