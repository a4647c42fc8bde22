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

    /// The rows on which some decisions disagree: one keeps the row and another deletes it, or two
    /// give one column different values.
    public static func contradictions(in decisions: [ConflictDecision]) -> Set<RowKey> {
        Set(Dictionary(grouping: decisions, by: \.key.rowKey).filter { (try? changes($0.value)) == nil }.keys)
    }

    /// The decisions as one change per row, in the order rows first appear; the tombstone, when a
    /// decision sets it, is written after the row's other columns (see ``ReplicaStore/write(_:author:note:)``).
    /// - Throws: ``ReplicaError/contradictoryDecisions(table:row:)``.
    static func changes(_ decisions: [ConflictDecision]) throws -> [RowChange] {
        var order: [RowKey] = []
        var values: [RowKey: [String: FieldValue]] = [:]
        for decision in decisions {
            let row = decision.key.rowKey
            if values[row] == nil {
                order.append(row)
                values[row] = [:]
            }
            var wanted: [String: FieldValue] = [:]
            switch (decision.outcome, decision.kind) {
            case (.delete, _):
                wanted[tombstoneColumn] = .bool(true)
            case (.value(let value), .value):
                wanted[decision.key.column] = value
            case (.value(let value), .editDelete):
                wanted[decision.key.column] = value
                wanted[tombstoneColumn] = .bool(false)
            }
            for (column, value) in wanted {
                if let earlier = values[row]?[column], earlier != value {
                    throw ReplicaError.contradictoryDecisions(table: row.table, row: row.row)
                }
                values[row]?[column] = value
            }
        }
        return order.map { RowChange(table: $0.table, row: $0.row, values: values[$0] ?? [:]) }
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
    /// ``SyncCore/SyncOperation/commonAncestors(of:in:)``), read from this replica's log.
    ///
    /// One origin's writes to a field are causally ordered, so only each origin's latest write that
    /// every competing write had seen can be an ancestor: one indexed lookup per origin, never a scan
    /// of the log.
    public func ancestors(of conflict: ConflictRecord) throws -> [SyncOperation] {
        guard let first = conflict.values.first else { return [] }
        // What every competing write had seen: the meet of their contexts.
        var meet: [String: UInt64] = [:]
        for (origin, seq) in first.context.entries { meet[origin] = seq }
        for op in conflict.values.dropFirst() {
            for origin in Array(meet.keys) { meet[origin] = min(meet[origin]!, op.context[origin]) }
        }
        let candidates = try queue.read { db in
            try meet.filter { $0.value > 0 }.sorted { $0.key < $1.key }.compactMap { origin, seq in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT \(LoggedOperation.columns) FROM oplog
                        WHERE origin = ? AND seq <= ? AND tbl = ? AND row = ? AND col = ?
                        ORDER BY seq DESC LIMIT 1
                        """,
                    arguments: [origin, Int64(seq), conflict.key.table, conflict.key.row, conflict.key.column]
                ).map { try LoggedOperation(row: $0).operation }
            }
        }
        return SyncOperation.commonAncestors(of: conflict.values, in: candidates)
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
    /// new value, the tombstone) whose contexts cover every competing write.
    ///
    /// Decisions on one row are merged into one change whose tombstone is written last, so that a
    /// delete covers the values decided with it. A value decided on a row that stays deleted is written
    /// under a fresh delete, so that it does not open an edit-delete conflict of its own.
    ///
    /// Nothing is written unless every conflict is still open with exactly the competing writes the
    /// person saw (``ConflictDecision/expected``) and the decisions agree with each other.
    /// - Throws: ``ReplicaError/conflictNotOpen(table:row:column:kind:)`` when one was closed meanwhile,
    ///   ``ReplicaError/conflictChanged(table:row:column:kind:)`` when a new competing write arrived,
    ///   ``ReplicaError/contradictoryDecisions(table:row:)`` when decisions on one row disagree,
    ///   ``ReplicaError/deletionDisputed(table:row:)`` for a value decided on a row whose deletion is
    ///   itself in conflict and not decided with it.
    /// - Returns: the operations written.
    @discardableResult
    public func resolve(_ decisions: [ConflictDecision], author: String, note: String? = nil) throws
        -> [SyncOperation]
    {
        try queue.write { db in
            var states: [RowKey: RowState] = [:]
            for decision in decisions {
                let key = decision.key
                if states[key.rowKey] == nil {
                    states[key.rowKey] = try Self.loadRowState(db, table: key.table, row: key.row) ?? RowState()
                }
                let competing = states[key.rowKey]!.competing(Conflict(column: key.column, kind: decision.kind))
                guard !competing.isEmpty else {
                    throw ReplicaError.conflictNotOpen(
                        table: key.table, row: key.row, column: key.column, kind: decision.kind)
                }
                guard Set(competing.map(\.dot)) == Set(decision.expected) else {
                    throw ReplicaError.conflictChanged(
                        table: key.table, row: key.row, column: key.column, kind: decision.kind)
                }
            }
            var changes = try ConflictDecision.changes(decisions)
            for index in changes.indices where changes[index].values[tombstoneColumn] == nil {
                let key = RowKey(table: changes[index].table, row: changes[index].row)
                guard let state = states[key], state.isDeleted else { continue }
                let disputed = state.conflicts.contains { $0.kind == .editDelete || $0.column == tombstoneColumn }
                guard !disputed else { throw ReplicaError.deletionDisputed(table: key.table, row: key.row) }
                changes[index].values[tombstoneColumn] = .bool(true)
            }
            let applier = try Applier(
                db, schema: schema, recordedMs: clock(), rowCacheLimit: rowCacheLimit, summaries: summaries)
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
        let vector = state.fields[key.column]?.vector ?? VersionVector()
        // Operations logged before arrival times were recorded count from their writer's clock.
        let arrived = try Int64.fetchOne(
            db, sql: "SELECT recorded_ms FROM arrival WHERE first_pos <= ? ORDER BY first_pos DESC LIMIT 1",
            arguments: [lastPosition])
        return ConflictRecord(
            key: key, kind: kind, values: values, openSinceMs: arrived ?? latestWall, vector: vector)
    }
}
