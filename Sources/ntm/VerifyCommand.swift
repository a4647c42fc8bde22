import ArgumentParser
import NTM
import Replica
import SyncCore

/// `ntm verify`: checks that the database is sound and agrees with itself (its log, held dots, row
/// states and conflicts). Not the district's verification of a criterion: that is `ntm verification`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: Interface.pick(
            "Kiểm tra cơ sở dữ liệu còn nguyên vẹn: nhật ký, trạng thái các hàng, xung đột.",
            "Check that the database is intact: its log, its rows' states, its conflicts."),
        discussion: Interface.pick(
            "Kết thúc với mã 0 khi không có lỗi, mã 1 khi có: mỗi lỗi một dòng, rồi một dòng tổng kết.",
            "Exits 0 when the database is intact, 1 otherwise: one line per problem, then a summary line."))

    @OptionGroup var options: SharedOptions<ShowDatabase>

    func run() throws {
        let report = try options.openDatabase().store.verifyIntegrity()
        let language = options.language
        let counts = language.pick(
            "\(report.operations) thao tác của \(report.origins) bản sao, \(report.rows) hàng, \(report.conflicts) xung đột đang mở",
            [
                Language.english(report.operations, "operation") + " from "
                    + Language.english(report.origins, "replica"),
                Language.english(report.rows, "row"), Language.english(report.conflicts, "open conflict"),
            ].joined(separator: ", "))
        if report.isClean {
            say(language.pick("Cơ sở dữ liệu nguyên vẹn: \(counts).", "Database intact: \(counts)."))
            return
        }
        for problem in report.problems { say(problem.message(language)) }
        say(
            language.pick(
                "Cơ sở dữ liệu có \(report.problems.count) lỗi (đã kiểm tra \(counts)).",
                "\(Language.english(report.problems.count, "problem")) found (checked \(counts))."))
        throw ExitCode(1)
    }
}
