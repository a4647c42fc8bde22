import GRDB
import SyncCore

/// Applies operations inside one open transaction: logs each new one, merges it into its row's state,
/// and writes the changed rows (state, projection, conflicts) back in batches.
///
/// Rows are cached between flushes, so the several fields of one row written together cost one read
/// and one write of the row. The summary of held dots is loaded once: a duplicate is recognised without
/// touching SQLite.
final class Applier {
    private struct CachedRow {
        var state: RowState
        let conflictsBefore: [Conflict]
        var dirty = false
    }

    /// Log rows are inserted this many at a time with one prepared multi-row statement.
    private static let logBatch = 32
    private let insertOperation: SQLiteStatement
    private let insertOperations: SQLiteStatement
    private var pendingLog: [PreparedOperation] = []
    private let selectRow: SQLiteStatement
    private let upsertRow: SQLiteStatement
    private let deleteConflicts: SQLiteStatement
    private let insertConflict: SQLiteStatement
    private let upsertHoldings: SQLiteStatement
    private let projector: Projector
    private var cache: [RowKey: CachedRow] = [:]
    private var writer = JSONWriter(capacity: 1024)
    private(set) var summary: Summary
    private var touchedOrigins: Set<String> = []
    private var lastOrigin = ""
    /// Operations newly logged by this applier.
    private(set) var applied = 0
    /// Operations skipped because their dot was already in the log.
    private(set) var duplicates = 0
    /// How many cached rows trigger a flush. Rows stay cached for the whole transaction up to this
    /// bound, so a row written many times in one import is read and written once.
    let flushThreshold: Int

    /// The log position of the first operation this applier logs.
    private let firstPosition: Int64
    /// When this transaction's operations are recorded as having arrived (this replica's clock).
    private let recordedMs: Int64
    let db: Database
    /// The hash of the last operation this replica wrote in this transaction, with its sequence
    /// number: the `prev` of its next one.
    var localHead: (seq: UInt64, hash: [UInt8])?

    /// Where the summary of held dots is kept between transactions (nil: read from `holdings`).
    private let summaries: SummaryCache?

    init(
        _ db: Database, schema: ReplicatedSchema, recordedMs: Int64,
        rowCacheLimit: Int = ReplicaStore.defaultRowCacheLimit, summaries: SummaryCache? = nil
    ) throws {
        flushThreshold = rowCacheLimit
        self.db = db
        self.summaries = summaries
        // Arrival times never go backwards, even when the machine's clock does: a past snapshot must be
        // a state the replica really held.
        let latest = try Int64.fetchOne(db, sql: "SELECT max(recorded_ms) FROM arrival") ?? Int64.min
        self.recordedMs = max(recordedMs, latest)
        firstPosition = (try Int64.fetchOne(db, sql: "SELECT max(pos) FROM oplog") ?? 0) + 1
        let columns =
            "INSERT INTO oplog (origin, seq, tbl, row, col, value, context, author, wall_ms, note, prev) VALUES "
        let row = "(?,?,?,?,?,?,?,?,?,?,?)"
        insertOperation = try SQLiteStatement(db, columns + row)
        insertOperations = try SQLiteStatement(
            db, columns + Array(repeating: row, count: Self.logBatch).joined(separator: ","))
        pendingLog.reserveCapacity(Self.logBatch)
        selectRow = try SQLiteStatement(db, "SELECT state FROM row_state WHERE tbl = ? AND row = ?")
        upsertRow = try SQLiteStatement(db, "INSERT OR REPLACE INTO row_state (tbl, row, state) VALUES (?, ?, ?)")
        deleteConflicts = try SQLiteStatement(db, "DELETE FROM conflict WHERE tbl = ? AND row = ?")
        insertConflict = try SQLiteStatement(db, "INSERT INTO conflict (tbl, row, col, kind) VALUES (?, ?, ?, ?)")
        upsertHoldings = try SQLiteStatement(db, "INSERT OR REPLACE INTO holdings (origin, ranges) VALUES (?, ?)")
        projector = try Projector(db, schema: schema)
        summary = try summaries?.summary(db) ?? ReplicaStore.loadSummary(db)
    }

    /// The current state of a row (cached), for writers that need its contexts.
    func state(of key: RowKey) throws -> RowState { try cached(key).state }

    /// Logs and merges one operation. Returns false when its dot was already in the log.
    @discardableResult
    func apply(_ op: SyncOperation) throws -> Bool {
        try apply(PreparedOperation(op))
    }

    /// Logs and merges one operation whose log text was prepared (on the bundle reader's thread).
    @discardableResult
    func apply(_ prepared: PreparedOperation) throws -> Bool {
        let op = prepared.operation
        guard summary.insertIfAbsent(op.dot) else {
            duplicates += 1
            return false
        }
        if !bytesEqual(op.dot.origin, lastOrigin) {
            touchedOrigins.insert(op.dot.origin)
            lastOrigin = op.dot.origin
        }
        pendingLog.append(prepared)
        if pendingLog.count == Self.logBatch { try writeLog() }
        let key = op.key.rowKey
        if let index = cache.index(forKey: key) {
            // Mutate the cached row in place: copying it out would copy its fields on every operation.
            if cache.values[index].state.apply(op) { cache.values[index].dirty = true }
        } else {
            var row = try stored(key)
            row.dirty = row.state.apply(op)
            cache[key] = row
        }
        applied += 1
        if cache.count >= flushThreshold { try flush() }
        return true
    }

    /// Replaces a row's state with one rebuilt from its log (after a fork's operations were taken out
    /// of the log); the row is written back, with its projection and conflicts, at the next flush.
    func rebuild(_ key: RowKey, state: RowState) throws {
        let before = try cached(key)
        cache[key] = CachedRow(state: state, conflictsBefore: before.conflictsBefore, dirty: true)
    }

    /// Marks a dot held without logging or merging its operation (a hub's quarantined operation).
    /// Returns false when it was already held.
    @discardableResult
    func hold(_ dot: Dot) -> Bool {
        guard summary.insertIfAbsent(dot) else { return false }
        touchedOrigins.insert(dot.origin)
        lastOrigin = ""
        return true
    }

    /// Inserts the pending log rows, in arrival order: a full batch through the multi-row statement,
    /// a remainder one by one.
    private func writeLog() throws {
        if pendingLog.count == Self.logBatch {
            for (position, prepared) in pendingLog.enumerated() {
                bind(prepared, to: insertOperations, from: Int32(position * 11))
            }
            try insertOperations.run()
        } else {
            for prepared in pendingLog {
                bind(prepared, to: insertOperation, from: 0)
                try insertOperation.run()
            }
        }
        pendingLog.removeAll(keepingCapacity: true)
    }

    /// Binds a log row's parameters. The texts are read in place from the operation's block, which
    /// `pendingLog` keeps alive until the statement has run; every parameter is bound before each run.
    private func bind(_ prepared: PreparedOperation, to statement: SQLiteStatement, from offset: Int32) {
        let op = prepared.operation
        let texts = prepared.texts
        let spans = prepared.spans
        statement.bind(offset + 1, text: spans.origin, in: texts)
        statement.bind(offset + 2, Int64(op.dot.seq))
        statement.bind(offset + 3, text: spans.table, in: texts)
        statement.bind(offset + 4, text: spans.row, in: texts)
        statement.bind(offset + 5, text: spans.column, in: texts)
        statement.bind(offset + 6, text: spans.value, in: texts)
        statement.bind(offset + 7, text: spans.context, in: texts)
        statement.bind(offset + 8, text: spans.author, in: texts)
        statement.bind(offset + 9, op.wallMs)
        if let note = spans.note {
            statement.bind(offset + 10, text: note, in: texts)
        } else {
            statement.bind(offset + 10, text: nil)
        }
        if let prev = spans.prev {
            statement.bind(offset + 11, text: prev, in: texts)
        } else {
            statement.bind(offset + 11, text: nil)
        }
    }

    private func cached(_ key: RowKey) throws -> CachedRow {
        if let row = cache[key] { return row }
        let row = try stored(key)
        cache[key] = row
        return row
    }

    /// A row as the database holds it (empty when it holds none).
    private func stored(_ key: RowKey) throws -> CachedRow {
        selectRow.bind(1, key.table)
        selectRow.bind(2, key.row)
        var state = RowState()
        if try selectRow.step() {
            do {
                state = try RowState(stored: selectRow.columnBytes(0))
            } catch {
                selectRow.reset()
                throw error
            }
            selectRow.reset()
        }
        return CachedRow(state: state, conflictsBefore: state.conflicts)
    }

    /// Writes the pending log rows and every changed cached row (state, projection, conflicts), and
    /// empties the cache.
    func flush() throws {
        try writeLog()
        for (key, row) in cache where row.dirty {
            writer.reset()
            row.state.write(to: &writer)
            upsertRow.bind(1, key.table)
            upsertRow.bind(2, key.row)
            upsertRow.bind(3, bytes: writer.bytes)
            try upsertRow.run()
            try projector.project(table: key.table, row: key.row, state: row.state)
            let conflicts = row.state.conflicts
            if conflicts != row.conflictsBefore {
                deleteConflicts.bind(1, key.table)
                deleteConflicts.bind(2, key.row)
                try deleteConflicts.run()
                for conflict in conflicts {
                    insertConflict.bind(1, key.table)
                    insertConflict.bind(2, key.row)
                    insertConflict.bind(3, conflict.column)
                    insertConflict.bind(4, conflict.kind.rawValue)
                    try insertConflict.run()
                }
            }
        }
        cache.removeAll(keepingCapacity: true)
    }

    /// Flushes, records the held dots of every origin touched, and when the new operations arrived.
    func finish() throws {
        try flush()
        if applied > 0 {
            try db.execute(
                sql: "INSERT OR REPLACE INTO arrival (first_pos, recorded_ms) VALUES (?, ?)",
                arguments: [firstPosition, recordedMs])
        }
        for origin in touchedOrigins.sorted() {
            upsertHoldings.bind(1, origin)
            upsertHoldings.bind(2, JSONWriter.string(summary.origins[origin]!.json))
            try upsertHoldings.run()
        }
        touchedOrigins.removeAll()
        try summaries?.keep(summary, whenCommitted: db)
    }
}

extension ReplicaStore {
    static func loadSummary(_ db: Database) throws -> Summary {
        var origins: JSONObject = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, ranges FROM holdings") {
            let text: String = row["ranges"]
            origins[row["origin"]] = try JSONParser.parse(text)
        }
        return try Summary(json: .object(origins))
    }
}
