import Replica
import SyncCore

extension MetadataKey {
    /// When the hub was restored from a backup (ms since 1970), empty when it never was.
    public static let hubRestoredMs = MetadataKey(rawValue: "hub_restored_ms")
    /// How many enrolment log entries the hub has taken back from laptops and bundles since.
    public static let hubRecoveredEnrolments = MetadataKey(rawValue: "hub_recovered_enrolments")
}

/// How far a hub restored from a backup has caught up: it cannot know what it lost, but every laptop
/// that syncs gives back the enrolment log entries and the hub's own writes it holds (§14.5, §14.6),
/// so it has caught up once every enrolled laptop has synced since the restore.
public struct HubRecovery: Sendable, Equatable {
    /// When the hub was restored (ms since 1970).
    public var restoredMs: Int64
    /// Enrolled, unrevoked replicas that have not synced since: what they hold may still be missing.
    public var waitingFor: [String]
    /// Enrolment log entries taken back so far.
    public var enrolmentsTakenBack: Int

    /// Whether every enrolled laptop has synced since the restore.
    public var caughtUp: Bool { waitingFor.isEmpty }

    /// The hub's recovery, nil when it was never restored.
    public static func status(of store: ReplicaStore) throws -> HubRecovery? {
        guard let text = try store.metadata(.hubRestoredMs), let restored = Int64(text) else { return nil }
        // Laptops enrolled after the restore hold nothing it lost.
        let waiting = try store.enrolments().filter {
            !$0.isRevoked && $0.enrolledMs < restored && ($0.lastSyncMs ?? .min) < restored
        }
        return HubRecovery(
            restoredMs: restored, waitingFor: waiting.map(\.replica),
            enrolmentsTakenBack: Int(try store.metadata(.hubRecoveredEnrolments) ?? "") ?? 0)
    }

    /// Counts entries of the enrolment log taken back (from a session, or a bundle imported at the hub).
    public static func note(enrolments: Int, in store: ReplicaStore) throws {
        let before = Int(try store.metadata(.hubRecoveredEnrolments) ?? "") ?? 0
        try store.setMetadata(.hubRecoveredEnrolments, String(before + enrolments))
    }
}
