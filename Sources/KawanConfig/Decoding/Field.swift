/// A JSON value with its key path: typed reads that log a precise problem
/// ("expected a string, got a number") and return nil on a mismatch, so a
/// decoder can carry on and find the next problem.
struct Field: Sendable {
    let value: JSONValue
    let path: FieldPath

    var line: Int { value.line }

    func string(_ log: inout ProblemLog) -> String? {
        guard case .string(let text) = value.kind else {
            log.add(path, line: line, "expected a string, got \(value.typeDescription)")
            return nil
        }
        return text
    }

    /// A string that must carry something: names, numbers, ids.
    func nonEmptyString(_ log: inout ProblemLog) -> String? {
        guard let text = string(&log) else { return nil }
        guard !text.trimmingWhitespace.isEmpty else {
            log.add(path, line: line, "must not be empty")
            return nil
        }
        return text
    }

    func bool(_ log: inout ProblemLog) -> Bool? {
        guard case .bool(let flag) = value.kind else {
            log.add(path, line: line, "expected a boolean, got \(value.typeDescription)")
            return nil
        }
        return flag
    }

    func integer(in range: ClosedRange<Int>, _ log: inout ProblemLog) -> Int? {
        guard case .number(let literal) = value.kind else {
            log.add(path, line: line, "expected an integer, got \(value.typeDescription)")
            return nil
        }
        guard let number = Int(literal) else {
            log.add(path, line: line, "expected an integer, got \(literal)")
            return nil
        }
        guard range.contains(number) else {
            log.add(path, line: line, "must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
            return nil
        }
        return number
    }

    func number(_ log: inout ProblemLog) -> Double? {
        guard case .number(let literal) = value.kind, let number = Double(literal), number.isFinite else {
            log.add(path, line: line, "expected a number, got \(value.typeDescription)")
            return nil
        }
        return number
    }

    func number(in range: ClosedRange<Double>, _ log: inout ProblemLog) -> Double? {
        guard let number = number(&log) else { return nil }
        guard range.contains(number) else {
            log.add(path, line: line, "must be between \(Field.format(range.lowerBound)) and \(Field.format(range.upperBound)), got \(Field.format(number))")
            return nil
        }
        return number
    }

    /// One of a fixed set of words, e.g. a language code or a durability mode.
    func choice<Value: CaseIterable & RawRepresentable<String>>(_ type: Value.Type, noun: String, _ log: inout ProblemLog) -> Value? {
        guard let text = string(&log) else { return nil }
        if let chosen = Value(rawValue: text) { return chosen }
        let names = Value.allCases.map(\.rawValue)
        if let close = Spelling.suggestion(for: text, among: names) {
            log.add(path, line: line, "unknown \(noun) \"\(text)\" (did you mean \"\(close)\"?)")
        } else {
            log.add(path, line: line, "unknown \(noun) \"\(text)\" (expected one of \(names.joined(separator: ", ")))")
        }
        return nil
    }

    func array(_ log: inout ProblemLog) -> [Field]? {
        guard case .array(let elements) = value.kind else {
            log.add(path, line: line, "expected an array, got \(value.typeDescription)")
            return nil
        }
        return elements.enumerated().map { Field(value: $0.element, path: path.index($0.offset)) }
    }

    /// The value as an object; with `allowedKeys`, every other key is
    /// reported, with a spelling suggestion when one is close.
    func object(allowedKeys: [String]?, _ log: inout ProblemLog) -> ObjectField? {
        guard case .object(let members) = value.kind else {
            log.add(path, line: line, "expected an object, got \(value.typeDescription)")
            return nil
        }
        let object = ObjectField(members: members, path: path, line: line)
        if let allowedKeys {
            object.reportUnknownKeys(allowed: allowedKeys, &log)
        }
        return object
    }

    /// `3.0` prints as `3`, so ranges read naturally in messages.
    static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
        return String(number)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
