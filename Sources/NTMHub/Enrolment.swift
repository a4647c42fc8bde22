import Foundation
import NTM
import Replica
import SyncCore
import SyncHub

/// The hub's enrolment rules: which roles a replica may be enrolled with, when a replica may be
/// enrolled again, which credential fits which database, and revoking.
public enum Enrolment {
    /// The role a `--role` text names: an NTM role (``NTMRole``), a department's or a sector's name
    /// matched against those of the criteria sets (and spelled as they spell them); `departments` and
    /// `sectors` are asked only for such a role.
    /// - Throws: ``EnrolmentUsage/badRole(_:)``, ``EnrolmentUsage/unknownDepartment(_:known:)`` or
    ///   ``EnrolmentUsage/unknownSector(_:known:)``.
    public static func role(
        _ text: String, departments: () throws -> [String], sectors: () throws -> [String] = { [] }
    ) throws -> Role {
        guard let parsed = NTMRole.parse(text) else { throw EnrolmentUsage.badRole(text) }
        if let name = parsed.department {
            let known = Array(Set(try departments())).sorted()
            guard let found = CommuneReplica.match(name, among: known) else {
                throw EnrolmentUsage.unknownDepartment(name, known: known)
            }
            return .department(found)
        }
        if let name = parsed.sector {
            let known = Array(Set(try sectors())).sorted()
            guard let found = CommuneReplica.match(name, among: known) else {
                throw EnrolmentUsage.unknownSector(name, known: known)
            }
            return .sector(found)
        }
        return parsed
    }

    /// Checks that a role may be enrolled at a hub of this unit: a commune named like the hub's unit
    /// would own its rows; a province hub enrols communes, district hubs, sectors and the province
    /// office; a district hub enrols communes, departments and the district office.
    /// - Throws: ``EnrolmentUsage/communeIsDistrict(_:)`` or ``EnrolmentUsage/roleNotAtThisHub(_:province:)``.
    public static func check(_ role: Role, district: String?, province: Bool = false) throws {
        if let slug = role.commune, slug == district { throw EnrolmentUsage.communeIsDistrict(slug) }
        let fits =
            province
            ? role.commune != nil || role.districtUnit != nil || role.sector != nil || role.isProvince
            : role.commune != nil || role.department != nil || (role.isDistrict && role.districtUnit == nil)
        guard fits else { throw EnrolmentUsage.roleNotAtThisHub(role.description, province: province) }
        if let slug = role.districtUnit, slug == district { throw EnrolmentUsage.communeIsDistrict(slug) }
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
    /// the district office's, a sector's and the province office's only on a database without a home
    /// commune (a district hub's `district:SLUG` only on that district's), a department's anywhere.
    public static func fits(_ role: Role, commune: String?, unit: String? = nil) -> Bool {
        if let slug = role.commune { return slug == commune }
        if let slug = role.districtUnit, let unit, slug != unit { return false }
        if role.isDistrict || role.sector != nil || role.isProvince { return commune == nil }
        return role.department != nil
    }

    /// Enrols a replica at the hub `database` holds and writes its credential to `out` (only its owner
    /// may read it); returns the role enrolled. The file is written first and removed when enrolling
    /// fails, so that no key is left that nobody accepts.
    /// - Throws: ``HubSetupError``, ``EnrolmentUsage``, ``ReplicaError`` (an invalid replica id, `out`
    ///   already there) or ``BundleError/unwritable(path:reason:)``.
    public static func enrol(
        replica: String, role text: String, out: String, renew: Bool, district parent: String? = nil,
        at database: NTMDatabase
    ) throws -> Role {
        let pin = try HubSetup.tls(database).pin
        let hub = try HubSetup.identity(database)
        let role = try role(
            text, departments: { try database.library().all.flatMap(\.departments) },
            sectors: { try database.library().all.flatMap(\.sectors) })
        guard Identifiers.isReplicaID(replica) else { throw ReplicaError.invalidReplicaID(replica) }
        try check(role, district: hub.district, province: database.province != nil)
        if let parent {
            guard database.province != nil, role.commune != nil else { throw EnrolmentUsage.districtOnlyForCommune }
            guard Identifiers.isSlug(parent) else { throw EnrolmentUsage.badDistrict(parent) }
        }
        // A hub above this one (or this hub itself) enrolled below it would make a cycle.
        if try hub.isSelfOrAbove(replica) { throw EnrolmentUsage.cycle(replica) }
        try checkReplica(replica, at: hub.store, renew: renew)
        guard !FileManager.default.fileExists(atPath: out) else { throw ReplicaError.alreadyExists(path: out) }
        // A commune enrolled at a province: its credential names its district (or none, in a two-tier
        // province, or for one placed straight under the province), which its laptop records as the
        // commune's, never the province.
        let place =
            database.province != nil && role.commune != nil
            ? (parent == database.province ? nil : parent) : hub.district
        let credential = Credential.issue(replica: replica, role: role, hub: hub.name, district: place, tls: pin)
        guard
            FileManager.default.createFile(
                atPath: out, contents: Data(credential.fileContents.utf8), attributes: [.posixPermissions: 0o600])
        else { throw BundleError.unwritable(path: out, reason: "cannot create the file") }
        do {
            try hub.enrol(replica: replica, role: role, publicKey: credential.publicKey)
            // Enrolled here directly: a lower hub's log no longer speaks for it, and a new district
            // hub's database shows its own log key.
            try hub.store.setDelegatingHub(of: replica, to: nil)
            if role.districtUnit != nil { try hub.store.unpinLowerHub(replica) }
            if let slug = role.commune, let province = database.province {
                // Placed under its district when one is named (the province's own slug: straight under
                // the province), else left where it is; a commune never placed sits straight under the
                // province, so that no district hub can claim it.
                if let parent {
                    try hub.store.setUnitParent(slug, parent == province ? province : parent)
                } else if try hub.store.unitParents()[slug] == nil {
                    try hub.store.setUnitParent(slug, province)
                }
            }
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
        // Revoked here: the lower hub that enrolled it no longer speaks for it (its renewal would undo this).
        try hub.store.setDelegatingHub(of: replica, to: nil)
    }
}
