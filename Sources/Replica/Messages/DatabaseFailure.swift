import GRDB
import SyncCore

/// What went wrong in SQLite, as far as a person can act on it, worded in Vietnamese and English
/// without the application knowing the database library.
///
/// ```swift
/// if let failure = DatabaseFailure(error) { print(failure) }
/// ```
public enum DatabaseFailure: Sendable, Hashable, CustomStringConvertible {
    /// Another connection holds the database (`SQLITE_BUSY`, `SQLITE_LOCKED`): another command is writing.
    case busy
    /// The file is not an SQLite database (`SQLITE_NOTADB`): a wrong path.
    case notADatabase
    /// The file is damaged (`SQLITE_CORRUPT`).
    case corrupt
    /// The file cannot be opened (`SQLITE_CANTOPEN`): no such folder, or no permission.
    case cannotOpen
    /// The file is read-only (`SQLITE_READONLY`).
    case readOnly
    /// The disk is full (`SQLITE_FULL`).
    case diskFull
    /// A disk input/output error (`SQLITE_IOERR`).
    case inputOutput
    /// Any other SQLite error, with SQLite's own words (its message, or its result code).
    case other(String)

    /// The failure `error` is, when it is an SQLite error; nil for any other error.
    public init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy
        case .SQLITE_NOTADB: self = .notADatabase
        case .SQLITE_CORRUPT: self = .corrupt
        case .SQLITE_CANTOPEN: self = .cannotOpen
        case .SQLITE_READONLY: self = .readOnly
        case .SQLITE_FULL: self = .diskFull
        case .SQLITE_IOERR: self = .inputOutput
        default: self = .other(error.message ?? "\(error.resultCode)")
        }
    }

    /// The failure in English (``message(_:)`` words it in either language).
    public var description: String { message(.en) }

    /// SQLite's errors a person meets (another command writing, a wrong --db, a damaged or read-only
    /// file, a full disk), in the language; the others are shown with SQLite's own words.
    public func message(_ language: Language) -> String {
        switch self {
        case .busy:
            return language.pick(
                "cơ sở dữ liệu đang bận (một lệnh ntm khác đang ghi); thử lại sau",
                "the database is busy (another ntm command is writing); try again")
        case .notADatabase:
            return language.pick(
                "tệp này không phải là cơ sở dữ liệu (SQLite) của ntm; kiểm tra --db hoặc NTM_DB",
                "the file is not an ntm (SQLite) database; check --db or NTM_DB")
        case .corrupt:
            return language.pick(
                "tệp cơ sở dữ liệu bị hỏng; dùng bản sao lưu (ntm hub backup) hoặc nhận lại từ máy chủ huyện",
                "the database file is damaged; use a backup (ntm hub backup) or sync it again from the district hub")
        case .cannotOpen:
            return language.pick(
                "không mở được tệp cơ sở dữ liệu (thư mục không có hoặc không có quyền)",
                "cannot open the database file (no such folder, or no permission)")
        case .readOnly:
            return language.pick(
                "không ghi được vào cơ sở dữ liệu: tệp chỉ cho đọc",
                "cannot write to the database: the file is read-only")
        case .diskFull:
            return language.pick("ổ đĩa đã đầy; không ghi gì", "the disk is full; nothing was written")
        case .inputOutput:
            return language.pick("lỗi đọc ghi ổ đĩa", "a disk input/output error")
        case .other(let detail):
            return language.pick("lỗi cơ sở dữ liệu: \(detail)", "database error: \(detail)")
        }
    }
}
