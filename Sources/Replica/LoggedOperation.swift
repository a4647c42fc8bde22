import GRDB
import SyncCore

/// An operation as read back from the log, with its local arrival position.
public struct LoggedOperation: Sendable, Hashable {
    /// The position in this replica's log (arrival order; local, not replicated).
    public var position: Int64
    /// The operation.
    public var operation: SyncOperation
}

extension LoggedOperation {
    static let columns = "pos, origin, seq, tbl, row, col, value, context, author, wall_ms, note, prev"

    /// Reads a row selected with ``columns``, by position (a lookup by name costs a lower-casing per
    /// column and row).
    init(row: Row) throws {
        let valueText: String = row[6]
        let contextText: String = row[7]
        guard let value = FieldValue(json: try JSONParser.parse(valueText)) else {
            throw JSONParseError("logged value is not a scalar", at: 0)
        }
        var context = VersionVector()
        for (replica, seq) in try JSONParser.parse(contextText).object?.members ?? [] {
            context.raise(replica, to: UInt64(seq.int ?? 0))
        }
        position = row[0]
        operation = SyncOperation(
            dot: Dot(origin: row[1], seq: UInt64(row[2] as Int64)),
            key: FieldKey(table: row[3], row: row[4], column: row[5]), value: value, context: context,
            author: row[8], wallMs: row[9], note: row[10], prev: (row[11] as String?).flatMap(Hex.bytes))
    }
}

/// One entry of a field's history: a write and the values it replaced (what its writer saw).
public struct HistoryEntry: Sendable, Hashable {
    /// The write.
    public var operation: LoggedOperation
    /// The writes it replaced: those its context covers that no other covered write had replaced.
    /// Empty for a first write; several when it resolved a conflict.
    public var replaced: [SyncOperation]
}

/// An open conflict with the competing values and who wrote them.
public struct ConflictRecord: Sendable, Hashable {
    /// The field in conflict.
    public var key: FieldKey
    /// The kind of conflict.
    public var kind: Conflict.Kind
    /// The competing writes, in display order (the first is the provisional value). For an
    /// edit-delete conflict: the delete first, then the edits it did not see.
    public var values: [SyncOperation]
    /// When the last of the competing writes arrived here, by this replica's clock (milliseconds since
    /// 1970): since when the conflict has been open on this replica.
    public var openSinceMs: Int64
    /// Every write to the field (the column) seen here.
    public var vector: VersionVector

    /// The dots of the competing writes, in display order.
    public var dots: [Dot] { values.map(\.dot) }
}
