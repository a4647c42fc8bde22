import SyncCore

/// One thing wrong in a replica's database, naming exactly what.
public enum IntegrityProblem: Sendable, Hashable, CustomStringConvertible {
    /// A line of SQLite's `PRAGMA integrity_check` other than `ok` (a damaged file).
    case sqlite(String)
    /// The `holdings` row of an origin is not the stored form (`[[first,last],…]`).
    case unreadableHoldings(origin: String, reason: String)
    /// `holdings` says these operations are held but the log lacks them: they were deleted.
    case operationsMissingFromLog(origin: String, seqs: ClosedRange<UInt64>)
    /// The operation's `prev` is not the hash of its origin's previous operation as held here: one of
    /// the two was changed after it was written.
    case brokenChain(dot: Dot, previous: Dot)
    /// The operation names no previous operation although its origin's previous one is chained: its
    /// `prev` was removed.
    case chainCut(dot: Dot)
    /// The log holds these operations but `holdings` does not list them.
    case operationsNotInHoldings(origin: String, seqs: ClosedRange<UInt64>)
    /// A log row that cannot be read back as an operation (its row's state is then not compared).
    case unreadableOperation(position: Int64, dot: Dot, reason: String)
    /// A `row_state` value that is not the stored form of a row state.
    case unreadableRowState(table: String, row: String, reason: String)
    /// A column of a stored row state differs from what replaying the log gives.
    case rowStateDiffers(table: String, row: String, column: String, difference: FieldDifference)
    /// A row has a stored state but no operation in the log wrote it.
    case rowStateWithoutOperations(table: String, row: String)
    /// The log writes a row that has no stored state.
    case operationsWithoutRowState(table: String, row: String, operations: Int)
    /// The stored row state shows this open conflict but the `conflict` table lacks it.
    case conflictMissing(table: String, row: String, column: String, kind: Conflict.Kind)
    /// The `conflict` table lists a conflict the stored row state does not show (`kind` as stored).
    case conflictNotInRowState(table: String, row: String, column: String, kind: String)
    /// A file held whole whose stored chunks no longer make its SHA-256 (they were altered).
    case damagedFile(sha256: String)

    /// The problem in English (``message(_:)`` words it in either language).
    public var description: String { message(.en) }

    /// The problem as one line in a language, for `ntm verify`.
    public func message(_ language: Language) -> String {
        switch self {
        case .sqlite(let line):
            return language.pick("Kiểm tra của SQLite: \(line)", "SQLite integrity check: \(line)")
        case .unreadableHoldings(let origin, let reason):
            return language.pick(
                "Không đọc được danh sách thao tác đã có của \(origin): \(reason)",
                "the held dots of \(origin) cannot be read: \(reason)")
        case .operationsMissingFromLog(let origin, let seqs) where seqs.count == 1:
            return language.pick(
                "Thao tác \(origin):\(seqs.lowerBound) có trong danh sách đã có nhưng không còn trong nhật ký (đã bị xóa)",
                "operation \(origin):\(seqs.lowerBound) is held but missing from the log (deleted)")
        case .operationsMissingFromLog(let origin, let seqs):
            return language.pick(
                "Các thao tác \(Self.dots(origin, seqs)) có trong danh sách đã có nhưng không còn trong nhật ký (đã bị xóa)",
                "operations \(Self.dots(origin, seqs)) are held but missing from the log (deleted)")
        case .operationsNotInHoldings(let origin, let seqs) where seqs.count == 1:
            return language.pick(
                "Thao tác \(origin):\(seqs.lowerBound) có trong nhật ký nhưng không có trong danh sách đã có",
                "operation \(origin):\(seqs.lowerBound) is in the log but not in the held dots")
        case .operationsNotInHoldings(let origin, let seqs):
            return language.pick(
                "Các thao tác \(Self.dots(origin, seqs)) có trong nhật ký nhưng không có trong danh sách đã có",
                "operations \(Self.dots(origin, seqs)) are in the log but not in the held dots")
        case .unreadableOperation(let position, let dot, let reason):
            return language.pick(
                "Không đọc được thao tác \(dot) ở vị trí \(position) của nhật ký: \(reason)",
                "operation \(dot) at log position \(position) cannot be read: \(reason)")
        case .brokenChain(let dot, let previous):
            return language.pick(
                "Thao tác \(dot) không nối tiếp \(previous) như đang lưu ở đây (mã băm prev khác): một trong hai thao tác đã bị sửa",
                "operation \(dot) does not follow \(previous) as held here (its prev is another hash): one of the two was changed"
            )
        case .chainCut(let dot):
            return language.pick(
                "Thao tác \(dot) không ghi mã băm của thao tác trước dù chuỗi đã bắt đầu: trường prev đã bị xóa",
                "operation \(dot) names no previous operation although its origin's chain had begun: its prev was removed"
            )
        case .unreadableRowState(let table, let row, let reason):
            return language.pick(
                "Không đọc được trạng thái đã lưu của hàng \(table) \(row): \(reason)",
                "the stored state of row \(table) \(row) cannot be read: \(reason)")
        case .rowStateDiffers(let table, let row, let column, let difference):
            return language.pick(
                "Hàng \(table) \(row), cột \(column): \(difference.message(.vi))",
                "row \(table) \(row), column \(column): \(difference.message(.en))")
        case .rowStateWithoutOperations(let table, let row):
            return language.pick(
                "Hàng \(table) \(row) có trạng thái đã lưu nhưng không có thao tác nào trong nhật ký",
                "row \(table) \(row) has a stored state but no operation in the log")
        case .operationsWithoutRowState(let table, let row, let operations):
            return language.pick(
                "Hàng \(table) \(row) có \(operations) thao tác trong nhật ký nhưng không có trạng thái đã lưu",
                "row \(table) \(row) has \(Language.english(operations, "operation")) in the log but no stored state")
        case .conflictMissing(let table, let row, let column, let kind):
            return language.pick(
                "Hàng \(table) \(row), cột \(column): trạng thái có xung đột \(Self.conflictKind(kind.rawValue)) nhưng bảng xung đột không ghi",
                "row \(table) \(row), column \(column): the \(kind.rawValue) conflict of its state is not listed")
        case .conflictNotInRowState(let table, let row, let column, let kind):
            return language.pick(
                "Hàng \(table) \(row), cột \(column): bảng xung đột ghi một xung đột \(Self.conflictKind(kind)) mà trạng thái không có",
                "row \(table) \(row), column \(column): a \(kind) conflict is listed that its state does not show")
        case .damagedFile(let sha256):
            return language.pick(
                "Tệp \(sha256) lưu trong cơ sở dữ liệu bị hỏng: nội dung các phần của nó không còn khớp mã SHA-256",
                "the stored file \(sha256) is damaged: its chunks no longer make its SHA-256")
        }
    }

    /// A conflict kind in Vietnamese (an unknown stored kind is shown as stored).
    private static func conflictKind(_ kind: String) -> String {
        switch Conflict.Kind(rawValue: kind) {
        case .value: return "giá trị"
        case .editDelete: return "sửa trong khi bản ghi bị xóa"
        case nil: return "\"\(kind)\""
        }
    }

    /// `origin:first–last (n)`.
    static func dots(_ origin: String, _ seqs: ClosedRange<UInt64>) -> String {
        "\(origin):\(seqs.lowerBound)–\(seqs.upperBound) (\(seqs.count))"
    }
}

/// How one column of a stored row state differs from the replayed log.
public enum FieldDifference: Sendable, Hashable, CustomStringConvertible {
    /// The log writes the column; the stored state lacks it.
    case missingFromRowState
    /// The stored state has the column; no logged operation writes it.
    case notInLog
    /// The values kept (siblings) are other writes: the stored dots, and those the log gives.
    case siblings(stored: [Dot], replayed: [Dot])
    /// The same writes are kept, but these hold another value or wall time than the log's.
    case values([Dot])
    /// The same values are kept, but the version vectors differ.
    case vector(stored: VersionVector, replayed: VersionVector)

    /// The difference in English (``message(_:)`` words it in either language).
    public var description: String { message(.en) }

    /// The difference in a language.
    public func message(_ language: Language) -> String {
        switch self {
        case .missingFromRowState:
            return language.pick(
                "nhật ký có ghi cột này nhưng trạng thái đã lưu không có",
                "the log writes it but the stored state lacks it")
        case .notInLog:
            return language.pick(
                "trạng thái đã lưu có cột này nhưng không thao tác nào trong nhật ký ghi nó",
                "the stored state has it but no operation in the log writes it")
        case .siblings(let stored, let replayed):
            return language.pick(
                "trạng thái đã lưu giữ \(Self.list(stored, .vi)) trong khi nhật ký cho \(Self.list(replayed, .vi))",
                "the stored state keeps \(Self.list(stored)) where the log gives \(Self.list(replayed))")
        case .values(let dots):
            return language.pick(
                "giá trị đã lưu của \(Self.list(dots, .vi)) khác với nhật ký",
                "the stored value of \(Self.list(dots)) differs from the log's")
        case .vector(let stored, let replayed):
            return language.pick(
                "véc-tơ phiên bản đã lưu là \(Self.text(stored)) trong khi nhật ký cho \(Self.text(replayed))",
                "the stored version vector is \(Self.text(stored)) where the log gives \(Self.text(replayed))")
        }
    }

    /// Dots as `a:1, b:2`, or `nothing` (`không gì`).
    public static func list(_ dots: [Dot], _ language: Language = .en) -> String {
        dots.isEmpty ? language.pick("không gì", "nothing") : dots.map(\.description).joined(separator: ", ")
    }

    /// A vector as `{a:3, b:1}`.
    public static func text(_ vector: VersionVector) -> String {
        "{" + vector.entries.map { "\($0.replica):\($0.seq)" }.joined(separator: ", ") + "}"
    }
}
