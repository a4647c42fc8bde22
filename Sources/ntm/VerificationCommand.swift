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
        let language = options.language
        say(
            language.pick(
                "Đã ghi thẩm tra tiêu chí \(criterion) của \(department)",
                "Recorded the verification of criterion \(criterion) by \(department)"))
    }

    /// Who has verified the criterion (department, result, date, document) and who still owes it.
    func show(_ replica: CommuneReplica) throws {
        let number = try replica.criterion(criterion).number
        let language = options.language
        guard let progress = try replica.figures().criteria.first(where: { $0.criterion.number == number }) else {
            return
        }
        let name = language == .vi ? progress.criterion.nameVi : progress.criterion.nameEn
        say(language.pick("Thẩm tra tiêu chí \(number) \(name):", "Verification of criterion \(number) \(name):"))
        if progress.verifications.isEmpty {
            say(language.pick("  chưa phòng nào thẩm tra", "  no department has verified it yet"))
        }
        for record in progress.verifications {
            var line = "  \(record.department): "
            line +=
                record.result?.label(language)
                ?? language.pick("đang xung đột (xem: ntm conflicts)", "in conflict (see: ntm conflicts)")
            if let date = record.date { line += language.pick(", ngày \(date)", ", on \(date)") }
            if let document = record.document {
                line += language.pick(", văn bản \(document)", ", document \(document)")
            }
            say(line)
        }
        let owed = progress.verificationOwed
        say(
            owed.isEmpty
                ? language.pick("Không còn phòng nào phải thẩm tra.", "No department still owes it.")
                : language.pick("Còn chờ: ", "Still owed by: ") + owed.joined(separator: ", "))
    }
}
