import Foundation
import NTM
import Replica
import SyncHub

/// What restoring a hub from a backup made: the new replica id and epoch, and what is left to do.
public struct HubRestoration: Sendable, Hashable {
    /// The restored hub's new replica id (the backup's, cut to fit, with `-r` and a random suffix).
    public let replicaID: String
    /// The new epoch: every replica pulls from the start and pushes back what the backup lacks.
    public let epoch: String
    /// The hub's name, kept from the backup: the replicas' credentials name it.
    public let name: String
    /// How many replicas the backup allows in (enrolled, not revoked).
    public let enrolled: Int
    /// For a hub below another (a district's below its province): the hub above and the role it
    /// enrolled this hub with. The hub above must enrol the new replica id with that role, since a
    /// credential names one replica id.
    public var above: (hub: String, role: Role)? = nil

    /// Two restorations are the same when they made the same hub.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.replicaID == rhs.replicaID && lhs.epoch == rhs.epoch && lhs.name == rhs.name
            && lhs.enrolled == rhs.enrolled && lhs.above?.hub == rhs.above?.hub && lhs.above?.role == rhs.above?.role
    }

    /// Hashes what ``==`` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(replicaID)
        hasher.combine(epoch)
        hasher.combine(above?.hub)
    }
}

extension HubSetup {
    /// Restores a hub from a backup made by `ntm hub backup`: copies it to `target`, gives the copy a
    /// new replica id (the lost original may have written dots after the backup that communes hold)
    /// and a new epoch, and keeps the hub's name.
    /// - Throws: ``ReplicaError/alreadyExists(path:)`` when `target` exists,
    ///   ``ReplicaError/missingDatabase(path:)`` when `backup` does not, ``HubSetupError/notAHub(_:)``
    ///   when the backup is a commune's.
    public static func restore(backup: String, to target: String) throws -> HubRestoration {
        guard !FileManager.default.fileExists(atPath: target) else {
            throw ReplicaError.alreadyExists(path: target)
        }
        guard FileManager.default.fileExists(atPath: backup) else {
            throw ReplicaError.missingDatabase(path: backup)
        }
        // The backup is only read: nothing (not even a missing epoch) is written into it.
        let old = try NTMDatabase.open(at: backup)
        guard old.homeCommune == nil, old.unit != nil else { throw HubSetupError.notAHub(old.store.path) }
        let name = try Self.name(old) ?? old.store.replicaID
        try FileManager.default.copyItem(atPath: backup, toPath: target)
        let suffix = "-r" + NTMDatabase.randomHex(6)
        let newID = String(old.store.replicaID.prefix(64 - suffix.count)) + suffix
        try ReplicaStore.takeNewIdentity(at: target, replicaID: newID)
        let restored = try NTMDatabase.open(at: target)
        // Until every laptop has synced since, the hub says it may lack what they give back (§14.5).
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        try restored.store.setMetadata([
            .hubEpoch: "", .hubName: name, .hubRestoredMs: String(now), .hubRecoveredEnrolments: "0",
        ])
        let newEpoch = try Self.epoch(restored)
        let enrolled = try restored.store.enrolments().filter { !$0.isRevoked }.count
        var restoration = HubRestoration(replicaID: newID, epoch: newEpoch, name: name, enrolled: enrolled)
        if let credential = try? CredentialFile.installed(in: restored.store) {
            restoration.above = (credential.hub, credential.role)
        }
        return restoration
    }
}
