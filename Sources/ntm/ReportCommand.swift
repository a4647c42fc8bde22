import ArgumentParser
import NTM
import SyncCore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: Interface.pick(
            "Báo cáo tiến độ của xã, hoặc của cả huyện (--district): số liệu như huyện yêu cầu ngày 14 và 28.",
            "The progress report of the commune, or of the whole district (--district), as asked on the 14th and 28th."
        ),
        discussion: Interface.pick(
            """
            ntm report                      báo cáo của xã
            ntm report --district           mọi xã trong cơ sở dữ liệu, và theo phòng, ban
            ntm report --as-of 14/11/2020   số liệu như cơ sở dữ liệu có vào cuối ngày đó
            --json cho chương trình khác; --csv cho Excel (UTF-8 có BOM)
            ntm report --docx bao-cao.docx  văn bản báo cáo (Word) theo Nghị định 30/2020/NĐ-CP; xem ntm settings
            ntm report --html tong-quan.html  trang tổng quan mở bằng trình duyệt, in được khổ A4
            """,
            """
            ntm report                      the commune's report
            ntm report --district           every commune in the database, and per department
            ntm report --as-of 14/11/2020   the figures as the database held them at the end of that day
            --json for other programs; --csv for Excel (UTF-8 with a BOM)
            ntm report --docx bao-cao.docx  the report as a Word document (Decree 30/2020/ND-CP); see ntm settings
            ntm report --html tong-quan.html  the dashboard page for a browser, printable on A4
            """))

    @OptionGroup var options: SharedOptions<ShowPlace>

    @Flag(
        help: .pick(
            "Báo cáo cấp huyện: mọi xã trong cơ sở dữ liệu.", "The district's report: every commune in the database."))
    var district = false

    @OptionGroup var report: ReportOptions

    func run() throws { try report.run(options, district: district) }
}

/// The options of `ntm report` and `ntm hub report`.
struct ReportOptions: ParsableArguments {
    @Option(
        help: .pick(
            "Với --district: mức (ntm, nang-cao, …) để báo cáo; mặc định mục tiêu mới nhất của mỗi xã.",
            "With --district: the level (ntm, nang-cao, …) to report on; default: each commune's latest target."))
    var level: String?

    @Option(
        name: .customLong("as-of"),
        help: .pick(
            "Ngày báo cáo dd/mm/yyyy: số liệu lúc cuối ngày đó.",
            "The report's date, dd/mm/yyyy: the figures at its end."))
    var asOf: String?

    // Taken whatever it looks like, so that a negative number is refused for what it is.
    @Option(
        parsing: .unconditional,
        help: .pick("Số ngày tới để liệt kê hạn sắp đến.", "How many days ahead to list coming deadlines."))
    var within: String = "30"

    @Flag(help: .pick("In JSON.", "Print JSON.")) var json = false

    @Flag(help: .pick("In CSV (UTF-8 có BOM) cho Excel.", "Print CSV (UTF-8 with a BOM) for Excel.")) var csv = false

    /// The options checked: the days ahead, the report's date (nil for today) and the level.
    private func checked<Shown>(_ options: SharedOptions<Shown>, district: Bool) throws -> (
        days: Int, date: CalendarDate?, level: Level?
    ) {
        guard !(json && csv) else { throw NTMError.conflictingFormats }
        if district, options.commune != nil { throw NTMError.notWithDistrict("--commune") }
        if district, options.criteriaSet != nil { throw NTMError.notWithDistrict("--set") }
        guard let days = Int(within), (0...366).contains(days) else { throw NTMError.badDays(within) }
        var date: CalendarDate?
        if let asOf {
            guard let parsed = CalendarDate(parsing: asOf) else { throw NTMError.badDate(asOf, option: "--as-of") }
            date = parsed
        }
        let level = try self.level.map { text in
            guard let parsed = Level(parsing: text) else { throw NTMError.unknownLevel(text) }
            return parsed
        }
        return (days, date, level)
    }

    /// The report at a province hub: one line per district, or with `district` that district's report
    /// over its communes.
    func runProvince<Shown>(_ options: SharedOptions<Shown>, database: NTMDatabase, district: String?) throws {
        let (days, date, level) = try checked(options, district: true)
        let today = CalendarDate.today(database.store.clock())
        if let date, date > today { throw NTMError.futureDate(date.description, option: "--as-of") }
        let subject: ReportSubject =
            if let district {
                .district(try database.districtFigures(of: district, level: level, asOf: date, lookAheadDays: days))
            } else {
                .province(try database.provinceFigures(level: level, asOf: date, lookAheadDays: days))
            }
        try emit(subject, database: database, language: options.language, date: date ?? today, asOf: date)
    }

    func run<Shown>(_ options: SharedOptions<Shown>, district: Bool) throws {
        let (days, date, level) = try checked(options, district: district)
        let database = try options.openDatabase()
        let today = CalendarDate.today(database.store.clock())
        if let date, date > today { throw NTMError.futureDate(date.description, option: "--as-of") }
        let wholeDistrict = district || (options.commune == nil && database.homeCommune == nil)
        if level != nil, !wholeDistrict { throw NTMError.levelNeedsDistrict }
        let subject: ReportSubject =
            wholeDistrict
            ? .district(try database.districtFigures(level: level, asOf: date, lookAheadDays: days))
            : .commune(
                try database.commune(options.commune, set: options.criteriaSet).figures(
                    asOf: date, lookAheadDays: days))
        try emit(subject, database: database, language: options.language, date: date ?? today, asOf: date)
    }

    /// Writes the documents asked for, then prints the report: JSON or CSV when asked, the text unless
    /// only documents were asked for.
    private func emit(
        _ subject: ReportSubject, database: NTMDatabase, language: Language, date: CalendarDate,
        asOf: CalendarDate?
    ) throws {
        let rendering = ReportRendering(language: language, date: date)
        let written = try documents.write(subject, database: database, language: language, date: date, asOf: asOf)
        if json { return say(JSONWriter.string(rendering.json(subject))) }
        if csv { return print(rendering.csv(subject), terminator: "") }
        if written.isEmpty { return rendering.text(subject).forEach { say($0) } }
        written.forEach { say(ReportMessages.written($0, language)) }
    }

    @OptionGroup var documents: DocumentOptions
}
