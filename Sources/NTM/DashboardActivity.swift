import Foundation
import Replica
import SyncCore

/// What the dashboard page shows beside the report figures: the state of the replicas rather than of the
/// criteria. Open conflicts and refused writes per commune, and when each replica last synced.
public struct DashboardActivity: Sendable, Hashable {
    /// One replica as the hub knows it.
    public struct ReplicaSync: Sendable, Hashable {
        /// The replica's id.
        public var replica: String
        /// Its enrolled role (`commune:dan-ly`, `department:…`).
        public var role: String
        /// When it last synced with this hub (ms since 1970), nil if never.
        public var lastSyncMs: Int64?
        /// Whether its enrolment is revoked.
        public var revoked: Bool

        /// Creates an entry.
        public init(replica: String, role: String, lastSyncMs: Int64?, revoked: Bool) {
            self.replica = replica
            self.role = role
            self.lastSyncMs = lastSyncMs
            self.revoked = revoked
        }
    }

    /// The replicas enrolled at this hub, by id; empty on a laptop.
    public var replicas: [ReplicaSync]
    /// Open conflicts (every field, not only those the figures depend on), by commune slug.
    public var openConflicts: [String: Int]
    /// Writes refused: at a hub the operations it quarantined, on a laptop the refusals the hub sent back
    /// and not withdrawn; by commune slug.
    public var refused: [String: Int]
    /// Evidence files put beside the page for it to link to (`--with-files`); empty otherwise.
    public var files: [EvidenceFileLink] = []

    /// Creates activity figures.
    public init(
        replicas: [ReplicaSync] = [], openConflicts: [String: Int] = [:], refused: [String: Int] = [:]
    ) {
        self.replicas = replicas
        self.openConflicts = openConflicts
        self.refused = refused
    }

    /// The commune (or unit) a replicated row belongs to: the part of its id before the first "/".
    static func unit(ofRow row: String) -> String { String(row.prefix { $0 != "/" }) }
}

extension NTMDatabase {
    /// The dashboard's activity figures as this database holds them now.
    public func dashboardActivity() throws -> DashboardActivity {
        var activity = DashboardActivity()
        for (row, count) in try store.conflictCountsByRow() {
            activity.openConflicts[DashboardActivity.unit(ofRow: row), default: 0] += count
        }
        if isHub {
            for held in try store.quarantine() {
                activity.refused[DashboardActivity.unit(ofRow: held.operation.key.row), default: 0] += 1
            }
            activity.replicas = try store.enrolments().map {
                DashboardActivity.ReplicaSync(
                    replica: $0.replica, role: $0.role.description, lastSyncMs: $0.lastSyncMs, revoked: $0.isRevoked)
            }
        } else {
            for refusal in try store.refusals() {
                guard let operation = refusal.operation else { continue }
                activity.refused[DashboardActivity.unit(ofRow: operation.key.row), default: 0] += 1
            }
        }
        return activity
    }
}
