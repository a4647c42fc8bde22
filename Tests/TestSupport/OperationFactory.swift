import SyncCore

/// An in-memory replica of the pure core: rows of field states, with the same write rule the SQLite
/// replica uses. The law tests use it as many independent replicas.
public struct MemoryReplica: Sendable {
    /// The replica id.
    public let id: String
    /// The rows.
    public private(set) var rows: [RowKey: RowState] = [:]
    /// The dots applied.
    public private(set) var held: Set<Dot> = []
    private var counter: UInt64 = 0

    /// Creates an empty replica.
    public init(id: String) { self.id = id }

    /// Applies a received operation; duplicates are skipped by dot.
    public mutating func apply(_ op: SyncOperation) {
        guard held.insert(op.dot).inserted else { return }
        rows[op.key.rowKey, default: RowState()].apply(op)
    }

    /// Writes a value locally and returns the operation.
    public mutating func write(table: String = "t", row: String, column: String, value: FieldValue, wallMs: Int64 = 0)
        -> SyncOperation
    {
        counter += 1
        let key = FieldKey(table: table, row: row, column: column)
        let context = rows[key.rowKey, default: RowState()].context(forWriting: column)
        let op = SyncOperation(
            dot: Dot(origin: id, seq: counter), key: key, value: value, context: context, author: id, wallMs: wallMs)
        apply(op)
        return op
    }

    /// A canonical text of the whole state, for equality across replicas.
    public var fingerprint: String {
        rows.keys.sorted().map { key in "\(key.table)/\(key.row)=\(rows[key]!.storedJSON)" }.joined(separator: "\n")
    }
}
