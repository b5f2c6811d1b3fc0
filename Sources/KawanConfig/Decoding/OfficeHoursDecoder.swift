import Foundation

/// Reads `office_hours`: `{"mon": ["09:00-12:00", "13:00-17:00"], ...}`.
/// Days left out are closed; ranges must start before they end and not overlap.
enum OfficeHoursDecoder {
    static func decode(_ field: Field, timeZone: TimeZone, _ log: inout ProblemLog) -> OfficeHours? {
        let before = log.problems.count
        let dayNames = OfficeHours.Weekday.allCases.map(\.rawValue)
        guard let object = field.object(allowedKeys: dayNames, &log) else { return nil }
        var days: [OfficeHours.Weekday: [OfficeHours.TimeRange]] = [:]
        for (key, dayField) in object.fields {
            guard let day = OfficeHours.Weekday(rawValue: key), let elements = dayField.array(&log) else { continue }
            var accepted: [OfficeHours.TimeRange] = []
            for element in elements {
                guard let text = element.string(&log) else { continue }
                guard let range = parseRange(text) else {
                    log.add(element.path, line: element.line, "expected \"HH:MM-HH:MM\" on a 24-hour clock, got \"\(text)\"")
                    continue
                }
                guard range.startMinute < range.endMinute else {
                    log.add(element.path, line: element.line, "\"\(text)\" must start before it ends")
                    continue
                }
                if let other = accepted.first(where: { $0.startMinute < range.endMinute && range.startMinute < $0.endMinute }) {
                    log.add(element.path, line: element.line, "\"\(text)\" overlaps \"\(other)\"")
                    continue
                }
                accepted.append(range)
            }
            days[day] = accepted
        }
        return log.hasProblems(since: before) ? nil : OfficeHours(timeZone: timeZone, days: days)
    }

    /// `HH:MM-HH:MM` with two-digit fields; `24:00` is allowed only as an end.
    private static func parseRange(_ text: String) -> OfficeHours.TimeRange? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]), start < 24 * 60 else {
            return nil
        }
        return OfficeHours.TimeRange(startMinute: start, endMinute: end)
    }

    private static func minutes(_ clock: Substring) -> Int? {
        let bytes = Array(clock.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":") else { return nil }
        let digits = [bytes[0], bytes[1], bytes[3], bytes[4]]
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let values = digits.map { Int($0 - UInt8(ascii: "0")) }
        let hour = values[0] * 10 + values[1]
        let minute = values[2] * 10 + values[3]
        guard minute < 60, hour < 24 || (hour == 24 && minute == 0) else { return nil }
        return hour * 60 + minute
    }
}
