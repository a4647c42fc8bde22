import GRDB
import GRDBSQLite
import SyncCore

/// A prepared statement driven through the SQLite C API, for the paths that run once per operation.
///
/// GRDB prepares and finalizes it; this wrapper binds, steps and resets without building
/// `StatementArguments`, which matters at a million operations. Use it only inside the database
/// access closure that created it.
///
/// The statement comes from the connection's cache: a hub's every push batch is a transaction with an
/// applier of its own, and preparing its statements anew (the 32-row insert has 352 parameters) cost
/// about 6,000 instructions per operation of a district night. Two wrappers of the same SQL share one
/// statement, which is safe because every use binds all its parameters, then runs and resets at once.
final class SQLiteStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer

    init(_ db: Database, _ sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection!
        // A use that threw mid-way may have left it stepped or bound: it starts afresh here.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// The statement stays in the connection's cache: it is reset, so that one dropped in the middle of
    /// its rows (an export that failed) does not keep a read snapshot open, and its bindings cleared,
    /// so that none points into memory freed with its operations.
    deinit {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ text: String) {
        var copy = text
        copy.withUTF8 { buffer in
            if buffer.isEmpty {
                _ = sqlite3_bind_text(handle, index, "", 0, SQLiteStatement.transient)
            } else {
                _ = buffer.withMemoryRebound(to: CChar.self) {
                    sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), SQLiteStatement.transient)
                }
            }
        }
    }

    func bind(_ index: Int32, text: String?) {
        if let text { bind(index, text) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, bytes: [UInt8]) {
        if bytes.isEmpty {
            _ = sqlite3_bind_text(handle, index, "", 0, SQLiteStatement.transient)
            return
        }
        bytes.withUnsafeBufferPointer { buffer in
            _ = buffer.withMemoryRebound(to: CChar.self) {
                sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), SQLiteStatement.transient)
            }
        }
    }

    func bind(_ index: Int32, _ number: Int64) { sqlite3_bind_int64(handle, index, number) }

    private static let staticText = unsafeBitCast(0, to: sqlite3_destructor_type.self)

    /// Binds text SQLite reads in place, not copied: the bytes must stay where they are, unchanged,
    /// until the statement has run and every parameter was bound anew.
    func bind(_ index: Int32, text span: LogTextSpan, in texts: LogTexts) {
        texts.pointer(span).withMemoryRebound(to: CChar.self, capacity: Int(span.count)) {
            _ = sqlite3_bind_text(handle, index, $0, span.count, SQLiteStatement.staticText)
        }
    }

    func bind(_ index: Int32, _ value: FieldValue?) {
        switch value {
        case nil, .null?: sqlite3_bind_null(handle, index)
        case .bool(let flag)?: sqlite3_bind_int64(handle, index, flag ? 1 : 0)
        case .int(let number)?: sqlite3_bind_int64(handle, index, number)
        case .double(let number)?: sqlite3_bind_double(handle, index, number)
        case .text(let text)?: bind(index, text)
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    /// Steps once: true when a row is available.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw failure(code) }
        return false
    }

    func reset() { sqlite3_reset(handle) }

    func columnText(_ index: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func columnBytes(_ index: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let pointer = sqlite3_column_text(handle, index) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, index)))
    }

    func columnInt(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    func columnIsNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    private func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)),
            sql: statement.sql)
    }
}
