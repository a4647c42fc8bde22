import GRDB
import SyncCore

extension ReplicaStore {
    /// A writer signs its chain at least this often: a relay can then carry a long run in pieces, each
    /// ending at a checkpoint (`protocol/PROTOCOL.md` §14).
    public static let checkpointInterval: UInt64 = 256

    /// Signs this replica's own chain with its key (the 32-byte Ed25519 seed of its credential): a
    /// checkpoint at every multiple of ``checkpointInterval`` above the last one this key signed, and
    /// one at the head. Called before every push and bundle export; nothing is signed when the head
    /// is already signed.
    /// - Returns: how many checkpoints were signed now.
    @discardableResult
    public func signCheckpoints(seed: [UInt8]) throws -> Int {
        let keyID = Checkpoint.keyID(of: try Checkpoint.publicKey(seed: seed)).hexString
        let origin = replicaID
        return try queue.write { db in
            guard
                let head = try Int64.fetchOne(
                    db, sql: "SELECT max(seq) FROM oplog WHERE origin = ?", arguments: [origin])
            else { return 0 }
            let signed =
                try Int64.fetchOne(
                    db, sql: "SELECT max(seq) FROM checkpoint WHERE origin = ? AND key_id = ?",
                    arguments: [origin, keyID]) ?? 0
            guard head > signed else { return 0 }
            let step = Int64(Self.checkpointInterval)
            var seqs = Array(stride(from: (signed / step + 1) * step, to: head, by: Int(step)))
            seqs.append(head)
            var made: [Checkpoint] = []
            for seq in seqs {
                guard let op = try Self.loggedOperation(db, dot: Dot(origin: origin, seq: UInt64(seq)))?.operation
                else { continue }
                made.append(try Checkpoint.sign(origin: origin, seq: UInt64(seq), head: op.hash, seed: seed))
            }
            try Self.record(db, made)
            return made.count
        }
    }

    /// Keeps checkpoints (the first of each origin, seq and key). The caller verifies them where that
    /// matters: a hub stores only verified ones; a laptop keeps what it received, to carry on.
    public func recordCheckpoints(_ checkpoints: [Checkpoint]) throws {
        guard !checkpoints.isEmpty else { return }
        try queue.write { db in try Self.record(db, checkpoints) }
    }

    static func record(_ db: Database, _ checkpoints: [Checkpoint]) throws {
        for checkpoint in checkpoints {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO checkpoint (origin, seq, key_id, head, signature) VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    checkpoint.origin, Int64(clamping: checkpoint.seq), checkpoint.keyID.hexString,
                    checkpoint.head.hexString, checkpoint.signature.hexString,
                ])
        }
    }

    /// The checkpoints held for one origin, by sequence number.
    public func checkpoints(origin: String) throws -> [Checkpoint] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM checkpoint WHERE origin = ? ORDER BY seq", arguments: [origin])
                .compactMap(Self.checkpoint)
        }
    }

    /// The checkpoints held for `origin` at `seq` (one a key; two heads at one seq prove a fork).
    static func checkpoints(_ db: Database, origin: String, seq: UInt64) throws -> [Checkpoint] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM checkpoint WHERE origin = ? AND seq = ?", arguments: [origin, Int64(clamping: seq)]
        ).compactMap(Self.checkpoint)
    }

    /// What to carry with operations: for each origin, the latest checkpoints (one a key) at a sequence
    /// number this replica holds (so that the operation it names travels too, or the receiver has it already), at
    /// or after `after[origin]` + 1 when given (what the receiver lacks).
    public func carriedCheckpoints(after: [String: UInt64] = [:]) throws -> [Checkpoint] {
        try queue.read { db in
            let summary = try Self.loadSummary(db)
            var carried: [Checkpoint] = []
            for origin in try String.fetchAll(db, sql: "SELECT DISTINCT origin FROM checkpoint ORDER BY origin") {
                guard let held = summary.origins[origin] else { continue }
                let rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM checkpoint WHERE origin = ? AND seq > ? ORDER BY seq DESC",
                    arguments: [origin, Int64(clamping: after[origin] ?? 0)])
                // Every key's checkpoint at that seq: after a renewal the old key's no longer vouches for it.
                let candidates = rows.compactMap(Self.checkpoint)
                if let latest = candidates.first(where: { held.contains($0.seq) }) {
                    carried += candidates.filter { $0.seq == latest.seq }
                }
            }
            return carried
        }
    }

    /// The checkpoints of `origin` held with a sequence number in `seqs`, by sequence number: where a
    /// relay may cut a run it pushes.
    public func checkpoints(origin: String, in seqs: ClosedRange<UInt64>) throws -> [Checkpoint] {
        try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM checkpoint WHERE origin = ? AND seq BETWEEN ? AND ? ORDER BY seq",
                arguments: [origin, Int64(clamping: seqs.lowerBound), Int64(clamping: seqs.upperBound)]
            ).compactMap(Self.checkpoint)
        }
    }

    /// The latest checkpoint of `origin` held at or below `seq`.
    public func latestCheckpoint(origin: String, atMost seq: UInt64) throws -> Checkpoint? {
        try queue.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM checkpoint WHERE origin = ? AND seq <= ? ORDER BY seq DESC LIMIT 1",
                arguments: [origin, Int64(clamping: seq)]
            ).flatMap(Self.checkpoint)
        }
    }

    private static func checkpoint(_ row: Row) -> Checkpoint? {
        guard let key = Hex.bytes(row["key_id"]), let head = Hex.bytes(row["head"]),
            let signature = Hex.bytes(row["signature"])
        else { return nil }
        return Checkpoint(
            origin: row["origin"], keyID: key, seq: UInt64(row["seq"] as Int64), head: head, signature: signature)
    }
}
