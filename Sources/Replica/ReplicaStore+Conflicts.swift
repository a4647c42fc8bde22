import GRDB
import SyncCore

/// A person's decision on one open conflict, written as ordinary operations whose contexts cover
/// every competing write, so that the conflict closes on every replica that receives them.
public struct ConflictDecision: Sendable, Hashable {
    /// What the field (and, for an edit-delete conflict, the row) becomes.
    public enum Outcome: Sendable, Hashable {
        /// The column takes this value; a deleted row is restored.
        case value(FieldValue)
        /// The deletion stands (edit-delete conflicts only).
        case delete
    }

    /// The field in conflict.
    public var key: FieldKey
    /// The kind of conflict.
    public var kind: Conflict.Kind
    /// The competing writes the person saw; the decision is refused if they changed since.
    public var expected: [Dot]
    /// What the person decided.
    public var outcome: Outcome

    /// Creates a decision.
    public init(key: FieldKey, kind: Conflict.Kind, expected: [Dot], outcome: Outcome) {
        self.key = key
        self.kind = kind
        self.expected = expected
        self.outcome = outcome
    }
}

extension ReplicaStore {
    /// Every open conflict, sorted by table, row and column, with its competing writes.
    public func conflicts() throws -> [ConflictRecord] {
        try queue.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT tbl, row, col, kind FROM conflict ORDER BY tbl, row, col, kind")
            var records: [ConflictRecord] = []
            var states: [RowKey: RowState] = [:]
            for row in rows {
                let key = FieldKey(table: row["tbl"], row: row["row"], column: row["col"])
                guard let kind = Conflict.Kind(rawValue: row["kind"]) else { continue }
                if states[key.rowKey] == nil {
                    states[key.rowKey] = try Self.loadRowState(db, table: key.table, row: key.row) ?? RowState()
                }
                if let record = try Self.conflictRecord(db, key: key, kind: kind, state: states[key.rowKey]!) {
                    records.append(record)
                }
            }
            return records
        }
    }

    /// The open conflict of this kind on this field, or nil when it is not open (any more).
    public func conflict(_ key: FieldKey, kind: Conflict.Kind) throws -> ConflictRecord? {
        try queue.read { db in
            guard let state = try Self.loadRowState(db, table: key.table, row: key.row) else { return nil }
            return try Self.conflictRecord(db, key: key, kind: kind, state: state)
        }
    }

    /// What the field held before the competing writes of `conflict` (see
    /// ``SyncCore/SyncOperation/commonAncestors(of:in:)``): read from this replica's log.
    public func ancestors(of conflict: ConflictRecord) throws -> [SyncOperation] {
        let history = try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(LoggedOperation.columns) FROM oplog WHERE tbl = ? AND row = ? AND col = ?",
                arguments: [conflict.key.table, conflict.key.row, conflict.key.column]
            ).map { try LoggedOperation(row: $0).operation }
        }
        return SyncOperation.commonAncestors(of: conflict.values, in: history)
    }

    /// The write to `column` of the same row made by the same local write as `op` (same origin and
    /// wall time, a nearby sequence number): for example the note typed together with a status.
    public func companion(of op: SyncOperation, column: String) throws -> SyncOperation? {
        let window = Int64(schema.tables.map { $0.columns.count + $0.keyColumns.count }.max() ?? 8) + 1
        return try queue.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT \(LoggedOperation.columns) FROM oplog
                    WHERE origin = ? AND seq BETWEEN ? AND ? AND tbl = ? AND row = ? AND col = ? AND wall_ms = ?
                    """,
                arguments: [
                    op.dot.origin, Int64(op.dot.seq) - window, Int64(op.dot.seq) + window, op.key.table, op.key.row,
                    column, op.wallMs,
                ]
            ).map { try LoggedOperation(row: $0).operation }
        }
    }

    /// Writes decisions on open conflicts in one transaction: each becomes ordinary writes (the field's
    /// new value, or the tombstone) whose contexts cover every competing write.
    ///
    /// Nothing is written unless every conflict is still open with exactly the competing writes the
    /// person saw (``ConflictDecision/expected``).
    /// - Throws: ``ReplicaError/conflictNotOpen(table:row:column:)`` when one was closed meanwhile,
    ///   ``ReplicaError/conflictChanged(table:row:column:)`` when a new competing write arrived.
    /// - Returns: the operations written.
    @discardableResult
    public func resolve(_ decisions: [ConflictDecision], author: String, note: String? = nil) throws
        -> [SyncOperation]
    {
        try queue.write { db in
            for decision in decisions {
                let key = decision.key
                let state = try Self.loadRowState(db, table: key.table, row: key.row) ?? RowState()
                let competing = state.competing(Conflict(column: key.column, kind: decision.kind))
                guard !competing.isEmpty else {
                    throw ReplicaError.conflictNotOpen(table: key.table, row: key.row, column: key.column)
                }
                guard Set(competing.map(\.dot)) == Set(decision.expected) else {
                    throw ReplicaError.conflictChanged(table: key.table, row: key.row, column: key.column)
                }
            }
            let changes = decisions.map { decision -> RowChange in
                let key = decision.key
                switch (decision.outcome, decision.kind) {
                case (.delete, _):
                    return .delete(table: key.table, row: key.row)
                case (.value(let value), .value):
                    return RowChange(table: key.table, row: key.row, values: [key.column: value])
                case (.value(let value), .editDelete):
                    return RowChange(
                        table: key.table, row: key.row, values: [key.column: value, tombstoneColumn: .bool(false)])
                }
            }
            let applier = try Applier(db, schema: schema, recordedMs: clock(), rowCacheLimit: rowCacheLimit)
            let written = try writeLocal(changes, through: applier, author: author, note: note)
            try applier.finish()
            return written
        }
    }

    static func conflictRecord(_ db: Database, key: FieldKey, kind: Conflict.Kind, state: RowState) throws
        -> ConflictRecord?
    {
        let competing = state.competing(Conflict(column: key.column, kind: kind))
        guard !competing.isEmpty else { return nil }
        var values: [SyncOperation] = []
        var lastPosition: Int64 = 0
        var latestWall = Int64.min
        for sibling in competing {
            guard let logged = try loggedOperation(db, dot: sibling.dot) else { continue }
            values.append(logged.operation)
            lastPosition = max(lastPosition, logged.position)
            latestWall = max(latestWall, logged.operation.wallMs)
        }
        var vector = state.fields[key.column]?.vector ?? VersionVector()
        if kind == .editDelete, let tombstone = state.fields[tombstoneColumn] { vector.join(tombstone.vector) }
        // Operations logged before arrival times were recorded count from their writer's clock.
        let arrived = try Int64.fetchOne(
            db, sql: "SELECT recorded_ms FROM arrival WHERE first_pos <= ? ORDER BY first_pos DESC LIMIT 1",
            arguments: [lastPosition])
        return ConflictRecord(
            key: key, kind: kind, values: values, openSinceMs: arrived ?? latestWall, vector: vector)
    }
}
