import ArgumentParser
import Foundation
import NTM
import NTMDocuments
import Replica
import SyncCore

/// The options of `ntm report` and `ntm hub report` that write documents: the Word report, the dashboard
/// page, and what the official document says beyond the figures (kept per database by `ntm settings`,
/// overridden here for one document).
struct DocumentOptions: ParsableArguments {
    @Option(
        help: .pick(
            "Ghi báo cáo thành văn bản Word (.docx) theo thể thức Nghị định 30/2020/NĐ-CP.",
            "Write the report as a Word document (.docx) in the format of Decree 30/2020/ND-CP."))
    var docx: String?

    @Option(
        help: .pick(
            "Ghi trang tổng quan: một tệp HTML mở bằng trình duyệt, không cần mạng, in được khổ A4.",
            "Write the dashboard page: one HTML file for a browser, no network needed, printable on A4."))
    var html: String?

    @Flag(
        name: .customLong("with-files"),
        help: .pick(
            "Với --html: chép tệp minh chứng có ở đây vào thư mục tep-minh-chung cạnh trang, để trang mở được chúng.",
            "With --html: copy the evidence files held here into the folder tep-minh-chung beside the page, for the page to open them."
        ))
    var withFiles = false

    @Flag(
        help: .pick(
            "Ghi đè tệp --docx, --html đã có.", "Replace the --docx and --html files if they are there already."))
    var force = false

    @Option(
        help: .pick(
            "Số của văn bản (mặc định theo ntm settings; để trống thì ghi tay).",
            "The document's number (default from ntm settings; left blank to be written by hand)."))
    var number: String?

    @Option(help: .pick("Họ tên người ký văn bản.", "The full name of the document's signer."))
    var signer: String?

    @Option(
        name: .customLong("signer-title"),
        help: .pick("Chức vụ người ký (ví dụ CHÁNH VĂN PHÒNG).", "The signer's title (e.g. CHIEF OF OFFICE)."))
    var signerTitle: String?

    @Option(
        name: .customLong("recipient"),
        help: .pick(
            "Nơi nhận (lặp lại cho mỗi nơi; thay danh sách trong ntm settings).",
            "A recipient (repeat for each; replaces the list in ntm settings)."))
    var recipients: [String] = []

    @Option(
        help: .pick(
            "Trích yếu của báo cáo, thay cho trích yếu mặc định.", "The report's subject line, instead of the default.")
    )
    var subject: String?

    /// What the options set for this document.
    var settings: DocumentSettings {
        var settings = DocumentSettings()
        settings[.number] = number
        settings[.signer] = signer
        settings[.title] = signerTitle
        settings[.subject] = subject
        if !recipients.isEmpty { settings[.recipients] = recipients.joined(separator: ";") }
        return settings
    }

    /// Makes the documents asked for and writes them, all whole or none; returns what was written.
    /// `asOf` is the date a past report was asked for (nil for today's): the document is still issued
    /// today, and the evidence files, which are read as they are now, are not put beside a past page.
    func write(
        _ subject: ReportSubject, database: NTMDatabase, language: Language, date: CalendarDate,
        asOf: CalendarDate?
    ) throws -> [ReportMessages.Written] {
        if withFiles, html == nil { throw NTMError.notWithoutHTML("--with-files") }
        if withFiles, let asOf { throw NTMError.filesNotAsOf(asOf.description) }
        guard docx != nil || html != nil else { return [] }
        let paths = [docx, html].compactMap { $0 }.map { URL(fileURLWithPath: $0).standardized }
        if paths.count == 2, paths[0] == paths[1] { throw NTMError.sameOutput(docx!) }
        if withFiles, let html {
            let shelf = URL(fileURLWithPath: html).deletingLastPathComponent().appendingPathComponent(Self.filesFolder)
            if let clash = paths.first(where: { $0 == shelf.standardized }) {
                throw FileError.cannotWrite(path: clash.path, reason: "is a directory")
            }
        }
        if subject.communes.isEmpty {
            throw NTMError.emptyReport(district: Self.unitName(subject: subject, database: database))
        }
        // Every output is checked before anything is made, so that a refusal leaves nothing behind.
        for path in [docx, html].compactMap({ $0 }) { try DocumentFile.check(path, force: force) }
        var outputs: [(written: ReportMessages.Written, data: Data)] = []
        if let docx {
            let level = Self.level(of: database)
            let settings = DocumentSettings.defaults(
                level: level, unitName: Self.unitName(subject: subject, database: database), language: language
            )
            .overridden(by: try database.documentSettings()).overridden(by: self.settings)
            let report = OfficialReport(
                subject: subject, settings: settings, language: language, date: date,
                issued: CalendarDate.today(database.store.clock()))
            outputs.append((.document(docx), try report.docx()))
        }
        if let html {
            var activity = try database.dashboardActivity()
            if withFiles {
                // The evidence folder is a cache beside the page, not one of its outputs: files put there
                // stay even if writing the page fails, and are not written again the next time.
                let folder = URL(fileURLWithPath: html).deletingLastPathComponent().appendingPathComponent(
                    Self.filesFolder)
                activity.files = try database.shelveEvidenceFiles(of: subject.communes, into: folder.path)
            }
            let page = DashboardPage(
                subject: subject, activity: activity, language: language, date: date,
                generatedMs: database.store.clock())
            outputs.append((.page(html), Data(page.html().utf8)))
        }
        try DocumentFile.writeAll(outputs.map { ($0.written.path, $0.data) }, force: force)
        return outputs.map(\.written)
    }

    /// The folder beside the page that holds the evidence files it links to.
    static let filesFolder = "tep-minh-chung"

    /// The level of government the database's office works at: a commune's laptop, a district's hub or
    /// a province's.
    static func level(of database: NTMDatabase) -> ReportLevel {
        database.homeCommune != nil ? .commune : database.province != nil ? .province : .district
    }

    /// The name of the unit whose office issues the document: the commune's, the district's, the
    /// province's.
    static func unitName(subject: ReportSubject, database: NTMDatabase) -> String? {
        if database.homeCommune != nil, case .commune(let figures) = subject { return figures.commune.name }
        return (try? officeName(database)) ?? nil
    }

    /// The name of the unit whose office keeps the database: its commune's on a laptop, else its
    /// district's or province's.
    static func officeName(_ database: NTMDatabase) throws -> String? {
        if let home = database.homeCommune {
            return try database.communes().first { $0.slug == home }?.name ?? home
        }
        return database.unitName ?? database.unit
    }
}
