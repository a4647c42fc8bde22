import GRDB
import SyncCore

extension ReplicaStore {
    /// The enrolment log entries held here, in log order.
    public func enrolmentLog() throws -> [EnrolmentRecord] {
        try queue.read { db in try Self.enrolmentLog(db) }
    }

    static func enrolmentLog(_ db: Database, replica: String? = nil) throws -> [EnrolmentRecord] {
        let rows =
            try replica.map {
                try Row.fetchAll(
                    db, sql: "SELECT record FROM enrolment_log WHERE replica = ? ORDER BY seq, hash", arguments: [$0])
            } ?? Row.fetchAll(db, sql: "SELECT record FROM enrolment_log ORDER BY seq, hash")
        return try rows.map { row in
            let text: String = row["record"]
            return try EnrolmentRecord(json: try JSONParser.parse(text))
        }
    }

    /// The latest `limit` entries held here after seq `after` (all of them when nil), in log order: what a
    /// hub's welcome carries to a client whose last entry it holds, without reading the whole log.
    public func enrolmentLog(after seq: UInt64?, limit: Int) throws -> [EnrolmentRecord] {
        try queue.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT record FROM (
                        SELECT record, seq, hash FROM enrolment_log WHERE seq > ? ORDER BY seq DESC, hash DESC LIMIT ?
                    ) ORDER BY seq, hash
                    """, arguments: [Int64(seq ?? 0), limit]
            ).map { try EnrolmentRecord(json: try JSONParser.parse($0)) }
        }
    }

    /// The log entries held here for one replica, in log order.
    public func enrolmentRecords(of replica: String) throws -> [EnrolmentRecord] {
        try queue.read { db in try Self.enrolmentLog(db, replica: replica) }
    }

    /// The last entry of the log held here (the highest seq), nil when none.
    public func enrolmentLogHead() throws -> EnrolmentRecord? {
        try queue.read { db in try Self.enrolmentLogHead(db) }
    }

    static func enrolmentLogHead(_ db: Database) throws -> EnrolmentRecord? {
        guard
            let text = try String.fetchOne(db, sql: "SELECT record FROM enrolment_log ORDER BY seq DESC, hash LIMIT 1")
        else { return nil }
        return try EnrolmentRecord(json: try JSONParser.parse(text))
    }

    /// Whether the entry with this hash is held here.
    public func holdsEnrolmentRecord(_ hash: [UInt8]) throws -> Bool {
        try queue.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM enrolment_log WHERE hash = ?)", arguments: [hash.hexString])
                ?? false
        }
    }

    /// A hub writes the next entry of its log and applies it to its enrolments, in one transaction:
    /// `make` is given the current last entry and signs the one after it.
    @discardableResult
    public func appendEnrolmentRecord(_ make: (EnrolmentRecord?, EnrolmentContext) throws -> EnrolmentRecord) throws
        -> EnrolmentRecord
    {
        try queue.write { db in
            let record = try make(try Self.enrolmentLogHead(db), EnrolmentContext(db: db))
            _ = try Self.take(db, [record], apply: true)
            return record
        }
    }

    /// Keeps the entries not held here yet (the caller verified them under the hub's key) and, at a
    /// hub (`apply`), applies each to its enrolments, whatever order they come in: a renewal retires
    /// the key before it, a revocation stops its key after the cutoff, and an older entry learnt late
    /// changes nothing newer. Returns the entries new here.
    @discardableResult
    public func takeEnrolmentRecords(_ records: [EnrolmentRecord], apply: Bool) throws -> [EnrolmentRecord] {
        guard !records.isEmpty else { return [] }
        return try queue.write { db in try Self.take(db, records, apply: apply) }
    }

    static func take(_ db: Database, _ records: [EnrolmentRecord], apply: Bool) throws -> [EnrolmentRecord] {
        var new: [EnrolmentRecord] = []
        for record in records {
            try db.execute(
                sql: "INSERT OR IGNORE INTO enrolment_log (hash, seq, replica, record) VALUES (?, ?, ?, ?)",
                arguments: [
                    record.hash.hexString, Int64(clamping: record.seq), record.replica, JSONWriter.string(record.json),
                ])
            if db.changesCount > 0 { new.append(record) }
        }
        if apply {
            for replica in Set(new.map(\.replica)).sorted() {
                try replay(db, replica: replica)
            }
        }
        return new
    }

    /// Rebuilds a replica's enrolment from every log entry held for it: the enrolment of the highest
    /// serial is current; the keys before it are retired, each valid up to the cutoff of the entry
    /// that replaced it; a revocation stops its key after its cutoff. So the result does not depend on
    /// the order the entries arrived in.
    static func replay(_ db: Database, replica: String) throws {
        let records = try enrolmentLog(db, replica: replica)
        // Two entries with one serial (a renewal lost in a restore, then made again): the later wins.
        let enrolments = records.filter { $0.kind == .enrol }.sorted {
            ($0.serial, $0.issuedMs, $0.hash.hexString) < ($1.serial, $1.issuedMs, $1.hash.hexString)
        }
        guard let current = enrolments.last, let role = Role(parsing: current.role) else { return }
        let revocations = records.filter { $0.kind == .revoke }
        // The earliest cutoff among the revocations that stop an enrolment: those naming its key, and
        // those written after it (a renewal given back after a restore cannot undo a later revocation).
        func stop(_ enrolment: EnrolmentRecord) -> EnrolmentRecord? {
            revocations.filter { $0.publicKey == enrolment.publicKey || $0.issuedMs >= enrolment.issuedMs }
                .min { $0.cutoffSeq < $1.cutoffSeq }
        }
        let stopped = stop(current)
        let lastSync = try Int64.fetchOne(
            db, sql: "SELECT last_sync_ms FROM enrolment WHERE replica = ?", arguments: [replica])
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO enrolment
                    (replica, role, public_key, enrolled_ms, revoked_ms, last_sync_ms, serial, cutoff_seq, revoked_seq,
                     revoked_head)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                replica, role.description, current.publicKey.hexString, current.issuedMs, stopped?.issuedMs, lastSync,
                Int64(clamping: current.serial), Int64(clamping: current.cutoffSeq),
                stopped.map { Int64(clamping: $0.cutoffSeq) }, stopped?.cutoffHead.hexString,
            ])
        try db.execute(sql: "DELETE FROM retired_key WHERE replica = ?", arguments: [replica])
        for (older, newer) in zip(enrolments, enrolments.dropFirst()) where older.publicKey != current.publicKey {
            // Valid up to what the hub held when the key was replaced, or revoked if that came first.
            let revoked = revocations.filter { $0.publicKey == older.publicKey }.min { $0.cutoffSeq < $1.cutoffSeq }
            var end = (seq: newer.cutoffSeq, head: newer.cutoffHead)
            if let revoked, revoked.cutoffSeq < end.seq { end = (revoked.cutoffSeq, revoked.cutoffHead) }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO retired_key (replica, public_key, through_seq, through_head) VALUES (?, ?, ?, ?)
                    """,
                arguments: [replica, older.publicKey.hexString, Int64(clamping: end.seq), end.head.hexString])
        }
    }
}

/// Where each origin's chain and enrolment stand at a hub, read inside the transaction that writes an
/// enrolment log entry: the cutoff and serial the entry records.
public struct EnrolmentContext {
    let db: Database

    /// The last operation of `origin` the hub holds without a gap (logged or quarantined): its seq
    /// and hash; seq 0 and 32 zero bytes when it holds none.
    public func head(of origin: String) throws -> (seq: UInt64, head: [UInt8]) {
        let summary = try ReplicaStore.loadSummary(db)
        let last = (summary.origins[origin]?.firstMissing ?? 1) - 1
        let dot = Dot(origin: origin, seq: last)
        guard last > 0,
            let op = try ReplicaStore.loggedOperation(db, dot: dot)?.operation
                ?? ReplicaStore.quarantinedOperation(db, dot: dot)?.operation
        else { return (0, EnrolmentRecord.zeros) }
        return (last, op.hash)
    }

    /// The current enrolment's serial of `replica`, 0 when it has none.
    public func serial(of replica: String) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT serial FROM enrolment WHERE replica = ?", arguments: [replica]) ?? 0)
    }

}
