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
        let l = options.language
        let counts = l.pick(
            "\(report.operations) thao tác của \(report.origins) bản sao, \(report.rows) hàng, \(report.conflicts) xung đột đang mở",
            [
                Self.count(report.operations, "operation") + " from " + Self.count(report.origins, "replica"),
                Self.count(report.rows, "row"), Self.count(report.conflicts, "open conflict"),
            ].joined(separator: ", "))
        if report.isClean {
            say(l.pick("Cơ sở dữ liệu nguyên vẹn: \(counts).", "Database intact: \(counts)."))
            return
        }
        for problem in report.problems { say(Self.describe(problem, l)) }
        say(
            l.pick(
                "Cơ sở dữ liệu có \(report.problems.count) lỗi (đã kiểm tra \(counts)).",
                "\(Self.count(report.problems.count, "problem")) found (checked \(counts))."))
        throw ExitCode(1)
    }

    /// `1 row`, `2 rows`.
    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    /// One problem as one line, in the chosen language.
    static func describe(_ problem: IntegrityProblem, _ l: Language) -> String {
        guard l == .vi else { return problem.description }
        switch problem {
        case .sqlite(let line):
            return "Kiểm tra của SQLite: \(line)"
        case .unreadableHoldings(let origin, let reason):
            return "Không đọc được danh sách thao tác đã có của \(origin): \(reason)"
        case .operationsMissingFromLog(let origin, let seqs):
            return seqs.count == 1
                ? "Thao tác \(origin):\(seqs.lowerBound) có trong danh sách đã có nhưng không còn trong nhật ký (đã bị xóa)"
                : "Các thao tác \(dots(origin, seqs)) có trong danh sách đã có nhưng không còn trong nhật ký (đã bị xóa)"
        case .operationsNotInHoldings(let origin, let seqs):
            return seqs.count == 1
                ? "Thao tác \(origin):\(seqs.lowerBound) có trong nhật ký nhưng không có trong danh sách đã có"
                : "Các thao tác \(dots(origin, seqs)) có trong nhật ký nhưng không có trong danh sách đã có"
        case .unreadableOperation(let position, let dot, let reason):
            return "Không đọc được thao tác \(dot) ở vị trí \(position) của nhật ký: \(reason)"
        case .brokenChain(let dot, let previous):
            return
                "Thao tác \(dot) không nối tiếp \(previous) như đang lưu ở đây (mã băm prev khác): một trong hai thao tác đã bị sửa"
        case .chainCut(let dot):
            return "Thao tác \(dot) không ghi mã băm của thao tác trước dù chuỗi đã bắt đầu: trường prev đã bị xóa"
        case .unreadableRowState(let table, let row, let reason):
            return "Không đọc được trạng thái đã lưu của hàng \(table) \(row): \(reason)"
        case .rowStateDiffers(let table, let row, let column, let difference):
            return "Hàng \(table) \(row), cột \(column): \(describe(difference))"
        case .rowStateWithoutOperations(let table, let row):
            return "Hàng \(table) \(row) có trạng thái đã lưu nhưng không có thao tác nào trong nhật ký"
        case .operationsWithoutRowState(let table, let row, let operations):
            return "Hàng \(table) \(row) có \(operations) thao tác trong nhật ký nhưng không có trạng thái đã lưu"
        case .conflictMissing(let table, let row, let column, let kind):
            return
                "Hàng \(table) \(row), cột \(column): trạng thái có xung đột \(name(kind.rawValue)) nhưng bảng xung đột không ghi"
        case .conflictNotInRowState(let table, let row, let column, let kind):
            return
                "Hàng \(table) \(row), cột \(column): bảng xung đột ghi một xung đột \(name(kind)) mà trạng thái không có"
        }
    }

    private static func describe(_ difference: FieldDifference) -> String {
        switch difference {
        case .missingFromRowState:
            return "nhật ký có ghi cột này nhưng trạng thái đã lưu không có"
        case .notInLog:
            return "trạng thái đã lưu có cột này nhưng không thao tác nào trong nhật ký ghi nó"
        case .siblings(let stored, let replayed):
            return "trạng thái đã lưu giữ \(list(stored)) trong khi nhật ký cho \(list(replayed))"
        case .values(let dots):
            return "giá trị đã lưu của \(list(dots)) khác với nhật ký"
        case .vector(let stored, let replayed):
            return
                "véc-tơ phiên bản đã lưu là \(FieldDifference.text(stored)) trong khi nhật ký cho \(FieldDifference.text(replayed))"
        }
    }

    private static func list(_ dots: [Dot]) -> String {
        dots.isEmpty ? "không gì" : dots.map(\.description).joined(separator: ", ")
    }

    private static func dots(_ origin: String, _ seqs: ClosedRange<UInt64>) -> String {
        "\(origin):\(seqs.lowerBound)–\(seqs.upperBound) (\(seqs.count))"
    }

    /// A conflict kind in Vietnamese (an unknown stored kind is shown as stored).
    private static func name(_ kind: String) -> String {
        switch Conflict.Kind(rawValue: kind) {
        case .value: return "giá trị"
        case .editDelete: return "sửa trong khi bản ghi bị xóa"
        case nil: return "\"\(kind)\""
        }
    }
}
