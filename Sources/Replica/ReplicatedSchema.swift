import SyncCore

/// The tables an application replicates, so that the replica can keep readable SQL tables in step with
/// the replicated state (`docs/DESIGN.md` section 5).
///
/// The engine itself replicates any table and column; the schema only says which projections to keep.
/// Projections are derived data: when the schema's ``fingerprint`` changes, the replica drops and
/// rebuilds them from the stored row states.
public struct ReplicatedSchema: Sendable, Hashable {
    /// The compatibility tag written in bundle headers; a bundle with another tag is refused.
    public var tag: String
    /// The projected tables.
    public var tables: [ReplicatedTable]

    /// Creates a schema.
    public init(tag: String, tables: [ReplicatedTable]) {
        self.tag = tag
        self.tables = tables
    }

    /// The projected table named `name`.
    public func table(_ name: String) -> ReplicatedTable? { tables.first { $0.name == name } }

    /// A text that changes whenever a projection's shape changes.
    public var fingerprint: String {
        tables.map { table in
            "\(table.name)(\(table.keyColumns.joined(separator: ","));"
                + table.columns.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ",") + ")"
        }.joined(separator: " ")
    }
}

extension ReplicatedSchema {
    /// The declared type of `column` of `table`, when the schema declares one.
    public func type(of column: String, in table: String) -> ReplicatedColumn.ColumnType? {
        self.table(table)?.columns.first { $0.name == column }?.type
    }

    /// The canonical form of a value written to `column` of `table`: an integer written to a column
    /// declared real becomes that real (`100` → `100.0`), so that two writes of the same number are the
    /// same value (an integer never equals a real, `protocol/PROTOCOL.md` §4.3). Any other value is
    /// returned as it is.
    public func canonical(_ value: FieldValue, table: String, column: String) -> FieldValue {
        if case .int(let number) = value, type(of: column, in: table) == .real { return .double(Double(number)) }
        return value
    }

    /// Why an operation's value is not of its column's kind, or nil when it is: a column declared real
    /// takes a real number (written with a fraction or an exponent, `100.0`) or null, never an integer or
    /// anything else (`protocol/PROTOCOL.md` appendix B). Other columns are not checked.
    public func valueProblem(of op: SyncOperation) -> String? {
        guard type(of: op.key.column, in: op.key.table) == .real else { return nil }
        switch op.value {
        case .double, .null: return nil
        case .int(let number):
            return "\(op.key.table).\(op.key.column) is a real number: write \(number) as \(Double(number)), "
                + "never as the integer \(number), so that equal numbers are equal values"
        default:
            return "\(op.key.table).\(op.key.column) takes a real number or null, not \(op.value)"
        }
    }
}

/// One projected table: `id` (the row id), the key columns split from the id, then the replicated
/// columns, each holding the field's provisional value.
public struct ReplicatedTable: Sendable, Hashable {
    /// The table name, as in operations.
    public var name: String
    /// Columns filled from the row id split at `/`: a row `dan-ly/qd1980-2016/17.1` of a table with key
    /// columns `commune, criteria_set, indicator` fills those three.
    public var keyColumns: [String]
    /// The replicated columns.
    public var columns: [ReplicatedColumn]
    /// The columns that reference a file by its content, when the table's rows attach files: the file
    /// travels with the rows (`protocol/PROTOCOL.md` §13).
    public var file: FileColumns?

    /// Creates a table description.
    public init(name: String, keyColumns: [String], columns: [ReplicatedColumn], file: FileColumns? = nil) {
        self.name = name
        self.keyColumns = keyColumns
        self.columns = columns
        self.file = file
    }

    /// The `CREATE TABLE` statement of the projection.
    var createSQL: String {
        let key = keyColumns.map { "\(quoted($0)) TEXT NOT NULL" }
        let values = columns.map { "\(quoted($0.name)) \($0.type.sqlType)" }
        return "CREATE TABLE \(quoted(name)) (id TEXT PRIMARY KEY NOT NULL, \((key + values).joined(separator: ", ")))"
    }
}

/// The two columns through which a row references a file: its SHA-256 (64 lowercase hex digits) and
/// its size in bytes. A file is its content; its name, if any, is another column of the row.
public struct FileColumns: Sendable, Hashable {
    /// The column holding the file's SHA-256.
    public var sha256: String
    /// The column holding the file's size.
    public var size: String

    /// Names the columns.
    public init(sha256: String, size: String) {
        self.sha256 = sha256
        self.size = size
    }
}

/// A replicated column of a projected table.
public struct ReplicatedColumn: Sendable, Hashable {
    /// The SQL type the projection declares (values are stored as they are).
    public enum ColumnType: String, Sendable, Hashable {
        case text, integer, real, boolean

        var sqlType: String {
            switch self {
            case .text: return "TEXT"
            case .integer, .boolean: return "INTEGER"
            case .real: return "REAL"
            }
        }
    }

    /// The column name, as in operations.
    public var name: String
    /// Its type.
    public var type: ColumnType

    /// Creates a column description.
    public init(_ name: String, _ type: ColumnType) {
        self.name = name
        self.type = type
    }
}

/// An SQL identifier in double quotes, so that names such as `group` are safe.
func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
