import Foundation
import NTM
import Replica
import SyncHub

/// Reading and installing credential files.
public enum CredentialFile {
    /// The credential installed in a replica, if any.
    /// - Throws: ``EnrolmentUsage/damagedInstalledCredential(database:replica:problem:)`` when the stored
    ///   copy is not a credential any more.
    public static func installed(in store: ReplicaStore) throws -> Credential? {
        do {
            return try Credential.installed(in: store, roles: .ntm)
        } catch CredentialError.notACredential(let problem) {
            throw EnrolmentUsage.damagedInstalledCredential(
                database: store.path, replica: store.replicaID, problem: problem)
        }
    }

    /// Reads a credential file carried from the hub.
    /// - Throws: ``EnrolmentUsage/unreadable(_:)`` or ``EnrolmentUsage/badCredential(_:problem:)``.
    public static func read(_ path: String) throws -> Credential {
        guard let data = FileManager.default.contents(atPath: path) else { throw EnrolmentUsage.unreadable(path) }
        do {
            return try Credential(fileContents: Array(data), roles: .ntm)
        } catch CredentialError.notACredential(let problem) {
            throw EnrolmentUsage.badCredential(path, problem: problem)
        }
    }

    /// Checks that a credential is for this replica: the same replica id, and for a commune's role the
    /// same commune (a district office's role only on a district database).
    public static func check(
        _ credential: Credential, from path: String, replica: String, commune: String?, place: String,
        unit: String? = nil
    ) throws {
        guard credential.replica == replica else {
            throw EnrolmentUsage.wrongReplica(file: path, credential: credential.replica, database: replica)
        }
        guard Enrolment.fits(credential.role, commune: commune, unit: unit) else {
            throw EnrolmentUsage.wrongCommune(credential: credential.role.description, database: place)
        }
    }

    /// Stores the credential in a replica's local metadata, after ``check(_:from:replica:commune:place:)``.
    public static func install(_ credential: Credential, from path: String, into database: NTMDatabase) throws {
        try check(
            credential, from: path, replica: database.store.replicaID, commune: database.homeCommune,
            place: database.homeCommune ?? database.unit ?? "", unit: database.unit)
        // The role also on its own, for the checks the NTM layer makes before writing.
        try database.store.setMetadata([
            MetadataKey.credential.rawValue: credential.fileContents,
            NTMDatabase.roleMetadataKey: credential.role.description,
        ])
    }
}
