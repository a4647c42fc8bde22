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
        let language = options.language
        say(options.headline(replica))
        say(
            language.pick(
                "Tiêu chí đạt: \(f.criteriaMet)/\(f.criteriaTotal) · chỉ tiêu đạt: \(f.indicatorsMet)/\(f.indicatorsTotal) (đã đánh giá \(f.indicatorsAssessed)/\(f.indicatorsTotal))",
                "Criteria met: \(f.criteriaMet)/\(f.criteriaTotal) · indicators met: \(f.indicatorsMet)/\(f.indicatorsTotal) (assessed \(f.indicatorsAssessed)/\(f.indicatorsTotal))"
            ))
        say(
            language.pick(
                "Hồ sơ tiêu chí hoàn thiện: \(f.dossiersComplete)/\(f.criteriaTotal) · hồ sơ chung: \(f.generalDossier ? "đã hoàn thiện" : "còn thiếu")",
                "Criteria dossiers complete: \(f.dossiersComplete)/\(f.criteriaTotal) · general dossier: \(f.generalDossier ? "complete" : "missing")"
            ))
        say(
            language.pick(
                "Thẩm định của tỉnh: đã gửi \(f.sectorsSent)/\(f.sectorsTotal) ngành, \(f.sectorsInspected) ngành đã về kiểm tra, \(f.sectorsPassed) ngành đánh giá đạt",
                "Province appraisal: sent to \(f.sectorsSent)/\(f.sectorsTotal) sectors, \(f.sectorsInspected) inspected, \(f.sectorsPassed) verdicts met"
            ))
        if !f.overdue.isEmpty {
            say(
                language.pick(
                    "Quá hạn: \(f.overdue.count) việc (xem: ntm report)",
                    "Overdue: \(f.overdue.count) (see: ntm report)"))
        }
        say(
            language.pick(
                "Minh chứng: \(f.evidenceCount) văn bản", "Evidence: \(Language.english(f.evidenceCount, "document"))"))
        let files = try replica.fileCounts()
        if files.total > 0 { say(FileWords.counts(files, language)) }
        if s.openConflicts > 0 {
            say(
                language.pick(
                    "Xung đột chưa xử lý: \(s.openConflicts) (xem: ntm conflicts)",
                    "Open conflicts: \(s.openConflicts) (see: ntm conflicts)"))
        } else {
            say(language.pick("Không có xung đột.", "No conflicts."))
        }
        say(
            language.pick(
                "Nhật ký: \(s.operations) thao tác (\(s.localOperations) ghi trên máy này)",
                "Log: \(Language.english(s.operations, "operation")) (\(s.localOperations) written here)"))
        if let fork = try ForkRecord.recorded(in: replica.store) {
            say(
                language.pick("Rẽ nhánh, chưa khôi phục: ", "Forked, not yet recovered: ")
                    + SyncMessages.forkMessage(fork, language))
        }
        try RefusalPrinter.print(
            try replica.store.refusals(), presentation: options.presentation(replica), role: replica.database.role,
            language)
    }
}
