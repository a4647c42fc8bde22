import ArgumentParser
import Foundation
import NTM
import Replica
import SyncCore

/// `ntm conflicts`: list, show, resolve and review the open conflicts.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Xung đột chưa xử lý: xem, giải quyết, duyệt từng cái (review open conflicts).",
        discussion: """
            Hai người sửa cùng một chỗ khi không kết nối: không giá trị nào bị ghi đè, cả hai được giữ lại đến khi \
            có người quyết định. Quyết định là một lần ghi bình thường, đi theo đồng bộ đến mọi máy.
            """,
        subcommands: [List.self, Show.self, Resolve.self, Review.self], defaultSubcommand: List.self)

    /// The filters `list`, `resolve --all` and `review` take (the commune is the global `--commune`).
    struct Filters: ParsableArguments {
        @Option(help: "Chỉ xung đột của tiêu chí này (số).") var criterion: String?
        @Option(help: "Chỉ xung đột ở các chỉ tiêu do phòng này của huyện phụ trách.") var department: String?
        @Flag(help: "Chỉ các trường máy này đã từng ghi.") var mine = false

        func filter(_ options: GlobalOptions) -> ConflictFilter {
            ConflictFilter(commune: options.commune, criterion: criterion, department: department, mine: mine)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Liệt kê các xung đột đang mở (mặc định).")

        @OptionGroup var options: GlobalOptions
        @OptionGroup var filters: Filters
        @Flag(help: "In JSON cho chương trình khác: mỗi xung đột một đối tượng.") var json = false

        func run() throws {
            let review = ConflictReview(database: try options.openDatabase(), language: options.language)
            let views = try review.open(filters.filter(options))
            let printer = ConflictPrinter(language: options.language)
            if json {
                say(JSONWriter.string(.array(views.map { .object(printer.json($0)) })))
                return
            }
            let l = options.language
            if views.isEmpty {
                say(l.pick("Không có xung đột.", "No conflicts."))
                return
            }
            say(l.pick("\(views.count) xung đột chưa xử lý:", "\(views.count) open conflicts:"))
            for view in views {
                say()
                for line in printer.summary(view) { say(line) }
            }
            say()
            say(
                l.pick(
                    "Xem chi tiết: ntm conflicts show MÃ · quyết định: ntm conflicts resolve MÃ --pick N · duyệt lần lượt: ntm conflicts review",
                    "Details: ntm conflicts show ID · decide: ntm conflicts resolve ID --pick N · one by one: ntm conflicts review"
                ))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mọi giá trị cạnh nhau: ai ghi, máy nào, lúc nào, ghi chú, và giá trị trước khi cả hai sửa.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã xung đột (8 ký tự, hoặc 4 ký tự đầu nếu không trùng).") var id: String
        @Flag(help: "In JSON.") var json = false

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
            abstract:
                "Quyết định một xung đột (--pick N hoặc --value), hoặc nhiều xung đột theo một quy tắc (--all --prefer).",
            discussion: """
                --prefer: newest (giá trị ghi sau cùng), oldest (ghi sớm nhất), replica=MÃ-MÁY, author=TÊN. \
                Với --all, lệnh in ra sẽ làm gì và hỏi lại trước khi ghi (--yes để không hỏi).
                """)

        @OptionGroup var options: GlobalOptions
        @OptionGroup var filters: Filters
        @Argument(help: "Mã xung đột.") var id: String?
        @Option(help: "Giữ giá trị số N (như ntm conflicts show in ra, từ 1).") var pick: Int?
        @Option(help: "Ghi một giá trị mới (viết như khi nhập bình thường: dat, 30/09/2021, 96,5…).") var value: String?
        @Option(help: "Lý do quyết định (lưu trong lịch sử).") var note: String?
        @Flag(help: "Mọi xung đột qua bộ lọc, theo --prefer.") var all = false
        @Option(help: "Quy tắc cho --all: newest, oldest, replica=MÃ, author=TÊN.") var prefer: String?
        @Flag(help: "Không hỏi lại.") var yes = false

        func run() throws {
            let l = options.language
            let database = try options.openDatabase()
            let review = ConflictReview(database: database, language: l)
            let printer = ConflictPrinter(language: l)
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
            let l = options.language
            let author = try options.author(database: database)
            let views = try review.open(filters.filter(options))
            var decisions: [(ConflictView, ConflictDecision)] = []
            var skipped: [ConflictView] = []
            for view in views {
                if let index = rule.pick(view.values) {
                    decisions.append((view, try review.decision(view, pick: index + 1)))
                } else {
                    skipped.append(view)
                }
            }
            // A rule can keep a record for one field and delete it for another: those are left to a person.
            let contradictory = ConflictDecision.contradictions(in: decisions.map(\.1))
            let torn = decisions.filter { contradictory.contains($0.1.key.rowKey) }.map(\.0)
            decisions.removeAll { contradictory.contains($0.1.key.rowKey) }
            if views.isEmpty {
                say(l.pick("Không có xung đột.", "No conflicts."))
                return
            }
            if !decisions.isEmpty {
                say(l.pick("Sẽ giải quyết \(decisions.count) xung đột:", "Will resolve \(decisions.count) conflicts:"))
                for (view, decision) in decisions {
                    say("  " + printer.plan(view, outcome: review.outcome(decision, of: view)))
                }
            }
            if !skipped.isEmpty {
                say(
                    l.pick(
                        "Bỏ qua \(skipped.count) xung đột (quy tắc không chọn được giá trị nào):",
                        "Skipping \(skipped.count) conflicts (the rule picks none of their values):"))
                for view in skipped { say("  [\(view.id)] \(printer.headline(view))") }
            }
            if !torn.isEmpty {
                say(
                    l.pick(
                        "Bỏ qua \(torn.count) xung đột mà quy tắc vừa giữ vừa xóa cùng một bản ghi (hãy quyết định từng cái):",
                        "Skipping \(torn.count) conflicts where the rule would both keep and delete one record (decide them one by one):"
                    ))
                for view in torn { say("  [\(view.id)] \(printer.headline(view))") }
            }
            if decisions.isEmpty {
                say(l.pick("Không có gì để ghi.", "Nothing to write."))
                return
            }
            if !yes {
                ask(l.pick("Ghi các quyết định này? [c/k] ", "Write these decisions? [y/n] "))
                guard let answer = TerminalInput(fd: 0).line() else {
                    say()
                    throw NTMError.confirmationNeeded
                }
                guard parseYesNo(answer) == true else {
                    say(l.pick("Đã hủy; không ghi gì.", "Cancelled; nothing was written."))
                    return
                }
            }
            try review.write(decisions.map(\.1), author: author, note: note)
            say(
                l.pick(
                    "Đã giải quyết \(decisions.count) xung đột. Đồng bộ để các máy khác nhận quyết định.",
                    "Resolved \(decisions.count) conflicts. Sync so that the other replicas receive the decisions."))
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Duyệt lần lượt từng xung đột: bấm số để chọn, g để gõ giá trị mới, n để thêm ghi chú, b để bỏ qua, t để thoát.",
            discussion: "Mỗi quyết định được ghi ngay khi bấm; thoát giữa chừng vẫn giữ những gì đã quyết định.")

        @OptionGroup var options: GlobalOptions
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
