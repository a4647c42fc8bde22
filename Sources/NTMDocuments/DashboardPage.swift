import Foundation
import NTM
import SyncCore

/// The dashboard page: one self-contained HTML file (inline CSS and SVG, no script) made from the report's
/// figures and the replicas' activity.
public struct DashboardPage: Sendable {
    /// What the report is about, with its figures.
    public let subject: ReportSubject
    /// Conflicts, refused writes and last syncs.
    public let activity: DashboardActivity
    /// The language of the page.
    public let language: Language
    /// The report's date.
    public let date: CalendarDate
    /// When the page was made (ms since 1970), shown at its foot.
    public let generatedMs: Int64
    /// The time zone times are shown in.
    public let timeZone: TimeZone

    /// Creates the page.
    public init(
        subject: ReportSubject, activity: DashboardActivity, language: Language, date: CalendarDate,
        generatedMs: Int64, timeZone: TimeZone = .current
    ) {
        self.subject = subject
        self.activity = activity
        self.language = language
        self.date = date
        self.generatedMs = generatedMs
        self.timeZone = timeZone
    }

    /// The page's HTML.
    public func html() -> String { "" }
}
