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

    /// Creates a snapshot from its rows.
    public init(tables: [String: [String: [String: FieldValue]]] = [:]) { self.tables = tables }

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
    public func snapshot(tables: [String], heldAt: Int64? = nil) throws -> StateSnapshot {
        try queue.read { db in
            var snapshot = StateSnapshot()
            let marks = Array(repeating: "?", count: tables.count).joined(separator: ",")
            guard let heldAt else {
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT tbl, row, state FROM row_state WHERE tbl IN (\(marks))",
                    arguments: StatementArguments(tables))
                while let row = try rows.next() {
                    let text: String = row["state"]
                    if let values = try RowState(stored: Array(text.utf8)).projection {
                        snapshot.tables[row["tbl"], default: [:]][row["row"]] = values
                    }
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
                guard arrived <= heldAt else { continue }
                _ = states[logged.operation.key.rowKey, default: RowState()].apply(logged.operation)
            }
            for (key, state) in states {
                if let values = state.projection { snapshot.tables[key.table, default: [:]][key.row] = values }
            }
            return snapshot
        }
    }
}
