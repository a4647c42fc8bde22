import SyncCore

/// A failure a person can cause and act on, from opening a replica or importing a bundle.
///
/// Each case carries what the message needs; ``message(_:)`` words it in Vietnamese or English, side by
/// side, and ``description`` is the English sentence.
public enum ReplicaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No replica database at the path.
    case missingDatabase(path: String)
    /// A replica already exists at the path.
    case alreadyExists(path: String)
    /// The file is not a replica database (or is damaged).
    case notAReplica(path: String, reason: String)
    /// The database was written by a newer version of the program.
    case newerFormat(path: String, found: Int, supported: Int)
    /// The replica id is not acceptable.
    case invalidReplicaID(String)
    /// A bundle was refused; nothing was changed.
    case bundle(BundleError)
    /// A bundle's operations were imported (`imported` says what came in) but its file section stopped
    /// early; every chunk checked before the problem is kept.
    case bundleFiles(BundleFileError, imported: BundleStats)
    /// A hub refused a bundle's operations whole: one of them contradicts its writer's signature or
    /// the hub's history (`protocol/PROTOCOL.md` §14); nothing was changed.
    case ingest(IngestError)
    /// A write names a row that does not exist, or was deleted.
    case noSuchRow(table: String, row: String)
    /// A local write would make an operation other replicas refuse (too long an author, a bad row id…).
    case invalidWrite(String)
    /// A decision names a conflict that is no longer open (someone resolved it, here or elsewhere).
    case conflictNotOpen(table: String, row: String, column: String, kind: Conflict.Kind)
    /// A decision was made on competing values that changed since (a new value arrived).
    case conflictChanged(table: String, row: String, column: String, kind: Conflict.Kind)
    /// Decisions written together disagree on one row: one keeps it and another deletes it, or two
    /// give a column different values.
    case contradictoryDecisions(table: String, row: String)
    /// A value was decided on a deleted row whose deletion is itself in conflict: decide that first.
    case deletionDisputed(table: String, row: String)
    /// A fork cannot be recovered under this replica id: it is the old one, or this database already
    /// holds operations written under it.
    case replicaIDInUse(String)

    /// The sentence in English (``message(_:)`` words it in either language).
    public var description: String { message(.en) }
}

extension ReplicaError {
    /// The sentence in the given language.
    public func message(_ language: Language) -> String {
        switch self {
        case .missingDatabase(let path):
            return language.pick(
                "không có cơ sở dữ liệu tại \(path); tạo mới bằng: ntm init --replica MÃ --commune XÃ (hoặc chỉ --db / NTM_DB)",
                "no replica database at \(path); create one with: ntm init --replica ID --commune SLUG (or point --db / NTM_DB at it)"
            )
        case .alreadyExists(let path):
            return language.pick(
                "đã có cơ sở dữ liệu tại \(path); không ghi đè",
                "a replica database already exists at \(path); not overwriting it")
        case .notAReplica(let path, let reason):
            let reason = SystemText.reason(reason, language)
            return language.pick(
                "\(path) không phải cơ sở dữ liệu ntm (\(reason))", "\(path) is not an ntm replica database (\(reason))"
            )
        case .newerFormat(let path, let found, let supported):
            return language.pick(
                "\(path) do phiên bản ntm mới hơn tạo (định dạng \(found)); bản này chỉ đọc được định dạng \(supported): hãy cập nhật ntm",
                "\(path) was written by a newer ntm (format \(found)); this ntm reads format \(supported): upgrade ntm")
        case .invalidReplicaID(let id):
            return language.pick(
                "mã bản sao \"\(id)\" không hợp lệ; dùng 1–64 ký tự a-z, 0-9, '.', '_', '-', ví dụ: xa-dan-ly-1",
                "invalid replica id \"\(id)\"; use 1-64 of a-z, 0-9, '.', '_', '-', e.g. xa-dan-ly-1")
        case .noSuchRow(let table, let row):
            return language.pick("không có bản ghi \(row) trong \(table)", "no row \(row) in \(table)")
        case .invalidWrite(let reason):
            return language.pick("không ghi được thay đổi này: \(reason)", "this change cannot be written: \(reason)")
        case .conflictNotOpen(let table, let row, let column, _):
            return language.pick(
                "xung đột ở \(table) \(row) \(column) không còn mở (đã có người giải quyết); không ghi gì, xem lại: ntm conflicts",
                "the conflict on \(table) \(row) \(column) is no longer open (someone resolved it); nothing was written, see: ntm conflicts"
            )
        case .conflictChanged(let table, let row, let column, _):
            return language.pick(
                "xung đột ở \(table) \(row) \(column) vừa có giá trị mới đến; không ghi gì, xem lại: ntm conflicts",
                "the conflict on \(table) \(row) \(column) has a new value since; nothing was written, see: ntm conflicts"
            )
        case .contradictoryDecisions(let table, let row):
            return language.pick(
                "các quyết định cho cùng bản ghi \(row) (\(table)) mâu thuẫn nhau (một giữ, một xóa, hoặc hai giá trị cho một trường); không ghi gì, hãy quyết định từng xung đột: ntm conflicts show MÃ",
                "the decisions on record \(row) (\(table)) disagree (one keeps it, another deletes it, or two values for one field); nothing was written, decide them one at a time: ntm conflicts show ID"
            )
        case .deletionDisputed(let table, let row):
            return language.pick(
                "bản ghi \(row) (\(table)) đã bị xóa và chính việc xóa đang có xung đột: hãy quyết định việc xóa trước; không ghi gì",
                "record \(row) (\(table)) is deleted and its deletion is itself in conflict: decide the deletion first; nothing was written"
            )
        case .replicaIDInUse(let id):
            return language.pick(
                "mã bản sao \(id) đã từng ghi trong cơ sở dữ liệu này: cần một mã chưa từng dùng; không thay đổi gì",
                "replica id \(id) has already written in this database: use an id never used before; nothing was changed"
            )
        case .bundle(let error): return error.message(language)
        case .bundleFiles(let error, _): return error.message(language)
        case .ingest(let error):
            let dot = error.dot
            switch error.kind {
            case .badSignature:
                return language.pick(
                    "gói bị từ chối, không nhập gì: phần việc của máy \(dot.origin) trong gói không khớp chữ ký của máy đó (bị sửa, bị bỏ bớt hoặc ký bằng khóa khác), ở thao tác \(dot)",
                    "the bundle was refused, nothing imported: the work of \(dot.origin) in it does not match that replica's signature (changed, cut short or signed with another key), at operation \(dot)"
                )
            case .fork:
                return language.pick(
                    "gói bị từ chối, không nhập gì: máy \(dot.origin) có hai lịch sử khác nhau từ thao tác \(dot) (một cơ sở dữ liệu bị sao chép); máy đó cần khôi phục: ntm replica fork-recover",
                    "the bundle was refused, nothing imported: replica \(dot.origin) has two different histories from operation \(dot) (a copied database); that replica must recover: ntm replica fork-recover"
                )
            case .hubOwn:
                return language.pick(
                    "gói bị từ chối, không nhập gì: thao tác \(dot) mang mã của chính máy chủ huyện",
                    "the bundle was refused, nothing imported: operation \(dot) carries the hub's own replica id")
            case .gap, .badValue, .brokenChain, .heldNeither:
                return language.pick(
                    "gói bị từ chối, không nhập gì: thao tác \(dot) không hợp lệ hoặc không nối đúng chuỗi thao tác của máy \(dot.origin) (\(error.detail))",
                    "the bundle was refused, nothing imported: \(error.detail)")
            }
        }
    }
}
