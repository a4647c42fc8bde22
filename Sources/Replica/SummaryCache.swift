import Foundation
import GRDB
import SyncCore

/// The summary of held dots (every origin's ranges, the `holdings` table) as last committed through
/// this store's connection, kept between transactions.
///
/// Reading it from the table means parsing every origin's ranges: at a hub that holds 600 replicas'
/// work, each push batch paid that before its first operation, a cost that grew with the number of
/// replicas. The copy is used only while nothing can have changed the table since it was taken:
/// - no other connection committed since (SQLite's `PRAGMA data_version` is unchanged), and
/// - this connection changed no row since (its total count of changed rows is unchanged; a change
///   rolled back counts too, so a summary of work that was rolled back is never used).
///
/// It is kept only from a committed transaction (an applier's, after its commit) or a read outside
/// any write, so it never holds a dot the database does not. A stale copy could only lack dots, and a
/// dot applied twice is refused by the log's `UNIQUE (origin, seq)`: never silently dropped.
final class SummaryCache: @unchecked Sendable {
    private struct Entry {
        var dataVersion: Int64
        var totalChanges: Int
        var summary: Summary
    }

    private let lock = NSLock()
    private var entry: Entry?

    /// The summary as the database holds it now: the kept copy when it is still valid, else read
    /// from `holdings`, and kept when `keeping` (only in a read, where nothing can roll back).
    func summary(_ db: Database, keeping: Bool = false) throws -> Summary {
        let version = try Self.dataVersion(db)
        let changes = db.totalChangesCount
        if let kept = lock.withLock({ entry }), kept.dataVersion == version, kept.totalChanges == changes {
            return kept.summary
        }
        let summary = try ReplicaStore.loadSummary(db)
        if keeping {
            lock.withLock { entry = Entry(dataVersion: version, totalChanges: changes, summary: summary) }
        }
        return summary
    }

    /// Not to be called inside a savepoint that may be rolled back while its transaction commits:
    /// `ROLLBACK TO` neither reports a rollback nor lowers the count of changed rows (no code of this
    /// module uses savepoints).
    ///
    /// Keeps `summary` once the transaction `db` is in commits (an applier's, whose `finish` wrote
    /// it to `holdings`), provided nothing changed after this call in that transaction (another applier
    /// in the same transaction keeps its own); drops any copy if it rolls back.
    func keep(_ summary: Summary, whenCommitted db: Database) throws {
        let version = try Self.dataVersion(db)
        let changes = db.totalChangesCount
        db.afterNextTransaction(
            onCommit: { [self] db in
                let unchanged = db.totalChangesCount == changes
                lock.withLock {
                    entry = unchanged ? Entry(dataVersion: version, totalChanges: changes, summary: summary) : nil
                }
            },
            onRollback: { [self] _ in lock.withLock { entry = nil } })
    }

    /// Forgets the copy.
    func clear() { lock.withLock { entry = nil } }

    private static func dataVersion(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
    }
}
