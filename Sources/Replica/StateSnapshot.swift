import GRDB
import SyncCore

/// The live rows of some tables as people see them (each column's provisional value), either as the
/// replica holds them now or as it held them at a past moment.
///
/// Reports read a snapshot rather than the projection tables so that "now" and "as of the 14th" go
/// through the same code.
public struct StateSnapshot: Sendable, Equatable {
    /// Table name → row id → column → provisional value. Deleted rows are absent.
    public var tables: [String: [String: [String: FieldValue]]]
    /// The open conflicts of the rows read (deleted rows included: an edit-delete conflict is on a
    /// deleted row), by row. A report must not present a field listed here as settled.
    public var conflicts: [RowKey: [Conflict]]

    /// Creates a snapshot from its rows.
    public init(tables: [String: [String: [String: FieldValue]]] = [:], conflicts: [RowKey: [Conflict]] = [:]) {
        self.tables = tables
        self.conflicts = conflicts
    }

    /// The live rows of a table, by row id.
    public func rows(_ table: String) -> [String: [String: FieldValue]] { tables[table] ?? [:] }

    /// One live row, or nil.
    public func row(_ table: String, _ id: String) -> [String: FieldValue]? { tables[table]?[id] }
}

extension ReplicaStore {
    /// The live rows of `tables` now, or, with `heldAt` (milliseconds since 1970 by this replica's
    /// clock), as this replica held them then: the operations that had arrived by that moment, merged
    /// by the same rule. Operations logged before arrival times were recorded count from their own
    /// wall-clock time.
    ///
    /// Operations whose dots are in `excluding` are left out as if never written (the rows they touch
    /// are replayed from the log without them): with this replica's operations a hub refused, the
    /// snapshot shows what the hub holds of those rows, since the hub holds every other operation.
    public func snapshot(tables: [String], heldAt: Int64? = nil, excluding: Set<Dot> = []) throws -> StateSnapshot {
        try queue.read { db in
            var snapshot = StateSnapshot()
            let marks = Array(repeating: "?", count: tables.count).joined(separator: ",")
            func add(_ key: RowKey, _ state: RowState) {
                // A row whose every write was left out was never written.
                guard !state.isEmpty else { return }
                if let values = state.projection { snapshot.tables[key.table, default: [:]][key.row] = values }
                let conflicts = state.conflicts
                if !conflicts.isEmpty { snapshot.conflicts[key] = conflicts }
            }
            guard let heldAt else {
                // Rows an excluded operation touched are replayed without it.
                var replayed: Set<RowKey> = []
                for dot in excluding {
                    if let logged = try Self.loggedOperation(db, dot: dot), tables.contains(logged.operation.key.table)
                    {
                        replayed.insert(logged.operation.key.rowKey)
                    }
                }
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT tbl, row, state FROM row_state WHERE tbl IN (\(marks))",
                    arguments: StatementArguments(tables))
                while let row = try rows.next() {
                    let key = RowKey(table: row["tbl"], row: row["row"])
                    if replayed.contains(key) { continue }
                    let text: String = row["state"]
                    add(key, try RowState(stored: Array(text.utf8)))
                }
                for key in replayed {
                    add(key, try Self.replay(db, key, excluding: excluding))
                }
                return snapshot
            }
            let arrivals = try Row.fetchAll(db, sql: "SELECT first_pos, recorded_ms FROM arrival ORDER BY first_pos")
                .map { (first: $0["first_pos"] as Int64, recorded: $0["recorded_ms"] as Int64) }
            let firstRecorded = arrivals.first?.first ?? Int64.max
            var states: [RowKey: RowState] = [:]
            var arrival = -1
            let rows = try Row.fetchCursor(
                db, sql: "SELECT \(LoggedOperation.columns) FROM oplog WHERE tbl IN (\(marks)) ORDER BY pos",
                arguments: StatementArguments(tables))
            while let row = try rows.next() {
                let logged = try LoggedOperation(row: row)
                let position = logged.position
                while arrival + 1 < arrivals.count, arrivals[arrival + 1].first <= position { arrival += 1 }
                let arrived = position < firstRecorded ? logged.operation.wallMs : arrivals[arrival].recorded
                guard arrived <= heldAt, !excluding.contains(logged.operation.dot) else { continue }
                _ = states[logged.operation.key.rowKey, default: RowState()].apply(logged.operation)
            }
            for (key, state) in states { add(key, state) }
            return snapshot
        }
    }
}
