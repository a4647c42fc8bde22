import ArgumentParser
import NTM
import SyncCore

struct VerificationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verification",
        abstract: Interface.pick(
            "Ghi kết quả thẩm tra của huyện cho một tiêu chí (do phòng phụ trách).",
            "Record the district's verification of a criterion (by the owning department)."))

    @OptionGroup var options: GlobalOptions

    @Argument(help: .pick("Số tiêu chí.", "The criterion's number.")) var criterion: String

    @Option(
        help: .pick(
            "Kết quả: dat, khong-dat, cho (bỏ trống: xem ai đã thẩm tra, phòng nào còn phải thẩm tra).",
            "The result: dat (met), khong-dat (not met), cho (pending); left out: who has verified, and which departments still owe it."
        ))
    var result: String?

    @Option(
        help: .pick(
            "Phòng thẩm tra (bỏ trống nếu tiêu chí chỉ do một phòng phụ trách).",
            "The verifying department (may be left out when one department owns the criterion)."))
    var department: String?

    @Option(help: .pick("Ngày thẩm tra, dd/mm/yyyy.", "The date of the verification, dd/mm/yyyy.")) var date: String?

    @Option(help: .pick("Số văn bản thẩm tra.", "The verification document's number.")) var document: String?

    @Option(help: .pick("Ghi chú.", "A note.")) var note: String?

    func run() throws {
        let replica = try options.open()
        guard let result else {
            if department != nil || date != nil || document != nil || note != nil {
                throw NTMError.resultRequired
            }
            return try show(replica)
        }
        let department = try replica.verify(
            criterion: criterion, result: result, department: department, date: date, document: document, note: note,
            author: try options.author(replica))
        let l = options.language
        say(
            l.pick(
                "Đã ghi thẩm tra tiêu chí \(criterion) của \(department)",
                "Recorded the verification of criterion \(criterion) by \(department)"))
    }

    /// Who has verified the criterion (department, result, date, document) and who still owes it.
    func show(_ replica: CommuneReplica) throws {
        let number = try replica.criterion(criterion).number
        let l = options.language
        guard let progress = try replica.figures().criteria.first(where: { $0.criterion.number == number }) else {
            return
        }
        let name = l == .vi ? progress.criterion.nameVi : progress.criterion.nameEn
        say(l.pick("Thẩm tra tiêu chí \(number) \(name):", "Verification of criterion \(number) \(name):"))
        if progress.verifications.isEmpty {
            say(l.pick("  chưa phòng nào thẩm tra", "  no department has verified it yet"))
        }
        for record in progress.verifications {
            var line = "  \(record.department): "
            line +=
                record.result?.label(l)
                ?? l.pick("đang xung đột (xem: ntm conflicts)", "in conflict (see: ntm conflicts)")
            if let date = record.date { line += l.pick(", ngày \(date)", ", on \(date)") }
            if let document = record.document { line += l.pick(", văn bản \(document)", ", document \(document)") }
            say(line)
        }
        let owed = progress.verificationOwed
        say(
            owed.isEmpty
                ? l.pick("Không còn phòng nào phải thẩm tra.", "No department still owes it.")
                : l.pick("Còn chờ: ", "Still owed by: ") + owed.joined(separator: ", "))
    }
}

struct DeadlineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadline",
        abstract: Interface.pick(
            "Các mốc thời hạn, ai phụ trách, đã xong chưa.", "Deadlines: who owns them, whether they are done."),
        subcommands: [Add.self, List.self, Done.self, Edit.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Thêm một hạn; người phụ trách: --department, --sector hoặc --person.",
                "Add a deadline; its owner: --department, --sector or --person."))

        @OptionGroup var options: GlobalOptions
        @Option(help: .pick("Việc phải xong.", "What must be done.")) var title: String
        @Option(help: .pick("Hạn, dd/mm/yyyy.", "The due date, dd/mm/yyyy.")) var due: String
        @Option(
            help: .pick(
                "Phòng, ban của huyện (hoặc UBND xã, Văn phòng Điều phối NTM huyện).",
                "A district department (or the commune's People's Committee, the district's NTM coordination office)."))
        var department: String?
        @Option(help: .pick("Sở, ngành của tỉnh.", "A province sector.")) var sector: String?
        @Option(help: .pick("Một người cụ thể.", "A named person.")) var person: String?
        @Option(help: .pick("Chỉ tiêu liên quan.", "The indicator concerned.")) var indicator: String?

        func run() throws {
            let owners: [CommuneReplica.DeadlineOwner] =
                [department.map { .department($0) }, sector.map { .sector($0) }, person.map { .person($0) }]
                .compactMap { $0 }
            guard owners.count == 1 else { throw NTMError.ownerRequired }
            let replica = try options.open()
            let uid = try replica.addDeadline(
                title: title, due: due, owner: owners[0], indicator: indicator, author: try options.author(replica))
            say(options.language.pick("Đã thêm hạn \(uid)", "Added deadline \(uid)"))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Liệt kê các hạn của xã.", "List the commune's deadlines."))

        @OptionGroup var options: SharedOptions<ShowPlace>

        func run() throws {
            let replica = try options.open()
            let l = options.language
            let items = try replica.deadlines()
            if items.isEmpty {
                say(l.pick("Chưa có hạn nào.", "No deadlines yet."))
                return
            }
            let rendering = ReportRendering(language: l, date: CalendarDate.today(replica.store.clock()))
            let today = CalendarDate.today(replica.store.clock())
            for item in items {
                let state =
                    item.done.map { l.pick("xong ngày \($0)", "done \($0)") }
                    ?? (item.due < today ? l.pick("quá hạn, chưa xong", "overdue, open") : l.pick("chưa xong", "open"))
                say("\(item.uid ?? "")  \(rendering.deadlineLine(item)) — \(state)")
            }
        }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Đánh dấu một hạn đã xong (--undo: chưa xong).", "Mark a deadline done (--undo: open again)."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Mã hạn (ít nhất 4 ký tự đầu).", "The deadline's id (at least its first 4 characters)."))
        var id: String
        @Option(
            help: .pick(
                "Ngày xong, dd/mm/yyyy (mặc định: hôm nay).", "The day it was done, dd/mm/yyyy (default: today)."))
        var date: String?
        @Flag(help: .pick("Đánh dấu lại là chưa xong.", "Mark it open again.")) var undo = false

        func run() throws {
            let replica = try options.open()
            let uid = try replica.completeDeadline(id, on: date, undo: undo, author: try options.author(replica))
            let l = options.language
            say(
                undo
                    ? l.pick("Hạn \(uid): chưa xong", "Deadline \(uid): open")
                    : l.pick("Hạn \(uid): đã xong", "Deadline \(uid): done"))
        }
    }
}

extension DeadlineCommand {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Sửa một hạn: việc, ngày hạn, người phụ trách (--department, --sector hoặc --person).",
                "Edit a deadline: the task, the date, who owns it (--department, --sector or --person)."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Mã hạn (ít nhất 4 ký tự đầu).", "The deadline's id (at least its first 4 characters)."))
        var id: String
        @Option(help: .pick("Việc phải xong.", "What must be done.")) var title: String?
        @Option(help: .pick("Hạn, dd/mm/yyyy.", "The date due, dd/mm/yyyy.")) var due: String?
        @Option(
            help: .pick(
                "Phòng, ban của huyện (hoặc UBND xã, Văn phòng Điều phối NTM huyện).",
                "A district department (or the commune's people's committee, the district's NTM office)."))
        var department: String?
        @Option(help: .pick("Sở, ngành của tỉnh.", "A province sector.")) var sector: String?
        @Option(help: .pick("Một người cụ thể.", "A named person.")) var person: String?

        func run() throws {
            let owners: [CommuneReplica.DeadlineOwner] =
                [department.map { .department($0) }, sector.map { .sector($0) }, person.map { .person($0) }]
                .compactMap { $0 }
            guard owners.count <= 1 else { throw NTMError.ownerRequired }
            let replica = try options.open()
            let uid = try replica.editDeadline(
                id, title: title, due: due, owner: owners.first, author: try options.author(replica))
            say(options.language.pick("Đã sửa hạn \(uid)", "Edited deadline \(uid)"))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Xóa một hạn (theo mã, hoặc đầu mã).", "Remove a deadline (by id, or its start)."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Mã hạn (ít nhất 4 ký tự đầu).", "The deadline's id (at least its first 4 characters)."))
        var id: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.removeDeadline(id, author: try options.author(replica))
            say(options.language.pick("Đã xóa hạn \(uid)", "Removed deadline \(uid)"))
        }
    }
}

extension NoteCommand {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Sửa nội dung một ghi chú.", "Change a note's text."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Mã ghi chú (ít nhất 4 ký tự đầu).", "The note's id (at least its first 4 characters)."))
        var id: String
        @Argument(help: .pick("Nội dung mới.", "The new text.")) var text: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.editNote(id, text: text, author: try options.author(replica))
            say(options.language.pick("Đã sửa ghi chú \(uid)", "Edited note \(uid)"))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Xóa một ghi chú (theo mã, hoặc đầu mã).", "Remove a note (by id, or its start)."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Mã ghi chú (ít nhất 4 ký tự đầu).", "The note's id (at least its first 4 characters)."))
        var id: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.removeNote(id, author: try options.author(replica))
            say(options.language.pick("Đã xóa ghi chú \(uid)", "Removed note \(uid)"))
        }
    }
}

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: Interface.pick("Ghi chú riêng của xã.", "The commune's own notes."),
        subcommands: [Add.self, List.self, Edit.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: Interface.pick("Thêm ghi chú.", "Add a note."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Nội dung.", "The text.")) var text: String
        @Option(help: .pick("Chỉ tiêu liên quan.", "The indicator concerned.")) var indicator: String?

        func run() throws {
            let replica = try options.open()
            let uid = try replica.addNote(text, indicator: indicator, author: try options.author(replica))
            say(options.language.pick("Đã ghi chú \(uid)", "Added note \(uid)"))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: Interface.pick("Liệt kê ghi chú.", "List the notes."))

        @OptionGroup var options: SharedOptions<ShowPlace>

        func run() throws {
            let replica = try options.open()
            let notes = try replica.notes()
            let l = options.language
            if notes.isEmpty { say(l.pick("Chưa có ghi chú.", "No notes yet.")) }
            for note in notes {
                let code = note.indicator.map { " [\($0)]" } ?? ""
                say("\(note.uid)  \(note.written?.description ?? "")\(code)  \(note.text)")
            }
        }
    }
}

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
            """,
            """
            ntm report                      the commune's report
            ntm report --district           every commune in the database, and per department
            ntm report --as-of 14/11/2020   the figures as the database held them at the end of that day
            --json for other programs; --csv for Excel (UTF-8 with a BOM)
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

    func run<Shown>(_ options: SharedOptions<Shown>, district: Bool) throws {
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
        let database = try options.openDatabase()
        let today = CalendarDate.today(database.store.clock())
        if let date, date > today { throw NTMError.futureDate(date.description, option: "--as-of") }
        let reportDate = date ?? today
        let rendering = ReportRendering(language: options.language, date: reportDate)
        let wholeDistrict = district || (options.commune == nil && database.homeCommune == nil)
        if level != nil, !wholeDistrict { throw NTMError.levelNeedsDistrict }
        if wholeDistrict {
            let figures = try database.districtFigures(level: level, asOf: date, lookAheadDays: days)
            if json { return say(JSONWriter.string(rendering.json(figures))) }
            if csv { return print(rendering.csv(figures), terminator: "") }
            return rendering.text(figures).forEach { say($0) }
        }
        let figures = try database.commune(options.commune, set: options.criteriaSet).figures(
            asOf: date, lookAheadDays: days)
        if json { return say(JSONWriter.string(rendering.json(figures))) }
        if csv { return print(rendering.csv(figures), terminator: "") }
        rendering.text(figures).forEach { say($0) }
    }
}
