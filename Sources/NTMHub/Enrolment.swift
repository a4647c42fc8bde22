import Foundation
import NTM
import Replica
import SyncCore
import SyncHub

/// The hub's enrolment rules: which roles a replica may be enrolled with, when a replica may be
/// enrolled again, which credential fits which database, and revoking.
public enum Enrolment {
    /// The role a `--role` text names: an NTM role (``NTMRole``), a department's name matched against
    /// the departments of the criteria sets (and spelled as they spell it); `departments` is asked only
    /// for a department's role.
    /// - Throws: ``EnrolmentUsage/badRole(_:)`` or ``EnrolmentUsage/unknownDepartment(_:known:)``.
    public static func role(_ text: String, departments: () throws -> [String]) throws -> Role {
        guard let parsed = NTMRole.parse(text) else { throw EnrolmentUsage.badRole(text) }
        guard let name = parsed.department else { return parsed }
        let known = Array(Set(try departments())).sorted()
        guard let found = CommuneReplica.match(name, among: known) else {
            throw EnrolmentUsage.unknownDepartment(name, known: known)
        }
        return .department(found)
    }

    /// Checks that a role may be enrolled at a hub of this district: a commune named like its district
    /// would own the district's rows.
    /// - Throws: ``EnrolmentUsage/communeIsDistrict(_:)``.
    public static func check(_ role: Role, district: String?) throws {
        if let slug = role.commune, slug == district { throw EnrolmentUsage.communeIsDistrict(slug) }
    }

    /// Checks that a replica may be enrolled now: its id is valid, and it is not enrolled already
    /// (unless revoked, or a new key is asked for with `renew`).
    /// - Throws: ``ReplicaError/invalidReplicaID(_:)`` or ``EnrolmentUsage/alreadyEnrolled(_:)``.
    public static func checkReplica(_ replica: String, at store: ReplicaStore, renew: Bool) throws {
        guard Identifiers.isReplicaID(replica) else { throw ReplicaError.invalidReplicaID(replica) }
        if let existing = try store.enrolment(of: replica), !existing.isRevoked, !renew {
            throw EnrolmentUsage.alreadyEnrolled(replica)
        }
    }

    /// Whether a credential's role fits a database: a commune's role only on that commune's database,
    /// the district office's only on a district database (no home commune), a department's anywhere.
    public static func fits(_ role: Role, commune: String?) -> Bool {
        if let slug = role.commune { return slug == commune }
        if role.isDistrict { return commune == nil }
        return role.department != nil
    }

    /// Enrols a replica at the hub `database` holds and writes its credential to `out` (only its owner
    /// may read it); returns the role enrolled. The file is written first and removed when enrolling
    /// fails, so that no key is left that nobody accepts.
    /// - Throws: ``HubSetupError``, ``EnrolmentUsage``, ``ReplicaError`` (an invalid replica id, `out`
    ///   already there) or ``BundleError/unwritable(path:reason:)``.
    public static func enrol(
        replica: String, role text: String, out: String, renew: Bool, at database: NTMDatabase
    ) throws -> Role {
        let pin = try HubSetup.tls(database).pin
        let hub = try HubSetup.identity(database)
        let role = try role(text, departments: { try database.library().all.flatMap(\.departments) })
        guard Identifiers.isReplicaID(replica) else { throw ReplicaError.invalidReplicaID(replica) }
        try check(role, district: hub.district)
        try checkReplica(replica, at: hub.store, renew: renew)
        guard !FileManager.default.fileExists(atPath: out) else { throw ReplicaError.alreadyExists(path: out) }
        let credential = Credential.issue(
            replica: replica, role: role, hub: hub.name, district: hub.district, tls: pin)
        guard
            FileManager.default.createFile(
                atPath: out, contents: Data(credential.fileContents.utf8), attributes: [.posixPermissions: 0o600])
        else { throw BundleError.unwritable(path: out, reason: "cannot create the file") }
        do {
            try hub.enrol(replica: replica, role: role, publicKey: credential.publicKey)
        } catch {
            try? FileManager.default.removeItem(atPath: out)
            throw error
        }
        return role
    }

    /// Revokes a replica at the hub `database` holds (from its next sync on).
    /// - Throws: ``HubSetupError`` or ``EnrolmentUsage/notEnrolled(_:)``.
    public static func revoke(_ replica: String, at database: NTMDatabase) throws {
        let hub = try HubSetup.identity(database)
        guard try hub.revoke(replica) else { throw EnrolmentUsage.notEnrolled(replica) }
    }
}
