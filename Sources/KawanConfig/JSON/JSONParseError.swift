/// Why a configuration file is not acceptable JSON, and where.
struct JSONParseError: Error, Sendable, Equatable {
    let line: Int
    let column: Int
    let message: String
}
