import Foundation
import GRDB
import SyncCore

extension ReplicaStore {
    /// A hub takes a push batch through its one way in (``IngestChecker``), in one transaction: the
    /// operations its writers may write are applied, the others quarantined, those not vouched for
    /// wait; any violation throws ``IngestError`` and nothing is changed.
    public func ingest(
        _ operations: [SyncOperation], from source: IngestSource, sender: String, checkpoints: [Checkpoint],
        rules: IngestRules
    ) throws -> IngestReport {
        let now = clock()
        return try queue.write { db in
            let applier = try Applier(db, schema: schema, recordedMs: now, rowCacheLimit: rowCacheLimit)
            let checker = IngestChecker(
                db, applier: applier, schema: schema, rules: rules, source: source, hubOrigin: replicaID,
                sender: sender, receivedMs: now, checkpoints: checkpoints)
            for op in operations { try checker.admit(PreparedOperation(op)) }
            let report = try checker.finish()
            try applier.finish()
            return report
        }
    }

    /// A hub imports a bundle through its one way in: the same checks as a pushed batch, every origin
    /// judged by its writer's enrolled role and vouched for by the checkpoints the bundle's header
    /// carries, in one transaction (a violation refuses the whole bundle). The file section follows
    /// as in ``importBundle(from:)``. `vouched` is the role a person stated for writers the hub does
    /// not know; without it their work waits.
    /// - Throws: ``ReplicaError/bundle(_:)``, ``ReplicaError/ingest(_:)`` (nothing changed), or
    ///   ``ReplicaError/bundleFiles(_:imported:)`` as ``importBundle(from:)``.
    public func importBundle(from path: String, rules: IngestRules, vouched: Role?) throws -> (
        BundleStats, IngestReport
    ) {
        var report = IngestReport()
        let (schema, hubOrigin, now) = (self.schema, replicaID, clock())
        var stats = try importBundle(from: path) { db, applier, header in
            let sender = header.from
            let checker = IngestChecker(
                db, applier: applier, schema: schema, rules: rules, source: .bundle(vouched: vouched),
                hubOrigin: hubOrigin, sender: sender, receivedMs: now,
                checkpoints: header.checkpoints)
            return (
                { try checker.admit($0) },
                {
                    report = try checker.finish()
                }
            )
        }
        stats.duplicates = report.duplicates
        return (stats, report)
    }
}
