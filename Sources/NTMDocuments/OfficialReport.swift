import Foundation
import NTM
import SyncCore

/// The report as an official document (Nghị định 30/2020/NĐ-CP), made from the report's figures.
public struct OfficialReport: Sendable {
    /// What the report is about, with its figures.
    public let subject: ReportSubject
    /// Who issues and signs it, its number and recipients (defaults, settings and options merged).
    public let settings: DocumentSettings
    /// The language of the text.
    public let language: Language
    /// The report's date.
    public let date: CalendarDate

    /// Creates the document.
    public init(subject: ReportSubject, settings: DocumentSettings, language: Language, date: CalendarDate) {
        self.subject = subject
        self.settings = settings
        self.language = language
        self.date = date
    }

    /// The .docx file's bytes.
    public func docx() throws -> Data { Data() }
}
