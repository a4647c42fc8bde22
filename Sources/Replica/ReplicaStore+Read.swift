import GRDB
import SyncCore

extension ReplicaStore {
    /// What this replica holds of the log, per origin.
    public func summary() throws -> Summary { try queue.read { db in try summaries.summary(db, keeping: true) } }

    /// The merged state of one row, or nil if nothing was written to it.
    public func rowState(table: String, row: String) throws -> RowState? {
        try queue.read { db in try Self.loadRowState(db, table: table, row: row) }
    }

    static func loadRowState(_ db: Database, table: String, row: String) throws -> RowState? {
        guard
            let text = try String.fetchOne(
                db, sql: "SELECT state FROM row_state WHERE tbl = ? AND row = ?", arguments: [table, row])
        else { return nil }
        return try RowState(stored: Array(text.utf8))
    }

    /// The number of operations in the log.
    public func operationCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM oplog") ?? 0 }
    }

    /// The number of operations this replica wrote itself.
    public func localOperationCount() throws -> Int {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM oplog WHERE origin = ?", arguments: [replicaID]) ?? 0
        }
    }

    /// The number of open conflicts.
    public func conflictCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM conflict") ?? 0 }
    }

    /// Open conflicts counted by the id of their row (a row with several fields in conflict counts each).
    public func conflictCountsByRow() throws -> [String: Int] {
        try queue.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT row, count(*) AS n FROM conflict GROUP BY row") {
                counts[row["row"]] = row["n"]
            }
            return counts
        }
    }

    /// The logged operation with this dot, if held.
    public func operation(_ dot: Dot) throws -> SyncOperation? {
        try queue.read { db in try Self.loggedOperation(db, dot: dot)?.operation }
    }

    static func loggedOperation(_ db: Database, dot: Dot) throws -> LoggedOperation? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT \(LoggedOperation.columns) FROM oplog WHERE origin = ? AND seq = ?",
                arguments: [dot.origin, Int64(dot.seq)])
        else { return nil }
        return try LoggedOperation(row: row)
    }

    /// The rows of `table` whose column `column` was ever written with `value` (for example the evidence
    /// rows ever attached to an indicator), among those whose id begins with `prefix` (a commune's rows
    /// `commune/`): read through the log's row index, so the work grows with those rows' history.
    public func rows(table: String, everWritten column: String, value: FieldValue, prefix: String = "") throws
        -> [String]
    {
        let (sql, arguments) = Self.everWrittenQuery(table: table, column: column, value: value, prefix: prefix)
        return try queue.read { db in try String.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) }
    }

    /// The query of ``rows(table:everWritten:value:prefix:)`` and its arguments: the row ids that begin
    /// with `prefix`, sought as the range from `prefix` up to its ``successor(of:)``.
    static func everWrittenQuery(table: String, column: String, value: FieldValue, prefix: String)
        -> (String, [any DatabaseValueConvertible])
    {
        var sql = "SELECT DISTINCT row FROM oplog WHERE tbl = ? AND col = ? AND value = ?"
        var arguments: [any DatabaseValueConvertible] = [table, column, value.description]
        if !prefix.isEmpty {
            sql += " AND row >= ? AND substr(row, 1, length(?)) = ?"
            arguments += [prefix, prefix, prefix]
            if let after = successor(of: prefix) {
                sql += " AND row < ?"
                arguments.append(after)
            }
        }
        return (sql + " ORDER BY row", arguments)
    }

    /// A string above every string that begins with `prefix`, in byte order (UTF-8 keeps the order of
    /// code points): its last character raised by one (`c1/` gives `c10`); nil when that is no
    /// character (the range then has no upper bound, and the prefix test alone decides).
    static func successor(of prefix: String) -> String? {
        guard let last = prefix.unicodeScalars.last, let next = Unicode.Scalar(last.value + 1) else { return nil }
        return String(prefix.unicodeScalars.dropLast()) + String(next)
    }

    /// The query of a row's history (``history(table:rows:)``), through the log's row index.
    static let rowHistorySQL =
        "SELECT \(LoggedOperation.columns) FROM oplog WHERE tbl = ? AND row = ? ORDER BY pos"

    /// The rows of `table` that any logged operation wrote, deleted ones included, by row id.
    public func rows(table: String) throws -> [String] {
        try queue.read { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT row FROM oplog WHERE tbl = ? ORDER BY row", arguments: [table])
        }
    }

    /// The rows of `table` that have a stored state (live or deleted) and whose id begins with
    /// `prefix`, by row id; read each one's state with ``rowState(table:row:)``.
    public func rowsWithState(table: String, prefix: String = "") throws -> [String] {
        try queue.read { db in
            try String.fetchAll(
                db, sql: "SELECT row FROM row_state WHERE tbl = ? AND substr(row, 1, length(?)) = ? ORDER BY row",
                arguments: [table, prefix, prefix])
        }
    }

    /// The history of the given rows (every field), oldest arrival first; each write lists the writes
    /// it replaced.
    public func history(table: String, rows: [String]) throws -> [HistoryEntry] {
        try queue.read { db in
            var logged: [LoggedOperation] = []
            for row in rows {
                logged += try Row.fetchAll(
                    db, sql: Self.rowHistorySQL,
                    arguments: [table, row]
                ).map(LoggedOperation.init(row:))
            }
            logged.sort { $0.position < $1.position }
            var byField: [FieldKey: [SyncOperation]] = [:]
            for entry in logged { byField[entry.operation.key, default: []].append(entry.operation) }
            return logged.map { entry in
                let op = entry.operation
                let seen = (byField[op.key] ?? []).filter { $0.dot != op.dot && op.context.covers($0.dot) }
                let replaced = seen.filter { candidate in
                    !seen.contains { other in other.dot != candidate.dot && other.context.covers(candidate.dot) }
                }
                return HistoryEntry(operation: entry, replaced: replaced.sorted { $0.dot < $1.dot })
            }
        }
    }

    /// The replicated state as canonical JSON: held dots per origin, then every row (sorted by table and
    /// row id) with every field's vector and siblings (with author and note). Nothing local (replica id,
    /// arrival order) is included, so replicas that applied the same operations print the same bytes.
    ///
    /// - Parameter rowFilter: when given, only rows for which it returns true are included (and the
    ///   held dots are left out, since they cover every row).
    public func dump(rowFilter: ((String, String) -> Bool)? = nil) throws -> String {
        try queue.read { db in
            var lines: [String] = []
            if rowFilter == nil {
                lines.append(JSONWriter.string(.object(["holdings": try Self.loadSummary(db).json]), sortedKeys: true))
            }
            let rows = try Row.fetchCursor(db, sql: "SELECT tbl, row, state FROM row_state ORDER BY tbl, row")
            while let row = try rows.next() {
                let table: String = row["tbl"]
                let rowID: String = row["row"]
                if let rowFilter, !rowFilter(table, rowID) { continue }
                let text: String = row["state"]
                let state = try RowState(stored: Array(text.utf8))
                var fields = JSONObject()
                for column in state.fields.keys.sorted() {
                    let field = state.fields[column]!
                    var siblings: [JSONValue] = []
                    for sibling in field.siblings.sorted(by: { $0.dot < $1.dot }) {
                        let op = try Self.loggedOperation(db, dot: sibling.dot)?.operation
                        var object: JSONObject = [
                            "origin": .string(sibling.dot.origin), "seq": .int(Int64(sibling.dot.seq)),
                            "value": sibling.value.json, "wall_ms": .int(sibling.wallMs),
                            "author": .string(op?.author ?? ""),
                        ]
                        if let note = op?.note { object["note"] = .string(note) }
                        siblings.append(.object(object))
                    }
                    let vector = JSONObject(field.vector.entries.map { ($0.replica, JSONValue.int(Int64($0.seq))) })
                    fields[column] = .object([
                        "siblings": .array(siblings), "vector": .object(vector),
                        "value": field.provisional?.json ?? .null, "conflict": .bool(field.isConflict),
                    ])
                }
                let entry: JSONObject = [
                    "table": .string(table), "row": .string(rowID), "deleted": .bool(state.isDeleted),
                    "fields": .object(fields),
                    "conflicts": .array(state.conflicts.map { .string("\($0.column):\($0.kind.rawValue)") }),
                ]
                lines.append(JSONWriter.string(.object(entry), sortedKeys: true))
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
