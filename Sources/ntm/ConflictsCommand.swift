import ArgumentParser
import Foundation
import NTM
import Replica
import SyncCore

/// `ntm conflicts`: list, show, resolve and review the open conflicts.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: Interface.pick(
            "Xung đột chưa xử lý: xem, giải quyết, duyệt từng cái.", "Open conflicts: list, show, resolve, review."),
        discussion: Interface.pick(
            """
            Hai người sửa cùng một chỗ khi không kết nối: không giá trị nào bị ghi đè, cả hai được giữ lại đến khi \
            có người quyết định. Quyết định là một lần ghi bình thường, đi theo đồng bộ đến mọi máy.
            """,
            """
            Two people changed the same thing while apart: neither value is overwritten, both are kept until \
            someone decides. A decision is an ordinary write, and travels to every replica with the sync.
            """),
        subcommands: [List.self, Show.self, Resolve.self, Review.self], defaultSubcommand: List.self)

    /// The filters `list`, `resolve --all` and `review` take (the commune is the global `--commune`).
    struct Filters: ParsableArguments {
        @Option(help: .pick("Chỉ xung đột của tiêu chí này (số).", "Only the conflicts of this criterion (a number)."))
        var criterion: String?
        @Option(
            help: .pick(
                "Chỉ xung đột ở các chỉ tiêu do phòng này của huyện phụ trách.",
                "Only the conflicts on indicators this district department owns."))
        var department: String?
        @Flag(help: .pick("Chỉ các trường máy này đã từng ghi.", "Only fields this replica has written.")) var mine =
            false

        func filter<Shown>(_ options: SharedOptions<Shown>) -> ConflictFilter {
            ConflictFilter(commune: options.commune, criterion: criterion, department: department, mine: mine)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: Interface.pick("Liệt kê các xung đột đang mở.", "List the open conflicts."))

        @OptionGroup var options: SharedOptions<ShowCommune>
        @OptionGroup var filters: Filters
        @Flag(
            help: .pick(
                "In JSON cho chương trình khác: mỗi xung đột một đối tượng.",
                "Print JSON for programs: one object per conflict."))
        var json = false

        func run() throws {
            let review = ConflictReview(database: try options.openDatabase(), language: options.language)
            let views = try review.open(filters.filter(options))
            let printer = ConflictPrinter(language: options.language)
            if json {
                say(JSONWriter.string(.array(views.map { .object(printer.json($0)) })))
                return
            }
            let language = options.language
            if views.isEmpty {
                say(language.pick("Không có xung đột.", "No conflicts."))
                return
            }
            say(
                language.pick(
                    "\(views.count) xung đột chưa xử lý:", "\(Language.english(views.count, "open conflict")):"))
            for view in views {
                say()
                for line in printer.summary(view) { say(line) }
            }
            say()
            say(
                language.pick(
                    "Xem chi tiết: ntm conflicts show MÃ · quyết định: ntm conflicts resolve MÃ --pick N · duyệt lần lượt: ntm conflicts review",
                    "Details: ntm conflicts show ID · decide: ntm conflicts resolve ID --pick N · one by one: ntm conflicts review"
                ))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Mọi giá trị cạnh nhau: ai ghi, máy nào, lúc nào, ghi chú, và giá trị trước khi cả hai sửa.",
                "Every value side by side: who wrote it, on which replica, when, the note, and the value before."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(
            help: .pick(
                "Mã xung đột (8 ký tự, hoặc 4 ký tự đầu nếu không trùng).",
                "The conflict's id (8 characters, or its first 4 when no other starts so)."))
        var id: String
        @Flag(help: .pick("In JSON.", "Print JSON.")) var json = false

        func run() throws {
            let review = ConflictReview(database: try options.openDatabase(), language: options.language)
            let view = try review.conflict(id)
            let before = try review.ancestors(of: view)
            let printer = ConflictPrinter(language: options.language)
            if json {
                var object = printer.json(view)
                object["before"] = .array(before.map(printer.json))
                say(JSONWriter.string(.object(object)))
                return
            }
            for line in printer.details(view, before: before) { say(line) }
            say()
            say(
                options.language.pick(
                    "Quyết định: ntm conflicts resolve \(view.id) --pick N (hoặc --value GIÁ-TRỊ) --note \"lý do\"",
                    "Decide: ntm conflicts resolve \(view.id) --pick N (or --value VALUE) --note \"why\""))
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Quyết định một xung đột (--pick N hoặc --value), hoặc nhiều xung đột theo một quy tắc (--all --prefer).",
                "Decide one conflict (--pick N or --value), or many by a rule (--all --prefer)."),
            discussion: Interface.pick(
                """
                --prefer: newest (giá trị ghi sau cùng), oldest (ghi sớm nhất), replica=MÃ-MÁY, author=TÊN. \
                Với --all, lệnh in ra sẽ làm gì và hỏi lại trước khi ghi (--yes để không hỏi).
                """,
                """
                --prefer: newest (the value written last), oldest (written first), replica=ID, author=NAME. \
                With --all, the command prints what it will do and asks before writing (--yes: no question).
                """))

        @OptionGroup var options: SharedOptions<ShowAuthorCommune>
        @OptionGroup var filters: Filters
        @Argument(help: .pick("Mã xung đột.", "The conflict's id.")) var id: String?
        // Taken whatever it looks like, so that a negative number is refused for what it is.
        @Option(
            parsing: .unconditional,
            help: .pick(
                "Giữ giá trị số N (như ntm conflicts show in ra, từ 1).",
                "Keep value number N (as ntm conflicts show numbers them, from 1)."))
        var pick: Int?
        // Taken whatever it looks like: a new value may be negative (--value -5).
        @Option(
            parsing: .unconditional,
            help: .pick(
                "Ghi một giá trị mới (viết như khi nhập bình thường: dat, 30/09/2021, 96,5, -5…).",
                "Write a new value (as when entering it: dat, 30/09/2021, 96.5, -5…)."))
        var value: String?
        @Option(help: .pick("Lý do quyết định (lưu trong lịch sử).", "Why (kept in the history).")) var note: String?
        @Flag(help: .pick("Mọi xung đột qua bộ lọc, theo --prefer.", "Every conflict the filters pass, by --prefer."))
        var all = false
        @Option(
            help: .pick(
                "Quy tắc cho --all: newest, oldest, replica=MÃ, author=TÊN.",
                "The rule for --all: newest, oldest, replica=ID, author=NAME."
            ))
        var prefer: String?
        @Flag(help: .pick("Không hỏi lại.", "Do not ask before writing.")) var yes = false

        func run() throws {
            let language = options.language
            let database = try options.openDatabase()
            let review = ConflictReview(database: database, language: language)
            let printer = ConflictPrinter(language: language)
            if all {
                guard id == nil, pick == nil, value == nil, let prefer else { throw NTMError.idOrAll }
                try resolveAll(review, rule: try PreferenceRule(parsing: prefer), printer: printer, database: database)
                return
            }
            guard let id, prefer == nil, !filters.mine, filters.criterion == nil, filters.department == nil else {
                throw NTMError.idOrAll
            }
            guard (pick == nil) != (value == nil) else { throw NTMError.pickOrValue }
            let view = try review.conflict(id)
            let decision = try pick.map { try review.decision(view, pick: $0) } ?? review.decision(view, value: value!)
            try review.write([decision], author: try options.author(database: database), note: note)
            say(printer.decided(view, outcome: review.outcome(decision, of: view)))
        }

        private func resolveAll(
            _ review: ConflictReview, rule: PreferenceRule, printer: ConflictPrinter, database: NTMDatabase
        ) throws {
            let language = options.language
            let author = try options.author(database: database)
            let views = try review.open(filters.filter(options))
            let plan = try review.plan(views, rule: rule)
            let decisions = plan.steps
            let skipped = plan.skipped
            let torn = plan.torn
            if views.isEmpty {
                say(language.pick("Không có xung đột.", "No conflicts."))
                return
            }
            if !decisions.isEmpty {
                say(
                    language.pick(
                        "Sẽ giải quyết \(decisions.count) xung đột:",
                        "Will resolve \(Language.english(decisions.count, "conflict")):"))
                for step in decisions {
                    say("  " + printer.plan(step.view, outcome: review.outcome(step.decision, of: step.view)))
                }
            }
            if !skipped.isEmpty {
                say(
                    language.pick(
                        "Bỏ qua \(skipped.count) xung đột (quy tắc không chọn được giá trị nào):",
                        "Skipping \(Language.english(skipped.count, "conflict")) (the rule picks none of their values):"
                    ))
                for view in skipped { say("  [\(view.id)] \(printer.headline(view))") }
            }
            if !torn.isEmpty {
                say(
                    language.pick(
                        "Bỏ qua \(torn.count) xung đột mà quy tắc vừa giữ vừa xóa cùng một bản ghi (hãy quyết định từng cái):",
                        "Skipping \(Language.english(torn.count, "conflict")) where the rule would both keep and delete one record (decide them one by one):"
                    ))
                for view in torn { say("  [\(view.id)] \(printer.headline(view))") }
            }
            if decisions.isEmpty {
                say(language.pick("Không có gì để ghi.", "Nothing to write."))
                return
            }
            if !yes {
                ask(language.pick("Ghi các quyết định này? [c/k] ", "Write these decisions? [y/n] "))
                guard let answer = TerminalInput(fd: 0).line() else {
                    say()
                    throw NTMError.confirmationNeeded
                }
                guard parseYesNo(answer) == true else {
                    say(language.pick("Đã hủy; không ghi gì.", "Cancelled; nothing was written."))
                    return
                }
            }
            try review.write(plan.decisions, author: author, note: note)
            say(
                language.pick(
                    "Đã giải quyết \(decisions.count) xung đột. Đồng bộ để các máy khác nhận quyết định.",
                    "Resolved \(Language.english(decisions.count, "conflict")). Sync so that the other replicas receive the decisions."
                ))
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Duyệt lần lượt từng xung đột: bấm số để chọn, v để gõ giá trị mới, n để thêm ghi chú, s để bỏ qua, q để thoát.",
                "Review the conflicts one by one: a number picks, v types a new value, n adds a note, s skips, q quits."
            ),
            discussion: Interface.pick(
                "Mỗi quyết định được ghi ngay khi bấm; thoát giữa chừng vẫn giữ những gì đã quyết định.",
                "Each decision is written as soon as it is made; quitting half-way keeps what was decided."))

        @OptionGroup var options: SharedOptions<ShowAuthorCommune>
        @OptionGroup var filters: Filters

        func run() throws {
            let database = try options.openDatabase()
            let session = ReviewSession(
                review: ConflictReview(database: database, language: options.language),
                filter: filters.filter(options), author: try options.author(database: database),
                input: TerminalInput(fd: 0))
            try session.run()
        }
    }
}
