import Foundation
import Testing
import KawanConfig

@Suite struct OfficeHoursTests {
    /// The demo tenant's hours: Mon-Fri 09:00-18:00, Sat 10:00-14:00, Tokyo (UTC+9).
    let hours = OfficeHours(
        timeZone: TimeZone(identifier: "Asia/Tokyo")!,
        days: [
            .monday: [.init(startMinute: 540, endMinute: 1080)],
            .tuesday: [.init(startMinute: 540, endMinute: 1080)],
            .wednesday: [.init(startMinute: 540, endMinute: 1080)],
            .thursday: [.init(startMinute: 540, endMinute: 1080)],
            .friday: [.init(startMinute: 540, endMinute: 1080)],
            .saturday: [.init(startMinute: 600, endMinute: 840)],
        ])

    private func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    @Test func openAndClosedOnTheTenantsClock() {
        // Sunday 23:59 UTC is Monday 08:59 in Tokyo: closed; a minute later it opens.
        #expect(!hours.isOpen(at: utc("2024-03-03T23:59:00Z")))
        #expect(hours.isOpen(at: utc("2024-03-04T00:00:00Z")))
        // Friday 17:59:59 Tokyo is open, 18:00 is closed (ranges are half-open).
        #expect(hours.isOpen(at: utc("2024-03-01T08:59:59Z")))
        #expect(!hours.isOpen(at: utc("2024-03-01T09:00:00Z")))
        // Saturday 10:00-14:00 Tokyo.
        #expect(hours.isOpen(at: utc("2024-03-02T01:00:00Z")))
        #expect(!hours.isOpen(at: utc("2024-03-02T05:00:00Z")))
        // Sunday is closed all day.
        #expect(!hours.isOpen(at: utc("2024-03-03T03:00:00Z")))
    }

    @Test func nextOpeningCrossesDayBoundaries() {
        // Friday 18:30 Tokyo → Saturday 10:00 Tokyo.
        #expect(hours.nextOpening(after: utc("2024-03-01T09:30:00Z")) == utc("2024-03-02T01:00:00Z"))
        // Saturday 14:00 Tokyo → Monday 09:00 Tokyo, which is still Sunday in UTC.
        #expect(hours.nextOpening(after: utc("2024-03-02T05:00:00Z")) == utc("2024-03-04T00:00:00Z"))
        // Monday 08:00 Tokyo (Sunday 23:00 UTC) → the same morning.
        #expect(hours.nextOpening(after: utc("2024-03-03T23:00:00Z")) == utc("2024-03-04T00:00:00Z"))
        // While open, the next opening is the following day's.
        #expect(hours.nextOpening(after: utc("2024-03-04T01:00:00Z")) == utc("2024-03-05T00:00:00Z"))
    }

    @Test func aSingleWeeklyRangeIsFoundAWeekLater() {
        let mondays = OfficeHours(timeZone: TimeZone(identifier: "Asia/Manila")!,
                                  days: [.monday: [.init(startMinute: 480, endMinute: 600)]])
        // Monday 09:00 Manila (01:00 UTC), after Monday's opening → next Monday 08:00 Manila.
        #expect(mondays.nextOpening(after: utc("2024-03-04T01:00:00Z")) == utc("2024-03-11T00:00:00Z"))
    }

    @Test func neverOpen() {
        let closed = OfficeHours(timeZone: TimeZone(identifier: "UTC")!, days: [:])
        #expect(closed.nextOpening(after: utc("2024-03-04T01:00:00Z")) == nil)
        #expect(!closed.isOpen(at: utc("2024-03-04T01:00:00Z")))
        #expect(closed.summary == "closed")
    }

    @Test func summaryGroupsConsecutiveDays() {
        #expect(hours.summary == "Mon-Fri 09:00-18:00; Sat 10:00-14:00")
        let split = OfficeHours(timeZone: TimeZone(identifier: "UTC")!, days: [
            .monday: [.init(startMinute: 780, endMinute: 1020), .init(startMinute: 540, endMinute: 720)],
            .wednesday: [.init(startMinute: 540, endMinute: 720), .init(startMinute: 780, endMinute: 1020)],
            .sunday: [.init(startMinute: 0, endMinute: 1440)],
        ])
        #expect(split.summary == "Mon 09:00-12:00, 13:00-17:00; Wed 09:00-12:00, 13:00-17:00; Sun 00:00-24:00")
    }
}
