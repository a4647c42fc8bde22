import Crypto
import Foundation
import Replica
import SyncCore

extension MetadataKey {
    /// The hub's own Ed25519 key (its 32-byte seed in hex), made once: it signs the checkpoints of the
    /// hub's own writes, so that a hub restored from a backup can take them back from the laptops that
    /// hold them. Local metadata: it never leaves the hub database (and its backups).
    public static let hubSigningKey = MetadataKey(rawValue: "hub_signing_key")
}

/// The district hub's own signing key, kept in its database.
public enum HubSigningKey {
    /// The key's seed, made and saved on first use.
    public static func seed(of store: ReplicaStore) throws -> [UInt8] {
        if let text = try store.metadata(.hubSigningKey), let seed = Hex.bytes(text), seed.count == 32 {
            return seed
        }
        // Made once: two processes starting at once (a serve and an enrolment) keep the first key.
        let made = Array(Curve25519.Signing.PrivateKey().rawRepresentation).hexString
        let kept = try store.setMetadataIfAbsent(MetadataKey.hubSigningKey.rawValue, made)
        guard let seed = Hex.bytes(kept), seed.count == 32 else {
            throw ReplicaError.notAReplica(path: store.path, reason: "its hub signing key is damaged")
        }
        return seed
    }

    /// The key's public half, nil when the hub has none yet.
    public static func publicKey(of store: ReplicaStore) throws -> [UInt8]? {
        guard let text = try store.metadata(.hubSigningKey), let seed = Hex.bytes(text), seed.count == 32 else {
            return nil
        }
        return try Checkpoint.publicKey(seed: seed)
    }
}

extension HubIdentity {
    /// What arriving work is judged by now: the write policy, the enrolled writers with their retired
    /// keys and revocation cutoffs (read at each use, so that an enrolment or revocation applies at
    /// once), and the hub's own key. With `origins`, only those writers' (see
    /// ``ReplicaStore/ingestRules(policy:hubKey:origins:)``).
    public func ingestRules(origins: Set<String>? = nil) throws -> IngestRules {
        try store.ingestRules(policy: policy, hubKey: try HubSigningKey.publicKey(of: store), origins: origins)
    }

    /// Enrols a replica with a role and a public key, or renews it (a new key: the next serial), by a
    /// signed entry of the hub's enrolment log (§14.6): a renewal retires the previous key, valid for
    /// the replica's work up to the last operation the hub holds of it now.
    /// `cutoff`, when given, is where the previous key stays valid to (what a lower hub held when it
    /// renewed the key), instead of what this hub holds now.
    public func enrol(
        replica: String, role: Role, publicKey: [UInt8], cutoff given: (seq: UInt64, head: [UInt8])? = nil
    ) throws {
        guard Identifiers.isReplicaID(replica) else { throw ReplicaError.invalidReplicaID(replica) }
        let seed = try HubSigningKey.seed(of: store)
        try logLegacyEnrolment(of: replica, seed: seed)
        try store.appendEnrolmentRecord { previous, context in
            let serial = try context.serial(of: replica) + 1
            let cutoff =
                serial > 1 ? try given ?? context.head(of: replica) : (seq: 0, head: EnrolmentRecord.zeros)
            return try EnrolmentRecord.sign(
                after: previous, hub: name, kind: .enrol, replica: replica, role: role.description,
                publicKey: publicKey, serial: serial, cutoffSeq: cutoff.seq, cutoffHead: cutoff.head,
                issuedMs: Self.now(), hubSeed: seed)
        }
        // A new key lifts a freeze: the copy that forked keeps the old one, which vouches for nothing new.
        try store.unfreeze(replica)
    }

    /// Revokes a replica's current key by a signed log entry naming the cutoff: the last operation of
    /// the replica the hub holds, or `cutoff` when given (what a lower hub held when it revoked). Its
    /// work up to there stands; later work (relayed) is quarantined.
    /// - Returns: false when no such replica is enrolled.
    @discardableResult
    public func revoke(_ replica: String, cutoff given: (seq: UInt64, head: [UInt8])? = nil) throws -> Bool {
        guard let enrolled = try store.enrolment(of: replica) else { return false }
        guard !enrolled.isRevoked else { return true }
        let seed = try HubSigningKey.seed(of: store)
        try logLegacyEnrolment(of: replica, seed: seed)
        try store.appendEnrolmentRecord { previous, context in
            let cutoff = try given ?? context.head(of: replica)
            return try EnrolmentRecord.sign(
                after: previous, hub: name, kind: .revoke, replica: replica, role: "",
                publicKey: enrolled.publicKey, serial: 0, cutoffSeq: cutoff.seq, cutoffHead: cutoff.head,
                issuedMs: Self.now(), hubSeed: seed)
        }
        return true
    }

    /// Gives every enrolment made before the log existed its entry: a hub does so before it shows its
    /// log to the hub above, which enrols from entries only.
    public func logLegacyEnrolments() throws {
        let seed = try HubSigningKey.seed(of: store)
        for enrolled in try store.enrolments() { try logLegacyEnrolment(of: enrolled.replica, seed: seed) }
    }

    /// An enrolment made before the log existed gets its entry first, so that a renewal retires its key
    /// and a revocation finds it.
    private func logLegacyEnrolment(of replica: String, seed: [UInt8]) throws {
        guard let enrolled = try store.enrolment(of: replica), try store.enrolmentRecords(of: replica).isEmpty
        else { return }
        try store.appendEnrolmentRecord { previous, _ in
            try EnrolmentRecord.sign(
                after: previous, hub: name, kind: .enrol, replica: replica, role: enrolled.role.description,
                publicKey: enrolled.publicKey, serial: enrolled.serial, issuedMs: enrolled.enrolledMs, hubSeed: seed)
        }
        guard enrolled.isRevoked else { return }
        try store.appendEnrolmentRecord { previous, context in
            let cutoff = try context.head(of: replica)
            return try EnrolmentRecord.sign(
                after: previous, hub: name, kind: .revoke, replica: replica, role: "", publicKey: enrolled.publicKey,
                serial: 0, cutoffSeq: cutoff.seq, cutoffHead: cutoff.head, issuedMs: enrolled.revokedMs ?? Self.now(),
                hubSeed: seed)
        }
    }

    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
