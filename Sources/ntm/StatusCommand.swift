import ArgumentParser
import NTM
import Replica
import SyncCore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: Interface.pick("Tóm tắt tình hình của xã.", "A short summary of the commune."))

    @OptionGroup var options: SharedOptions<ShowPlace>

    func run() throws {
        let replica = try options.open()
        let s = try replica.status()
        let f = s.figures
        let l = options.language
        say(options.headline(replica))
        say(
            l.pick(
                "Tiêu chí đạt: \(f.criteriaMet)/\(f.criteriaTotal) · chỉ tiêu đạt: \(f.indicatorsMet)/\(f.indicatorsTotal) (đã đánh giá \(f.indicatorsAssessed)/\(f.indicatorsTotal))",
                "Criteria met: \(f.criteriaMet)/\(f.criteriaTotal) · indicators met: \(f.indicatorsMet)/\(f.indicatorsTotal) (assessed \(f.indicatorsAssessed)/\(f.indicatorsTotal))"
            ))
        say(
            l.pick(
                "Hồ sơ tiêu chí hoàn thiện: \(f.dossiersComplete)/\(f.criteriaTotal) · hồ sơ chung: \(f.generalDossier ? "đã hoàn thiện" : "còn thiếu")",
                "Criteria dossiers complete: \(f.dossiersComplete)/\(f.criteriaTotal) · general dossier: \(f.generalDossier ? "complete" : "missing")"
            ))
        say(
            l.pick(
                "Thẩm định của tỉnh: đã gửi \(f.sectorsSent)/\(f.sectorsTotal) ngành, \(f.sectorsInspected) ngành đã về kiểm tra, \(f.sectorsPassed) ngành đánh giá đạt",
                "Province appraisal: sent to \(f.sectorsSent)/\(f.sectorsTotal) sectors, \(f.sectorsInspected) inspected, \(f.sectorsPassed) verdicts met"
            ))
        if !f.overdue.isEmpty {
            say(
                l.pick(
                    "Quá hạn: \(f.overdue.count) việc (xem: ntm report)",
                    "Overdue: \(f.overdue.count) (see: ntm report)"))
        }
        say(
            l.pick(
                "Minh chứng: \(f.evidenceCount) văn bản", "Evidence: \(Language.english(f.evidenceCount, "document"))"))
        if s.openConflicts > 0 {
            say(
                l.pick(
                    "Xung đột chưa xử lý: \(s.openConflicts) (xem: ntm conflicts)",
                    "Open conflicts: \(s.openConflicts) (see: ntm conflicts)"))
        } else {
            say(l.pick("Không có xung đột.", "No conflicts."))
        }
        say(
            l.pick(
                "Nhật ký: \(s.operations) thao tác (\(s.localOperations) ghi trên máy này)",
                "Log: \(Language.english(s.operations, "operation")) (\(s.localOperations) written here)"))
        try RefusalPrinter.print(try replica.store.refusals(), presentation: options.presentation(replica), l)
    }
}

extension Presentation {
    /// A write in domain words: "what · which field = value".
    func write(_ op: SyncOperation) -> String {
        let subject = subject(table: op.key.table, row: op.key.row)
        let field = field(table: op.key.table, column: op.key.column)
        return "\(subject) · \(field) = \(value(op.value, table: op.key.table, column: op.key.column))"
    }
}

/// The edits a hub refused, in domain words: what, which value, why. They stay on this replica only.
enum RefusalPrinter {
    static func print(_ refusals: [RefusedOperation], presentation: Presentation, _ l: Language) throws {
        guard !refusals.isEmpty else { return }
        say(
            l.pick(
                "Máy chủ huyện đã từ chối \(refusals.count) thay đổi của máy này (vai trò của máy không được ghi; chúng chỉ có trên máy này, không gửi đi đâu):",
                "The district hub refused \(Language.english(refusals.count, "change")) made here (this replica's role may not write them; they stay on this replica only):"
            ))
        for refusal in refusals {
            guard let op = refusal.operation else {
                say("  \(refusal.dot) — \(refusal.reason)")
                continue
            }
            say("  \(Presentation.time(op.wallMs))  \(op.author)  \(presentation.write(op))  [\(refusal.reason)]")
        }
    }
}

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
        let l = options.language
        if entries.isEmpty {
            say(l.pick("Chưa có thay đổi nào.", "No changes yet."))
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
                old = l.pick("(mới)", "(new)")
            } else {
                old = entry.replaced.map { presentation.value($0.value, table: table, column: op.key.column) }.joined(
                    separator: " | ")
            }
            var line =
                "\(Presentation.time(op.wallMs))  \(op.author) (\(op.dot.origin))  \(subject) · \(field): \(old) → \(new)"
            if entry.replaced.count > 1 { line += l.pick("  [giải quyết xung đột]", "  [resolved a conflict]") }
            if let note = op.note { line += "  «\(note)»" }
            say(line)
        }
    }
}
