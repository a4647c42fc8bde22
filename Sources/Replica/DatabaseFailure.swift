import GRDB

/// What went wrong in SQLite, as far as a person can act on it: the application turns a case into a
/// sentence in the user's language without knowing the database library.
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

    /// The failure in English.
    public var description: String {
        switch self {
        case .busy: return "the database is busy (another ntm command is writing); try again"
        case .notADatabase: return "the file is not an SQLite database"
        case .corrupt: return "the database file is damaged"
        case .cannotOpen: return "cannot open the database file (no such folder, or no permission)"
        case .readOnly: return "cannot write to the database: the file is read-only"
        case .diskFull: return "the disk is full; nothing was written"
        case .inputOutput: return "a disk input/output error"
        case .other(let detail): return "database error: \(detail)"
        }
    }
}
