import ArgumentParser
import NTM
import SyncCore

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
            let language = options.language
            let items = try replica.deadlines()
            if items.isEmpty {
                say(language.pick("Chưa có hạn nào.", "No deadlines yet."))
                return
            }
            let rendering = ReportRendering(language: language, date: CalendarDate.today(replica.store.clock()))
            let today = CalendarDate.today(replica.store.clock())
            for item in items {
                let state =
                    item.done.map { language.pick("xong ngày \($0)", "done \($0)") }
                    ?? (item.isOverdue(on: today)
                        ? language.pick("quá hạn, chưa xong", "overdue, open") : language.pick("chưa xong", "open"))
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
            let language = options.language
            say(
                undo
                    ? language.pick("Hạn \(uid): chưa xong", "Deadline \(uid): open")
                    : language.pick("Hạn \(uid): đã xong", "Deadline \(uid): done"))
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
