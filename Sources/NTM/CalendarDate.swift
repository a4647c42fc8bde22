import Foundation

/// A calendar date without time, as officials write it: entered as `dd/mm/yyyy` (also `d/m/yyyy`) or
/// ISO `yyyy-mm-dd`, stored as ISO, shown as `dd/mm/yyyy`.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year.
    public var year: Int
    /// The month, 1–12.
    public var month: Int
    /// The day of the month.
    public var day: Int

    /// Creates a date, or nil if it does not exist (31/02, 29/02 of a common year, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month), day >= 1,
            day <= CalendarDate.days(in: month, of: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy` or `yyyy-mm-dd`; nil if malformed or impossible.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2])
        else { return nil }
        if parts[0].count == 4, trimmed.contains("-") {
            self.init(year: a, month: b, day: c)
        } else if parts[2].count == 4 {
            self.init(year: c, month: b, day: a)
        } else {
            return nil
        }
    }

    /// The date in this machine's time zone at `wallMs` milliseconds since 1970.
    public static func today(_ wallMs: Int64) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let parts = calendar.dateComponents(
            [.year, .month, .day], from: Date(timeIntervalSince1970: Double(wallMs) / 1000))
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// The last millisecond of this date in this machine's time zone.
    public var endMs: Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let start = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let next = calendar.date(byAdding: .day, value: 1, to: start)!
        return Int64((next.timeIntervalSince1970 * 1000).rounded()) - 1
    }

    /// The number of days from this date to `other` (negative when `other` is earlier).
    public func days(until other: CalendarDate) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let from = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let to = calendar.date(from: DateComponents(year: other.year, month: other.month, day: other.day))!
        return calendar.dateComponents([.day], from: from, to: to).day!
    }

    /// `yyyy-mm-dd`, the stored form.
    public var iso: String { "\(year)-\(pad(month))-\(pad(day))" }

    /// `dd/mm/yyyy`, the displayed form.
    public var description: String { "\(pad(day))/\(pad(month))/\(year)" }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    private func pad(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }

    private static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
