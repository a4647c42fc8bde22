import ArgumentParser
import NTM
import Replica
import SyncCore
import SyncHub

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: Interface.pick(
            "Lịch sử thay đổi: ai, khi nào, máy nào, giá trị cũ và mới.",
            "The history of changes: who, when, on which replica, the old and the new value."))

    @OptionGroup var options: SharedOptions<ShowPlace>

    @Argument(help: .pick("Mã chỉ tiêu (bỏ trống: toàn bộ).", "An indicator's code (none: everything)."))
    var code: String?

    func run() throws {
        let replica = try options.open()
        let presentation = options.presentation(replica)
        let entries = try replica.history(code: code)
        let language = options.language
        if entries.isEmpty {
            say(language.pick("Chưa có thay đổi nào.", "No changes yet."))
            return
        }
        var evidenceIndicator: [String: String] = [:]
        for entry in entries where entry.operation.operation.key.column == "indicator" {
            evidenceIndicator[entry.operation.operation.key.row] = entry.operation.operation.value.text
        }
        for entry in entries {
            let op = entry.operation.operation
            let table = op.key.table
            let subject = presentation.subject(
                table: table, row: op.key.row, indicatorOfEvidence: evidenceIndicator[op.key.row])
            let field = presentation.field(table: table, column: op.key.column)
            let new = presentation.value(op.value, table: table, column: op.key.column)
            let old: String
            if entry.replaced.isEmpty {
                old = language.pick("(mới)", "(new)")
            } else {
                old = entry.replaced.map { presentation.value($0.value, table: table, column: op.key.column) }.joined(
                    separator: " | ")
            }
            var line =
                "\(Presentation.time(op.wallMs))  \(op.author) (\(op.dot.origin))  \(subject) · \(field): \(old) → \(new)"
            if entry.replaced.count > 1 { line += language.pick("  [giải quyết xung đột]", "  [resolved a conflict]") }
            if let note = op.note { line += "  «\(note)»" }
            say(line)
        }
    }
}
