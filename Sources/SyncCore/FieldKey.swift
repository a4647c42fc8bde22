#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The unit of replication: one column of one row of one table.
public struct FieldKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The table name (`[a-z_][a-z0-9_]*`).
    public var table: String
    /// The row's stable text key, such as `dan-ly/qd1980-2016/17.1`.
    public var row: String
    /// The column name (`[a-z_][a-z0-9_]*`); `_deleted` is the row's tombstone.
    public var column: String

    /// Creates a field key.
    public init(table: String, row: String, column: String) {
        self.table = table
        self.row = row
        self.column = column
    }

    /// The row this field belongs to.
    public var rowKey: RowKey { RowKey(table: table, row: row) }

    /// Byte-wise order (as SQLite's BINARY collation), not Swift's Unicode-aware order.
    public static func < (lhs: FieldKey, rhs: FieldKey) -> Bool {
        if !bytesEqual(lhs.table, rhs.table) { return bytesLess(lhs.table, rhs.table) }
        if !bytesEqual(lhs.row, rhs.row) { return bytesLess(lhs.row, rhs.row) }
        return bytesLess(lhs.column, rhs.column)
    }

    /// Byte-wise equality: two row ids that are canonically equivalent but encoded differently are
    /// different rows, as they are in SQLite.
    public static func == (lhs: FieldKey, rhs: FieldKey) -> Bool {
        bytesEqual(lhs.table, rhs.table) && bytesEqual(lhs.row, rhs.row) && bytesEqual(lhs.column, rhs.column)
    }

    public func hash(into hasher: inout Hasher) {
        hashBytes(table, into: &hasher)
        hashBytes(row, into: &hasher)
        hashBytes(column, into: &hasher)
    }

    /// `table/row#column`.
    public var description: String { "\(table)/\(row)#\(column)" }
}

/// One row of one table.
public struct RowKey: Hashable, Comparable, Sendable {
    /// The table name.
    public var table: String
    /// The row's stable text key.
    public var row: String

    /// Creates a row key.
    public init(table: String, row: String) {
        self.table = table
        self.row = row
    }

    /// Byte-wise order.
    public static func < (lhs: RowKey, rhs: RowKey) -> Bool {
        bytesEqual(lhs.table, rhs.table) ? bytesLess(lhs.row, rhs.row) : bytesLess(lhs.table, rhs.table)
    }

    /// Byte-wise equality.
    public static func == (lhs: RowKey, rhs: RowKey) -> Bool {
        bytesEqual(lhs.table, rhs.table) && bytesEqual(lhs.row, rhs.row)
    }

    public func hash(into hasher: inout Hasher) {
        hashBytes(table, into: &hasher)
        hashBytes(row, into: &hasher)
    }
}

/// The name of the tombstone column: writing `true` deletes the row, `false` restores it.
public let tombstoneColumn = "_deleted"

/// Whether two strings have the same UTF-8 bytes (Swift's `==` also equates canonically equivalent
/// strings, which SQLite and other implementations do not).
@inlinable
public func bytesEqual(_ lhs: String, _ rhs: String) -> Bool {
    guard lhs.utf8.count == rhs.utf8.count else { return false }
    if let equal = lhs.utf8.withContiguousStorageIfAvailable({ left in
        rhs.utf8.withContiguousStorageIfAvailable { right in
            left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
        }
    }), let equal {
        return equal
    }
    return lhs.utf8.elementsEqual(rhs.utf8)
}

/// Byte-wise order of two strings' UTF-8, as SQLite's BINARY collation.
@inlinable
public func bytesLess(_ lhs: String, _ rhs: String) -> Bool { lhs.utf8.lexicographicallyPrecedes(rhs.utf8) }

@usableFromInline
func hashBytes(_ text: String, into hasher: inout Hasher) {
    hasher.combine(text.utf8.count)
    let done: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    if done == nil { for byte in text.utf8 { hasher.combine(byte) } }
}
