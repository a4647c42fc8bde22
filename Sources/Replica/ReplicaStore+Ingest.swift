import Foundation
import GRDB
import SyncCore

extension ReplicaStore {
    /// A hub takes a push batch through its one way in (``IngestChecker``), in one transaction: the
    /// operations its writers may write are applied, the others quarantined, those not vouched for
    /// wait; any violation throws ``IngestError`` and nothing is changed.
    ///
    /// - Parameter linked: the operations whose `prev` was filled in from the operation just before
    ///   them in `operations` (the batch left it out, §11.2): their link is not checked again.
    public func ingest(
        _ operations: [SyncOperation], from source: IngestSource, sender: String, checkpoints: [Checkpoint],
        rules: IngestRules, linked: Set<Dot> = []
    ) throws -> IngestReport {
        let now = clock()
        return try freezingOnProvenFork {
            try queue.write { db in
                let applier = try Applier(
                    db, schema: schema, recordedMs: now, rowCacheLimit: rowCacheLimit, summaries: summaries)
                let checker = IngestChecker(
                    db, applier: applier, schema: schema, rules: rules, source: source, hubOrigin: replicaID,
                    sender: sender, receivedMs: now, checkpoints: checkpoints, linked: linked)
                for op in operations { try checker.admit(PreparedOperation(op)) }
                let report = try checker.finish()
                try applier.finish()
                return report
            }
        }
    }

    /// Runs an ingest; when it fails on a proven fork (two signed histories of one origin), records the
    /// origin as frozen, after the failed transaction rolled back, and rethrows.
    private func freezingOnProvenFork<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as IngestError where error.kind == .fork && error.proven {
            try freeze(origin: error.dot.origin, at: error.dot.seq)
            throw error
        } catch ReplicaError.ingest(let error) where error.kind == .fork && error.proven {
            try freeze(origin: error.dot.origin, at: error.dot.seq)
            throw ReplicaError.ingest(error)
        }
    }

    /// Freezes an origin at a hub: a fork was proven at `seq`. Its work is not taken until the district
    /// renews its credential (``unfreeze(_:)``).
    public func freeze(origin: String, at seq: UInt64) throws {
        let now = clock()
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO frozen_origin (origin, seq, frozen_ms) VALUES (?, ?, ?)",
                arguments: [origin, Int64(clamping: seq), now])
        }
    }

    /// Lifts a freeze (a renewal: the copy that forked keeps an old key, which vouches for nothing new).
    public func unfreeze(_ origin: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM frozen_origin WHERE origin = ?", arguments: [origin]) }
    }

    /// The origins frozen by a proven fork, with the sequence number where it was found.
    public func frozenOrigins() throws -> [String: UInt64] {
        try queue.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT origin, seq FROM frozen_origin").map {
                    ($0["origin"] as String, UInt64($0["seq"] as Int64))
                })
        }
    }

    /// What a hub judges arriving work by now (its write policy and key given): the enrolled writers
    /// with their retired keys and revocation cutoffs, read at each use so that an enrolment or a
    /// revocation applies at once. With `origins`, only those writers (and the lower hubs) are read:
    /// a pushed batch is judged by its own writers, not by the 600 a hub enrolled.
    public func ingestRules(policy: WritePolicy, hubKey: [UInt8]?, origins: Set<String>? = nil) throws
        -> IngestRules
    {
        try queue.read { db in try Self.ingestRules(db, policy: policy, hubKey: hubKey, origins: origins) }
    }

    static func ingestRules(_ db: Database, policy: WritePolicy, hubKey: [UInt8]?, origins: Set<String>? = nil)
        throws -> IngestRules
    {
        // The rows of `table` whose `column` names a wanted writer (every row when all are wanted).
        let wanted = try origins.map { $0.union(try String.fetchAll(db, sql: "SELECT replica FROM lower_hub")) }
        func rows(_ table: String, _ column: String, _ select: String = "*") throws -> [Row] {
            guard let wanted else { return try Row.fetchAll(db, sql: "SELECT \(select) FROM \(table)") }
            let statement = try db.cachedStatement(sql: "SELECT \(select) FROM \(table) WHERE \(column) = ?")
            return try wanted.sorted().flatMap { try Row.fetchAll(statement, arguments: [$0]) }
        }
        var retired: [String: [(key: [UInt8], through: UInt64)]] = [:]
        var anchors: [String: [UInt64: [UInt8]]] = [:]
        for row in try rows("retired_key", "replica") {
            guard let key = Hex.bytes(row["public_key"]), let head = Hex.bytes(row["through_head"]) else { continue }
            let through = UInt64(row["through_seq"] as Int64)
            retired[row["replica"], default: []].append((key, through))
            if through > 0 { anchors[row["replica"], default: [:]][through] = head }
        }
        var writers: [String: IngestWriter] = [:]
        for row in try rows("enrolment", "replica") {
            guard let enrolled = Self.enrolled(row) else { continue }
            let revokedHead = (row["revoked_head"] as String?).flatMap(Hex.bytes)
            if let seq = enrolled.revokedSeq, seq > 0, let revokedHead {
                anchors[enrolled.replica, default: [:]][seq] = revokedHead
            }
            writers[enrolled.replica] = IngestWriter(
                role: enrolled.role, key: enrolled.publicKey, retired: retired[enrolled.replica] ?? [],
                revoked: enrolled.isRevoked, revokedAfter: enrolled.isRevoked ? enrolled.revokedSeq : nil,
                anchors: anchors[enrolled.replica] ?? [:])
        }
        for row in try rows("frozen_origin", "origin", "origin, seq") {
            writers[row["origin"]]?.frozenAt = UInt64(row["seq"] as Int64)
        }
        // A lower hub's log key (pinned at its first session) also vouches for its own work, which it
        // signs with that key for its communes, and for its former replica ids after a restore.
        var lowerHubs: [LowerHubWriter] = []
        for row in try Row.fetchAll(db, sql: "SELECT replica, public_key FROM lower_hub") {
            guard let key = Hex.bytes(row["public_key"]), let writer = writers[row["replica"]], !writer.revoked else {
                continue
            }
            writers[row["replica"]]?.retired.append((key, .max))
            lowerHubs.append(LowerHubWriter(replica: row["replica"], role: writer.role, key: key))
        }
        var rules = IngestRules(policy: policy, writers: writers, hubKey: hubKey, parents: try unitParents(db))
        rules.lowerHubs = lowerHubs
        rules.bound = try delegatedUnits(db)
        return rules
    }

    /// A hub imports a bundle through its one way in: the same checks as a pushed batch, every origin
    /// judged by its writer's enrolled role and vouched for by the checkpoints the bundle's header
    /// carries, in one transaction (a violation refuses the whole bundle). First the hub takes back the
    /// entries of its own enrolment log the header carries and it lacks (signed by `hubKey` for hub
    /// `hubName`: a hub restored from an older backup learns again what it enrolled and revoked). The
    /// file section follows as in ``importBundle(from:)``. `vouched` is the role a person stated for
    /// writers the hub does not know; without it their work waits.
    /// - Throws: ``ReplicaError/bundle(_:)``, ``ReplicaError/ingest(_:)`` (nothing changed), or
    ///   ``ReplicaError/bundleFiles(_:imported:)`` as ``importBundle(from:)``.
    public func importBundle(
        from path: String, policy: WritePolicy, hubKey: [UInt8], hubName: String, vouched: Role?
    ) throws -> (BundleStats, IngestReport) {
        var report = IngestReport()
        let (schema, hubOrigin, now) = (self.schema, replicaID, clock())
        var stats = try freezingOnProvenFork {
            try importBundle(from: path) { db, applier, header in
                let own = EnrolmentRecord.vouched(header.enrolments, hub: hubName, hubKey: hubKey)
                let takenBack = try Self.take(db, own, apply: true).count
                let rules = try Self.ingestRules(db, policy: policy, hubKey: hubKey)
                let checker = IngestChecker(
                    db, applier: applier, schema: schema, rules: rules, source: .bundle(vouched: vouched),
                    hubOrigin: hubOrigin, sender: header.from, receivedMs: now, checkpoints: header.checkpoints)
                return (
                    { try checker.admit($0) },
                    {
                        report = try checker.finish()
                        report.enrolmentsTakenBack = takenBack
                    }
                )
            }
        }
        stats.duplicates = report.duplicates
        return (stats, report)
    }
}
