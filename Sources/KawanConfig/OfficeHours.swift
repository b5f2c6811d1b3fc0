public import Foundation

/// When a tenant's caseworkers answer, per weekday, in the tenant's zone.
///
/// Workers text at any hour; the conversation engine uses this to say when
/// a human will reply ("caseworkers answer Mon-Fri 09:00-18:00") and
/// `nextOpening(after:)` to say how long that will be.
public struct OfficeHours: Sendable, Equatable {
    /// Days as written in configuration: `mon` … `sun`.
    public enum Weekday: String, Sendable, Hashable, CaseIterable {
        case monday = "mon"
        case tuesday = "tue"
        case wednesday = "wed"
        case thursday = "thu"
        case friday = "fri"
        case saturday = "sat"
        case sunday = "sun"

        /// `Mon`, `Tue`, … for summaries.
        public var shortName: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

        /// Foundation's weekday number: 1 is Sunday.
        init?(calendarWeekday: Int) {
            let ordered: [Weekday] = [.sunday, .monday, .tuesday, .wednesday, .thursday, .friday, .saturday]
            guard (1...7).contains(calendarWeekday) else { return nil }
            self = ordered[calendarWeekday - 1]
        }
    }

    /// A half-open span of local wall-clock time within one day, in minutes
    /// since midnight; `endMinute` may be 1440 (`24:00`).
    public struct TimeRange: Sendable, Hashable, CustomStringConvertible {
        public let startMinute: Int
        public let endMinute: Int

        public init(startMinute: Int, endMinute: Int) {
            self.startMinute = startMinute
            self.endMinute = endMinute
        }

        /// `09:00-17:00`, the configuration syntax.
        public var description: String { Self.clock(startMinute) + "-" + Self.clock(endMinute) }

        func contains(minute: Int) -> Bool { minute >= startMinute && minute < endMinute }

        private static func clock(_ minute: Int) -> String {
            let hours = minute / 60
            let minutes = minute % 60
            return (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
        }
    }

    public let timeZone: TimeZone
    /// Ranges sorted by start; a missing day is closed all day.
    public let days: [Weekday: [TimeRange]]

    public init(timeZone: TimeZone, days: [Weekday: [TimeRange]]) {
        self.timeZone = timeZone
        self.days = days.mapValues { $0.sorted { $0.startMinute < $1.startMinute } }.filter { !$0.value.isEmpty }
    }

    public func ranges(on day: Weekday) -> [TimeRange] { days[day] ?? [] }

    /// Whether `date` falls inside a range, judged on the tenant's wall clock.
    public func isOpen(at date: Date) -> Bool {
        let calendar = self.calendar
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekdayNumber = parts.weekday, let day = Weekday(calendarWeekday: weekdayNumber),
              let hour = parts.hour, let minute = parts.minute else { return false }
        return ranges(on: day).contains { $0.contains(minute: hour * 60 + minute) }
    }

    /// The first moment strictly after `date` at which a range begins, or
    /// nil when no day has office hours. While the office is open this is the
    /// start of a later range, so ask `isOpen(at:)` first.
    public func nextOpening(after date: Date) -> Date? {
        let calendar = self.calendar
        let today = calendar.startOfDay(for: date)
        // Eight days: today, and a week later for today's earlier ranges.
        for offset in 0...7 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today),
                  let weekday = Weekday(calendarWeekday: calendar.component(.weekday, from: day)) else { continue }
            for range in ranges(on: weekday) {
                guard let start = calendar.date(bySettingHour: range.startMinute / 60, minute: range.startMinute % 60,
                                                second: 0, of: day) else { continue }
                if start > date { return start }
            }
        }
        return nil
    }

    /// `Mon-Fri 09:00-18:00; Sat 10:00-14:00`: consecutive days with the same
    /// ranges are grouped. `closed` when no day has office hours.
    public var summary: String {
        var groups: [(first: Weekday, last: Weekday, ranges: [TimeRange])] = []
        var previous: Weekday?
        for day in Weekday.allCases {
            defer { previous = day }
            let dayRanges = ranges(on: day)
            guard !dayRanges.isEmpty else { continue }
            if let last = groups.last, last.ranges == dayRanges, previous == last.last {
                groups[groups.count - 1].last = day
            } else {
                groups.append((day, day, dayRanges))
            }
        }
        guard !groups.isEmpty else { return "closed" }
        return groups.map { group in
            let days = group.first == group.last ? group.first.shortName : group.first.shortName + "-" + group.last.shortName
            return days + " " + group.ranges.map(\.description).joined(separator: ", ")
        }.joined(separator: "; ")
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
