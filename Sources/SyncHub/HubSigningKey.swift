import Crypto
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
        let seed = Array(Curve25519.Signing.PrivateKey().rawRepresentation)
        try store.setMetadata(.hubSigningKey, seed.hexString)
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
    /// What arriving work is judged by now: the write policy, the enrolled writers (read at each use,
    /// so that an enrolment or revocation applies at once), and the hub's own key.
    public func ingestRules() throws -> IngestRules {
        var writers: [String: IngestWriter] = [:]
        for enrolled in try store.enrolments() {
            writers[enrolled.replica] = IngestWriter(
                role: enrolled.role, keys: [enrolled.publicKey], isRevoked: enrolled.isRevoked)
        }
        return IngestRules(policy: policy, writers: writers, hubKey: try HubSigningKey.publicKey(of: store))
    }
}
