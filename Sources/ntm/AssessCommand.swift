import ArgumentParser
import NTM
import SyncCore

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: Interface.pick("Ghi kết quả tự đánh giá một chỉ tiêu.", "Record an indicator's self-assessment."),
        discussion: Interface.pick(
            "Trạng thái: dat (đạt), chua-dat (chưa đạt), dang-thuc-hien (đang thực hiện); có dấu hay không dấu đều được.",
            "Status: dat (met), chua-dat (not met), dang-thuc-hien (in progress); with or without diacritics."))

    @OptionGroup var options: GlobalOptions

    @Argument(help: .pick("Mã chỉ tiêu, ví dụ 17.1.", "The indicator's code, e.g. 17.1."))
    var code: String

    @Argument(help: .pick("Trạng thái.", "The status."))
    var status: String

    // Taken whatever it looks like: a measured value may be negative (--value -5).
    @Option(
        parsing: .unconditional,
        help: .pick("Giá trị đo, ví dụ 96,5 (có thể âm: -5).", "The measured value, e.g. 96.5 (may be negative: -5)."))
    var value: String?

    @Option(help: .pick("Ghi chú.", "A note."))
    var note: String?

    @Option(help: .pick("Hạn hoàn thành, dd/mm/yyyy.", "The deadline, dd/mm/yyyy."))
    var deadline: String?

    func run() throws {
        let replica = try options.open()
        let ops = try replica.assess(
            code: code, status: status, value: value, note: note, deadline: deadline,
            author: try options.author(replica))
        let presentation = options.presentation(replica)
        let table = NTMSchema.Table.assessment
        let language = options.language
        var changes = ops.filter { $0.key.table == table && $0.value != .null }.map {
            "\(presentation.field(table: table, column: $0.key.column)): \(presentation.value($0.value, table: table, column: $0.key.column))"
        }
        // The indicator's deadline is a deadline row: said as the assessment's, with its id for `ntm deadline`.
        if let due = ops.first(where: { $0.key.table == NTMSchema.Table.deadline && $0.key.column == "due" }) {
            let uid = due.key.row.split(separator: "/").last.map(String.init) ?? ""
            changes.append(
                "\(presentation.field(table: table, column: "deadline")): \(presentation.value(due.value, table: table, column: "deadline"))"
                    + language.pick(" (mã hạn \(uid))", " (deadline \(uid))"))
        }
        let subject = presentation.subject(table: table, row: ops[0].key.row)
        say(language.pick("Đã ghi \(subject) — ", "Recorded \(subject) — ") + changes.joined(separator: "; "))
    }
}
