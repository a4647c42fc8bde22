import ArgumentParser
import NTM
import Replica
import SyncCore
import SyncHub

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
        if let fork = try ForkRecord.recorded(in: replica.store) {
            say(l.pick("Rẽ nhánh, chưa khôi phục: ", "Forked, not yet recovered: ") + SyncMessages.forkMessage(fork, l))
        }
        try RefusalPrinter.print(
            try replica.store.refusals(), presentation: options.presentation(replica), role: replica.database.role, l)
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
