import ArgumentParser
import NTM
import SyncCore

struct VerificationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verification",
        abstract: "Ghi kết quả thẩm tra của huyện cho một tiêu chí (district verification by the owning department).")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Số tiêu chí.") var criterion: String

    @Option(help: "Kết quả: dat, khong-dat, cho (bỏ trống: xem ai đã thẩm tra, phòng nào còn phải thẩm tra).")
    var result: String?

    @Option(help: "Phòng thẩm tra (bỏ trống nếu tiêu chí chỉ do một phòng phụ trách).") var department: String?

    @Option(help: "Ngày thẩm tra, dd/mm/yyyy.") var date: String?

    @Option(help: "Số văn bản thẩm tra.") var document: String?

    @Option(help: "Ghi chú.") var note: String?

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
        commandName: "deadline", abstract: "Các mốc thời hạn, ai phụ trách, đã xong chưa (deadlines).",
        subcommands: [Add.self, List.self, Done.self, Edit.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Thêm một hạn; người phụ trách: --department, --sector hoặc --person.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Việc phải xong.") var title: String
        @Option(help: "Hạn, dd/mm/yyyy.") var due: String
        @Option(help: "Phòng, ban của huyện (hoặc UBND xã, Văn phòng Điều phối NTM huyện).") var department: String?
        @Option(help: "Sở, ngành của tỉnh.") var sector: String?
        @Option(help: "Một người cụ thể.") var person: String?
        @Option(help: "Chỉ tiêu liên quan.") var indicator: String?

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
        static let configuration = CommandConfiguration(abstract: "Liệt kê các hạn của xã.")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let replica = try options.open()
            let l = options.language
            let items = try replica.deadlines()
            if items.isEmpty {
                say(l.pick("Chưa có hạn nào.", "No deadlines yet."))
                return
            }
            let rendering = ReportRendering(language: l, date: CalendarDate.today(replica.store.clock()))
            for item in items {
                let state = item.done.map { l.pick("xong ngày \($0)", "done \($0)") } ?? l.pick("chưa xong", "open")
                say("\(item.uid ?? "")  \(rendering.deadlineLine(item)) — \(state)")
            }
        }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Đánh dấu một hạn đã xong (--undo: chưa xong).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã hạn (ít nhất 4 ký tự đầu).") var id: String
        @Option(help: "Ngày xong, dd/mm/yyyy (mặc định: hôm nay).") var date: String?
        @Flag(help: "Đánh dấu lại là chưa xong.") var undo = false

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
            abstract: "Sửa một hạn: việc, ngày hạn, người phụ trách (--department, --sector hoặc --person).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã hạn (ít nhất 4 ký tự đầu).") var id: String
        @Option(help: "Việc phải xong.") var title: String?
        @Option(help: "Hạn, dd/mm/yyyy.") var due: String?
        @Option(help: "Phòng, ban của huyện (hoặc UBND xã, Văn phòng Điều phối NTM huyện).") var department: String?
        @Option(help: "Sở, ngành của tỉnh.") var sector: String?
        @Option(help: "Một người cụ thể.") var person: String?

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
        static let configuration = CommandConfiguration(abstract: "Xóa một hạn (theo mã, hoặc đầu mã).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã hạn (ít nhất 4 ký tự đầu).") var id: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.removeDeadline(id, author: try options.author(replica))
            say(options.language.pick("Đã xóa hạn \(uid)", "Removed deadline \(uid)"))
        }
    }
}

extension NoteCommand {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sửa nội dung một ghi chú.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã ghi chú (ít nhất 4 ký tự đầu).") var id: String
        @Argument(help: "Nội dung mới.") var text: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.editNote(id, text: text, author: try options.author(replica))
            say(options.language.pick("Đã sửa ghi chú \(uid)", "Edited note \(uid)"))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Xóa một ghi chú (theo mã, hoặc đầu mã).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã ghi chú (ít nhất 4 ký tự đầu).") var id: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.removeNote(id, author: try options.author(replica))
            say(options.language.pick("Đã xóa ghi chú \(uid)", "Removed note \(uid)"))
        }
    }
}

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: "Ghi chú riêng của xã (the commune's own notes).",
        subcommands: [Add.self, List.self, Edit.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thêm ghi chú.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Nội dung.") var text: String
        @Option(help: "Chỉ tiêu liên quan.") var indicator: String?

        func run() throws {
            let replica = try options.open()
            let uid = try replica.addNote(text, indicator: indicator, author: try options.author(replica))
            say(options.language.pick("Đã ghi chú \(uid)", "Added note \(uid)"))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê ghi chú.")

        @OptionGroup var options: GlobalOptions

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
        abstract: "Báo cáo tiến độ của xã, hoặc của cả huyện (--district): số liệu như huyện yêu cầu ngày 14 và 28.",
        discussion: """
            ntm report                      báo cáo của xã
            ntm report --district           mọi xã trong cơ sở dữ liệu, và theo phòng, ban
            ntm report --as-of 14/11/2020   số liệu như cơ sở dữ liệu có vào cuối ngày đó
            --json cho chương trình khác; --csv cho Excel (UTF-8 có BOM)
            """)

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Báo cáo cấp huyện: mọi xã trong cơ sở dữ liệu.") var district = false

    @OptionGroup var report: ReportOptions

    func run() throws { try report.run(options, district: district) }
}

/// The options of `ntm report` and `ntm hub report`.
struct ReportOptions: ParsableArguments {
    @Option(help: "Với --district: mức (ntm, nang-cao, …) để báo cáo; mặc định mục tiêu mới nhất của mỗi xã.")
    var level: String?

    @Option(name: .customLong("as-of"), help: "Ngày báo cáo dd/mm/yyyy: số liệu lúc cuối ngày đó.") var asOf: String?

    @Option(help: "Số ngày tới để liệt kê hạn sắp đến (mặc định 30).") var within: String = "30"

    @Flag(help: "In JSON.") var json = false

    @Flag(help: "In CSV (UTF-8 có BOM) cho Excel.") var csv = false

    func run(_ options: GlobalOptions, district: Bool) throws {
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
