import GRDB
import SyncCore

/// What recovering a forked database did.
public struct ForkRecovery: Sendable, Equatable {
    /// The replica id the database wrote under, which another database also writes under.
    public var oldReplicaID: String
    /// The id it writes under from now on.
    public var newReplicaID: String
    /// The forked operations taken out of the log (the old id's, from the fork on).
    public var removed: Int
    /// The same writes, issued again under the new id (one for each removed operation).
    public var reissued: [SyncOperation]
}

extension ReplicaStore {
    /// Recovers a database whose own chain parted from the hub's at `seq` (it was copied to another
    /// laptop, or restored from an older backup, and both went on writing under one replica id).
    ///
    /// In one transaction: the old id's operations from `seq` on (the forked part, which the hub
    /// does not hold as they are here) leave the log, the rows they touched are rebuilt from what
    /// remains, the database takes `newReplicaID`, and each forked write is issued again under the
    /// new id: same field, value, author, time and note, with the row's current context. So no work is
    /// lost and nothing is doubled: the hub's operations of the old id arrive at the next sync as
    /// another replica's, and where both sides wrote the same field the two values show as a conflict.
    ///
    /// `metadata` is written in the same transaction (a nil value removes the key): the new credential,
    /// a fresh pull cursor. The store keeps its old ``replicaID``: open the database again afterwards.
    /// - Throws: ``ReplicaError/invalidReplicaID(_:)``, ``ReplicaError/replicaIDInUse(_:)``.
    public func recoverFork(from seq: UInt64, newReplicaID: String, metadata: [String: String?] = [:]) throws
        -> ForkRecovery
    {
        guard Identifiers.isReplicaID(newReplicaID) else { throw ReplicaError.invalidReplicaID(newReplicaID) }
        let old = replicaID
        return try queue.write { db in
            let used = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM holdings WHERE origin = ?)", arguments: [newReplicaID])
            guard newReplicaID != old, used != true else { throw ReplicaError.replicaIDInUse(newReplicaID) }
            let forked = try Row.fetchAll(
                db, sql: "SELECT \(LoggedOperation.columns) FROM oplog WHERE origin = ? AND seq >= ? ORDER BY seq",
                arguments: [old, Int64(seq)]
            ).map { try LoggedOperation(row: $0).operation }
            try db.execute(sql: "DELETE FROM oplog WHERE origin = ? AND seq >= ?", arguments: [old, Int64(seq)])
            try db.execute(sql: "DELETE FROM refused WHERE origin = ? AND seq >= ?", arguments: [old, Int64(seq)])
            // The old id's held dots stop before the fork: the hub's operations there come in the next pull.
            let kept = (try Self.loadSummary(db).origins[old] ?? SeqRanges()).ranges.compactMap { range in
                range.lowerBound < seq ? range.lowerBound...min(range.upperBound, seq - 1) : nil
            }
            if kept.isEmpty {
                try db.execute(sql: "DELETE FROM holdings WHERE origin = ?", arguments: [old])
            } else {
                try db.execute(
                    sql: "UPDATE holdings SET ranges = ? WHERE origin = ?",
                    arguments: [JSONWriter.string(SeqRanges(kept).json), old])
            }
            let applier = try Applier(
                db, schema: schema, recordedMs: clock(), rowCacheLimit: rowCacheLimit, summaries: summaries)
            // Each touched row is rebuilt by replaying what remains of its log (without withdrawn refused
            // writes, as everywhere).
            var rows: [RowKey] = []
            for op in forked where !rows.contains(op.key.rowKey) { rows.append(op.key.rowKey) }
            let excluded = try Self.withdrawnDots(db)
            for key in rows { try applier.rebuild(key, state: try Self.replay(db, key, excluding: excluded)) }
            var reissued: [SyncOperation] = []
            var prev: [UInt8]?
            for (index, op) in forked.enumerated() {
                let state = try applier.state(of: op.key.rowKey)
                let again = SyncOperation(
                    dot: Dot(origin: newReplicaID, seq: UInt64(index + 1)), key: op.key, value: op.value,
                    context: state.context(forWriting: op.key.column), author: op.author, wallMs: op.wallMs,
                    note: op.note, prev: prev)
                try Self.checkSendable(again)
                try applier.apply(again)
                reissued.append(again)
                prev = again.hash
            }
            try applier.finish()
            var entries = metadata
            entries["replica_id"] = newReplicaID
            for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
                if let value {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
                } else {
                    try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
                }
            }
            return ForkRecovery(
                oldReplicaID: old, newReplicaID: newReplicaID, removed: forked.count, reissued: reissued)
        }
    }
}
