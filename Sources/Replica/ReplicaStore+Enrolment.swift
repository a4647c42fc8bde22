import GRDB
import SyncCore

/// A replica enrolled at a hub: its role and the public half of its key. The private half exists only
/// in the credential file given to the replica.
public struct EnrolledReplica: Sendable, Hashable {
    /// The replica id.
    public var replica: String
    /// What it may write.
    public var role: Role
    /// Its Ed25519 public key (32 bytes).
    public var publicKey: [UInt8]
    /// When it was enrolled (ms since 1970, the hub's clock).
    public var enrolledMs: Int64
    /// When it was revoked, if it was.
    public var revokedMs: Int64?
    /// When it last finished a sync session with this hub, if it did.
    public var lastSyncMs: Int64? = nil
    /// Which key of the replica id is current (1, 2, … with each renewal).
    public var serial: UInt64 = 1
    /// For a revoked replica: its last operation whose work stands (the hub's at the revocation); its
    /// later work is quarantined. Nil when not revoked, or revoked before the log recorded cutoffs.
    public var revokedSeq: UInt64? = nil

    /// Whether it is shut out.
    public var isRevoked: Bool { revokedMs != nil }
}

extension ReplicaStore {
    /// Enrols a replica with a role and a public key, replacing an earlier enrolment of the same id (its
    /// old key stops working).
    public func enrol(replica: String, role: Role, publicKey: [UInt8]) throws {
        guard Identifiers.isReplicaID(replica) else { throw ReplicaError.invalidReplicaID(replica) }
        let now = clock()
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO enrolment (replica, role, public_key, enrolled_ms, revoked_ms)
                    VALUES (?, ?, ?, ?, NULL)
                    """,
                arguments: [replica, role.description, publicKey.hexString, now])
        }
    }

    /// Every enrolled replica, by id.
    public func enrolments() throws -> [EnrolledReplica] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM enrolment ORDER BY replica").compactMap(Self.enrolled)
        }
    }

    /// The enrolment of one replica, if any.
    public func enrolment(of replica: String) throws -> EnrolledReplica? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM enrolment WHERE replica = ?", arguments: [replica]).flatMap(
                Self.enrolled)
        }
    }

    /// Records that a replica finished a sync session now.
    public func recordSync(of replica: String) throws {
        let now = clock()
        try queue.write { db in
            try db.execute(sql: "UPDATE enrolment SET last_sync_ms = ? WHERE replica = ?", arguments: [now, replica])
        }
    }

    /// Shuts a replica out from its next session on.
    /// - Returns: false when no such replica is enrolled.
    @discardableResult
    public func revoke(_ replica: String) throws -> Bool {
        let now = clock()
        return try queue.write { db in
            try db.execute(
                sql: "UPDATE enrolment SET revoked_ms = coalesce(revoked_ms, ?) WHERE replica = ?",
                arguments: [now, replica])
            return db.changesCount > 0
        }
    }

    static func enrolled(_ row: Row) -> EnrolledReplica? {
        guard let role = Role(parsing: row["role"]), let key = Hex.bytes(row["public_key"]), key.count == 32 else {
            return nil
        }
        return EnrolledReplica(
            replica: row["replica"], role: role, publicKey: key, enrolledMs: row["enrolled_ms"],
            revokedMs: row["revoked_ms"], lastSyncMs: row["last_sync_ms"], serial: UInt64(row["serial"] as Int64),
            revokedSeq: (row["revoked_seq"] as Int64?).map { UInt64($0) })
    }
}
