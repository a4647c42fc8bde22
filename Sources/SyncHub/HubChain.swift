import Crypto
import Foundation
import Replica
import SyncCore
import SyncWire

extension MetadataKey {
    /// At a hub that syncs with a hub above it: that hub and the ones above it, nearest first (a JSON
    /// list of ``UpperHub``), as its last sync upward showed them.
    public static let hubsAbove = MetadataKey(rawValue: "hubs_above")
}

extension ReplicaStore {
    /// The hubs above this hub, nearest first, as recorded at its last sync upward; empty when it never
    /// synced with one.
    public func upperHubs() throws -> [UpperHub] {
        guard let text = try metadata(.hubsAbove), let json = try? JSONParser.parse(text) else { return [] }
        return (try? UpperHub.list(json, field: "hubs_above")) ?? []
    }

    /// Records the hubs above this hub, nearest first.
    public func recordUpperHubs(_ hubs: [UpperHub]) throws {
        try setMetadata(.hubsAbove, JSONWriter.string(.array(hubs.map(\.json))))
    }
}

/// A hub syncing with the hub above it, as its own client: the name its enrolment log is signed for
/// and the seed of the key that signs it (``HubSigningKey``).
public struct HubAsClient: Sendable {
    /// The hub's name (its log entries' `hub`).
    public var name: String
    /// The hub's signing key's seed.
    public var seed: [UInt8]
    /// The units it holds (its communes), which the hub above places under it when no one has yet.
    public var units: [String]

    /// Creates the description.
    public init(name: String, seed: [UInt8], units: [String] = []) {
        self.name = name
        self.seed = seed
        self.units = units
    }
}

extension HubIdentity {
    /// Whether `replica` is this hub or one of the hubs above it: enrolling it below this hub, or
    /// serving it as a lower hub, would make a cycle.
    public func isSelfOrAbove(_ replica: String) throws -> Bool {
        if replica == store.replicaID || replica == name { return true }
        return try store.upperHubs().contains { $0.hub == replica }
    }

    /// Takes the entries of a lower hub's enrolment log (each verified under its pinned key, in log
    /// order) and enrols here, by this hub's own signed log, what the domain's rule lets that hub grant
    /// (``RoleScopeRule/delegate``): a district's communes, departments and office. An entry is taken
    /// once. It never touches a replica enrolled here directly or through another lower hub, nor places
    /// a unit another lower hub holds. Returns how many entries changed an enrolment here.
    func takeDelegated(_ records: [EnrolmentRecord], from lower: LowerHub, role lowerRole: Role) throws -> Int {
        let mine = EnrolmentRecord.vouched(records, hub: lower.name, hubKey: lower.publicKey)
            .sorted { ($0.seq, $0.hash.hexString) < ($1.seq, $1.hash.hexString) }
        let taken = try store.takenDelegatedEntries(mine.map(\.hash))
        var changed = 0
        for record in mine where !taken.contains(record.hash) {
            if try applyDelegated(record, from: lower, role: lowerRole) { changed += 1 }
            try store.markDelegatedEntry(record.hash, hub: lower.name)
        }
        return changed
    }

    private func applyDelegated(_ record: EnrolmentRecord, from lower: LowerHub, role lowerRole: Role) throws -> Bool {
        let replica = record.replica
        guard replica != lower.replica, try !isSelfOrAbove(replica) else { return false }
        let existing = try store.enrolment(of: replica)
        // Delegations are kept by the lower hub's name, which stays when a restored hub takes a new
        // replica id (and is enrolled here again under it). A replica enrolled here directly, or through
        // another lower hub, is not this one's to change.
        if existing != nil, try store.delegatingHub(of: replica) != lower.name { return false }
        let cutoff = (seq: record.cutoffSeq, head: record.cutoffHead)
        switch record.kind {
        case .enrol:
            guard let granted = Role(parsing: record.role), let delegation = scopeRule.delegate(granted, lowerRole)
            else { return false }
            if let unit = delegation.unit, try !mayPlace(unit, under: delegation.parent) { return false }
            if let existing, existing.publicKey == record.publicKey, !existing.isRevoked,
                existing.role == delegation.role
            {
                return false
            }
            // A renewal at the lower hub retires the old key where that hub's cutoff says, not at what
            // this hub happens to hold of the replica yet.
            try enrol(replica: replica, role: delegation.role, publicKey: record.publicKey, cutoff: cutoff)
            try store.setDelegatingHub(of: replica, to: lower.name, unit: scopeRule.unit(lowerRole))
            if let unit = delegation.unit { try store.setUnitParent(unit, delegation.parent) }
            return true
        case .revoke:
            guard let existing, existing.publicKey == record.publicKey, !existing.isRevoked else { return false }
            return try revoke(replica, cutoff: cutoff)
        }
    }

    /// Places under a lower hub (of role `lowerRole`) the units it claims that no one placed yet and that
    /// it may hold (``mayPlace(_:under:)``): its communes known only from rows, with no laptop enrolled,
    /// whose rows its office writes. A unit placed already stays where it is. Returns how many were placed.
    func place(_ units: [String], under lowerRole: Role) throws -> Int {
        guard let parent = scopeRule.unit(lowerRole) else { return 0 }
        var placed = 0
        let parents = try store.unitParents()
        for unit in Set(units).sorted() where Identifiers.isSlug(unit) && parents[unit] == nil {
            guard try mayPlace(unit, under: parent) else { continue }
            try store.setUnitParent(unit, parent)
            placed += 1
        }
        return placed
    }

    /// Whether a lower hub may place `unit` under `parent`: not this hub's unit nor one above it, not
    /// a lower hub's own unit, and not a unit already placed elsewhere (another district's commune, or
    /// one enrolled straight here).
    private func mayPlace(_ unit: String, under parent: String?) throws -> Bool {
        if unit == district { return false }
        if try store.upperHubs().contains(where: { $0.unit == unit }) { return false }
        if try store.enrolments().contains(where: { scopeRule.unit($0.role) == unit && scopeRule.isLowerHub($0.role) })
        {
            return false
        }
        if let held = try store.unitParents()[unit], held != parent { return false }
        return true
    }
}

/// Why a lower hub's introduction in a bundle (§15.5.1) was not taken: nothing of the bundle is imported.
public enum LowerHubError: Error, Equatable, Sendable {
    /// The introduction is not readable as one.
    case malformed
    /// The replica it names is not enrolled here as a lower hub (or was revoked).
    case notALowerHub(String)
    /// Its signature is not the enrolled replica's over this hub's name and the log's key.
    case badSignature(String)
    /// The log's name is not the replica's own, nor one enrolled here with its role.
    case foreignName(replica: String, name: String)
    /// Another key is pinned for the replica or the name.
    case otherKey(String)
    /// The replica or the name is this hub or one above it.
    case cycle(String)
}

extension Credential {
    /// The bytes a lower hub's credential signs to introduce its enrolment log's key to the hub above in
    /// a bundle: the hub above, the replica, the log's name and key.
    static func introductionMessage(hub: String, replica: String, name: String, key: [UInt8], units: [String])
        -> [UInt8]
    {
        Array("ntm-lower-hub/1\n\(hub)\n\(replica)\n\(name)\n\(key.hexString)\n\(units.joined(separator: ","))\n".utf8)
    }

    /// A lower hub's introduction of its log (`name`, signed with `seed`'s key) to the hub that issued
    /// this credential, for a bundle's header (`lower_hub`): the hub above takes the log's entries the
    /// bundle carries as it would in a session.
    public func introduce(_ hub: HubAsClient) throws -> JSONValue {
        let key = try Checkpoint.publicKey(seed: hub.seed)
        let units = Array(hub.units.prefix(LowerHubInfo.maximumUnits))
        let message = Self.introductionMessage(hub: self.hub, replica: replica, name: hub.name, key: key, units: units)
        let signature = Array(try signingKey.signature(for: message))
        return .object([
            "replica": .string(replica), "name": .string(hub.name), "key": .string(key.hexString),
            "units": .array(units.map(JSONValue.string)), "signature": .string(signature.hexString),
        ])
    }
}

extension HubIdentity {
    /// Takes a lower hub's introduction from a bundle's header and the log entries the header carries,
    /// as a session with that hub would (§15.5.1): the replica named is enrolled here as a lower hub and
    /// signed the introduction; its log's key is pinned (or must match the pinned one); its entries enrol
    /// what it may grant. Returns how many enrolments they made or changed here.
    /// - Throws: ``LowerHubError``; nothing is taken then.
    public func takeIntroduction(_ json: JSONValue, entries: [EnrolmentRecord]) throws -> Int {
        guard let object = json.object, let replica = object["replica"]?.string, let name = object["name"]?.string,
            let key = object["key"]?.string.flatMap(Hex.bytes), key.count == 32,
            let signature = object["signature"]?.string.flatMap(Hex.bytes)
        else { throw LowerHubError.malformed }
        let listed = object["units"]?.array ?? []
        let units = listed.compactMap(\.string)
        guard units.count == listed.count, units.count <= LowerHubInfo.maximumUnits else {
            throw LowerHubError.malformed
        }
        guard let enrolled = try store.enrolment(of: replica), !enrolled.isRevoked, scopeRule.isLowerHub(enrolled.role)
        else { throw LowerHubError.notALowerHub(replica) }
        let message = Credential.introductionMessage(
            hub: self.name, replica: replica, name: name, key: key, units: units)
        guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: enrolled.publicKey),
            publicKey.isValidSignature(signature, for: message)
        else { throw LowerHubError.badSignature(replica) }
        guard try name == replica || store.enrolment(of: name)?.role == enrolled.role else {
            throw LowerHubError.foreignName(replica: replica, name: name)
        }
        if try isSelfOrAbove(replica) || isSelfOrAbove(name) { throw LowerHubError.cycle(replica) }
        let shown = LowerHub(replica: replica, name: name, publicKey: key)
        guard try store.pinLowerHub(shown) == shown else { throw LowerHubError.otherKey(replica) }
        _ = try place(units, under: enrolled.role)
        return try takeDelegated(entries, from: shown, role: enrolled.role)
    }
}
