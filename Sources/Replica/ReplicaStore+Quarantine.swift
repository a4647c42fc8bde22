import GRDB
import SyncCore

/// An operation a hub refused: the operation, why, which replica sent it, and when.
public struct QuarantinedOperation: Sendable, Hashable {
    /// The refused operation, as it was sent.
    public var operation: SyncOperation
    /// Why it was refused, in English (the rule it would have needed).
    public var reason: String
    /// The authenticated replica that sent it.
    public var sender: String
    /// When the hub received it (ms since 1970, the hub's clock).
    public var receivedMs: Int64

    /// Creates a record.
    public init(operation: SyncOperation, reason: String, sender: String, receivedMs: Int64) {
        self.operation = operation
        self.reason = reason
        self.sender = sender
        self.receivedMs = receivedMs
    }
}

/// One of this replica's own operations that a hub refused, as the hub said.
public struct RefusedOperation: Sendable, Hashable {
    /// The refused operation's dot.
    public var dot: Dot
    /// Why, in the hub's words.
    public var reason: String
    /// The operation, when this replica still holds it.
    public var operation: SyncOperation?
    /// When its refusal was withdrawn here (ms since 1970), nil while it is outstanding.
    public var withdrawnMs: Int64? = nil

    /// Creates a refusal record.
    public init(dot: Dot, reason: String, operation: SyncOperation?, withdrawnMs: Int64? = nil) {
        self.dot = dot
        self.reason = reason
        self.operation = operation
        self.withdrawnMs = withdrawnMs
    }
}

extension ReplicaStore {
    /// Quarantined operations, oldest first: all of them, or those of one origin; at most `limit`, the
    /// most recent ones (what a replica that crashed after a push may not have learned yet).
    public func quarantine(origin: String? = nil, limit: Int = Int.max) throws -> [QuarantinedOperation] {
        try queue.read { db in
            let rows: [Row]
            if let origin {
                rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM (
                            SELECT * FROM quarantine WHERE origin = ? ORDER BY received_ms DESC, seq DESC LIMIT ?
                        ) ORDER BY received_ms, seq
                        """,
                    arguments: [origin, Int64(clamping: limit)])
            } else {
                rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM (
                            SELECT * FROM quarantine ORDER BY received_ms DESC, origin DESC, seq DESC LIMIT ?
                        ) ORDER BY received_ms, origin, seq
                        """,
                    arguments: [Int64(clamping: limit)])
            }
            return try rows.map(Self.quarantined)
        }
    }

    /// The quarantined operation with this dot, if any.
    public func quarantined(_ dot: Dot) throws -> QuarantinedOperation? {
        try queue.read { db in try Self.quarantinedOperation(db, dot: dot) }
    }

    static func quarantinedOperation(_ db: Database, dot: Dot) throws -> QuarantinedOperation? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM quarantine WHERE origin = ? AND seq = ?", arguments: [dot.origin, Int64(dot.seq)]
        ).map(Self.quarantined)
    }

    private static func quarantined(_ row: Row) throws -> QuarantinedOperation {
        let text: String = row["op"]
        return QuarantinedOperation(
            operation: try SyncOperation(json: try JSONParser.parse(Array(text.utf8))), reason: row["reason"],
            sender: row["sender"], receivedMs: row["received_ms"])
    }

    /// Records what a hub said of this replica's refused operations (a refusal already recorded keeps
    /// its first reason).
    public func recordRefusals(_ refusals: [(dot: Dot, reason: String)]) throws {
        guard !refusals.isEmpty else { return }
        let now = clock()
        try queue.write { db in
            for (dot, reason) in refusals {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO refused (origin, seq, reason, learned_ms) VALUES (?, ?, ?, ?)",
                    arguments: [dot.origin, Int64(dot.seq), reason, now])
            }
        }
    }

    /// How many of this replica's operations a hub refused, not counting withdrawn ones.
    public func refusalCount() throws -> Int {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM refused WHERE withdrawn_ms IS NULL") ?? 0
        }
    }

    /// The dots of this replica's operations a hub refused.
    public func refusedDots() throws -> Set<Dot> {
        try queue.read { db in try Self.refusedDots(db) }
    }

    static func refusedDots(_ db: Database) throws -> Set<Dot> {
        Set(
            try Row.fetchAll(db, sql: "SELECT origin, seq FROM refused").map { row in
                Dot(origin: row["origin"], seq: UInt64(row["seq"] as Int64))
            })
    }

    /// This replica's operations a hub refused, in sequence order, with the operation where held; the
    /// withdrawn ones only with `withdrawn`.
    public func refusals(withdrawn: Bool = false) throws -> [RefusedOperation] {
        try queue.read { db in
            let filter = withdrawn ? "" : "WHERE withdrawn_ms IS NULL"
            return try Row.fetchAll(
                db, sql: "SELECT origin, seq, reason, withdrawn_ms FROM refused \(filter) ORDER BY origin, seq"
            ).map { row in
                let dot = Dot(origin: row["origin"], seq: UInt64(row["seq"] as Int64))
                return RefusedOperation(
                    dot: dot, reason: row["reason"], operation: try Self.loggedOperation(db, dot: dot)?.operation,
                    withdrawnMs: row["withdrawn_ms"])
            }
        }
    }

    /// Withdraws refusals here: the refused operations stay in the log (their origin's hash chain and
    /// held dots are unchanged, and the hub already holds their dots, so they are never pushed again),
    /// but their effect is taken out of this replica's state. Each row they wrote is rebuilt by
    /// replaying its logged operations without every withdrawn one, as the hub, which never applied
    /// them, merged the same row: the fields show again what the district holds (the value from other
    /// origins' operations, or nothing when there was none), and this replica converges with the hub.
    /// No new operation is written, so the withdrawal cannot itself be refused. `ntm verify` replays
    /// rows the same way (``verifyIntegrity()``).
    ///
    /// A refused operation, withdrawn or not, never travels in a bundle made here
    /// (``exportBundle(to:since:)``); a later write here to the same field carries a context without it.
    /// - Returns: the dots withdrawn now (those given that were refused and not yet withdrawn).
    @discardableResult
    public func withdrawRefusals(_ dots: [Dot]) throws -> [Dot] {
        let now = clock()
        return try queue.write { db in
            var withdrawn: [Dot] = []
            for dot in dots {
                try db.execute(
                    sql: "UPDATE refused SET withdrawn_ms = ? WHERE origin = ? AND seq = ? AND withdrawn_ms IS NULL",
                    arguments: [now, dot.origin, Int64(dot.seq)])
                if db.changesCount > 0 { withdrawn.append(dot) }
            }
            guard !withdrawn.isEmpty else { return [] }
            let excluded = try Self.withdrawnDots(db)
            var rows: Set<RowKey> = []
            for dot in withdrawn {
                if let logged = try Self.loggedOperation(db, dot: dot) { rows.insert(logged.operation.key.rowKey) }
            }
            let projector = try Projector(db, schema: schema)
            for key in rows.sorted() {
                let state = try Self.replay(db, key, excluding: excluded)
                try db.execute(sql: "DELETE FROM conflict WHERE tbl = ? AND row = ?", arguments: [key.table, key.row])
                if state.isEmpty {
                    // Nothing but withdrawn writes: the row is as if never written.
                    try db.execute(
                        sql: "DELETE FROM row_state WHERE tbl = ? AND row = ?", arguments: [key.table, key.row])
                    if schema.tables.contains(where: { $0.name == key.table }) {
                        try db.execute(sql: "DELETE FROM \(quoted(key.table)) WHERE id = ?", arguments: [key.row])
                    }
                    continue
                }
                var writer = JSONWriter()
                state.write(to: &writer)
                try db.execute(
                    sql: "INSERT OR REPLACE INTO row_state (tbl, row, state) VALUES (?, ?, ?)",
                    arguments: [key.table, key.row, String(decoding: writer.bytes, as: UTF8.self)])
                try projector.project(table: key.table, row: key.row, state: state)
                for conflict in state.conflicts {
                    try db.execute(
                        sql: "INSERT INTO conflict (tbl, row, col, kind) VALUES (?, ?, ?, ?)",
                        arguments: [key.table, key.row, conflict.column, conflict.kind.rawValue])
                }
            }
            return withdrawn
        }
    }

    /// A row's state rebuilt by replaying its logged operations, in log order, without the `excluded`
    /// dots (the merge does not depend on order; log order serves).
    static func replay(_ db: Database, _ key: RowKey, excluding excluded: Set<Dot>) throws -> RowState {
        var state = RowState()
        let logged = try Row.fetchCursor(
            db, sql: "SELECT \(LoggedOperation.columns) FROM oplog WHERE tbl = ? AND row = ? ORDER BY pos",
            arguments: [key.table, key.row])
        while let row = try logged.next() {
            let op = try LoggedOperation(row: row).operation
            if !excluded.contains(op.dot) { state.apply(op) }
        }
        return state
    }

    /// The dots of this replica's refused operations whose refusal was withdrawn.
    static func withdrawnDots(_ db: Database) throws -> Set<Dot> {
        Set(
            try Row.fetchAll(db, sql: "SELECT origin, seq FROM refused WHERE withdrawn_ms IS NOT NULL").map { row in
                Dot(origin: row["origin"], seq: UInt64(row["seq"] as Int64))
            })
    }
}
