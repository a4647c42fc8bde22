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
}

extension ReplicaStore {
    /// Applies `operations` and quarantines `refused` in one transaction: a quarantined operation's dot
    /// is held from then on (its origin's later operations are no gap) but it is neither logged nor
    /// merged, so it is never relayed. `sender` names the replica that pushed them.
    /// - Returns: how many operations were newly applied.
    @discardableResult
    public func apply(
        _ operations: [SyncOperation], quarantining refused: [(operation: SyncOperation, reason: String)],
        sender: String
    ) throws -> Int {
        guard !refused.isEmpty else { return try apply(operations) }
        let now = clock()
        return try queue.write { db in
            let applier = try Applier(db, schema: schema, recordedMs: now, rowCacheLimit: rowCacheLimit)
            for op in operations { try applier.apply(op) }
            for (op, reason) in refused where applier.hold(op.dot) {
                try db.execute(
                    sql: """
                        INSERT INTO quarantine (origin, seq, op, reason, sender, received_ms) VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [op.dot.origin, Int64(op.dot.seq), op.jsonLine, reason, sender, now])
            }
            try applier.finish()
            return applier.applied
        }
    }

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
        try queue.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM quarantine WHERE origin = ? AND seq = ?",
                arguments: [dot.origin, Int64(dot.seq)]
            ).map(Self.quarantined)
        }
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

    /// How many of this replica's operations a hub refused.
    public func refusalCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM refused") ?? 0 }
    }

    /// This replica's operations a hub refused, in sequence order, with the operation where held.
    public func refusals() throws -> [RefusedOperation] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT origin, seq, reason FROM refused ORDER BY origin, seq").map { row in
                let dot = Dot(origin: row["origin"], seq: UInt64(row["seq"] as Int64))
                return RefusedOperation(
                    dot: dot, reason: row["reason"], operation: try Self.loggedOperation(db, dot: dot)?.operation)
            }
        }
    }
}
