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

    public static func < (lhs: FieldKey, rhs: FieldKey) -> Bool {
        (lhs.table, lhs.row, lhs.column) < (rhs.table, rhs.row, rhs.column)
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

    public static func < (lhs: RowKey, rhs: RowKey) -> Bool { (lhs.table, lhs.row) < (rhs.table, rhs.row) }
}

/// The name of the tombstone column: writing `true` deletes the row, `false` restores it.
public let tombstoneColumn = "_deleted"
