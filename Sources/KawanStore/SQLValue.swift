/// A value bound to, or read from, SQLite: its five storage classes.
///
/// Times are stored as `.integer` milliseconds since the Unix epoch (UTC).
public enum SQLValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null

    public init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    public init(_ value: Bool?) { self = value.map { .integer($0 ? 1 : 0) } ?? .null }
    public init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    public init(_ value: [UInt8]?) { self = value.map { .blob($0) } ?? .null }

    public var int64: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    public var int: Int? { int64.map { Int($0) } }

    /// Integers are widened, as SQLite does when a REAL column gets one.
    public var double: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    public var string: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var bytes: [UInt8]? {
        if case .blob(let value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }
}

extension SQLValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// One result row. Column names are shared between the rows of a query.
public struct Row: Sendable, Hashable {
    public let columnNames: [String]
    public let values: [SQLValue]

    public subscript(index: Int) -> SQLValue { values[index] }

    /// The value of the first column with this name. Asking for a column
    /// the query did not select is a programming error and traps.
    public subscript(name: String) -> SQLValue {
        guard let index = columnNames.firstIndex(of: name) else {
            preconditionFailure("no column \(name) in this row (columns: \(columnNames))")
        }
        return values[index]
    }
}
