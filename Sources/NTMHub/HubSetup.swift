import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire

/// A district database as the sync hub sees it: its epoch, its name, and the identity the hub serves with.
public enum HubSetup {
    /// The hub's epoch, made once (a random id) and then read back: replicas that see another one start
    /// pulling afresh.
    public static func epoch(_ database: NTMDatabase) throws -> String {
        if let epoch = try database.store.metadata(.hubEpoch), !epoch.isEmpty { return epoch }
        let epoch = NTMDatabase.randomHex(16)
        try database.store.setMetadata(.hubEpoch, epoch)
        return epoch
    }

    /// The hub's name as recorded (``MetadataKey/hubName``, set when a hub is restored), or nil when the
    /// hub goes by its replica id.
    public static func name(_ database: NTMDatabase) throws -> String? {
        try database.store.metadata(.hubName).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The identity a district database serves syncs with: its epoch (made on first use), its district
    /// and name, the criteria sets shared whole, NTM's write policy and its scope rule.
    /// - Throws: ``HubSetupError/notAHub(_:)`` for a commune's database.
    public static func identity(_ database: NTMDatabase) throws -> HubIdentity {
        guard database.homeCommune == nil, database.unit != nil else {
            throw HubSetupError.notAHub(database.store.path)
        }
        return HubIdentity(
            store: database.store, epoch: try epoch(database), district: database.unit,
            sharedTables: [NTMSchema.Table.catalogue], policy: NTMSchema.writePolicy, scope: .ntm,
            name: try name(database), fileLimit: try fileLimit(database),
            tls: try HubTLSIdentity.stored(in: database.store))
    }

    /// The hub's TLS identity, made and stored when the database has none yet (at `ntm hub init`, or
    /// for a hub made before hubs spoke TLS, at its first `hub serve` or enrolment).
    /// - Throws: ``HubSetupError/notAHub(_:)`` for a commune's database.
    public static func tls(_ database: NTMDatabase) throws -> HubTLSIdentity {
        let hub = try identity(database)
        if let tls = hub.tls { return tls }
        return try HubTLSIdentity.ensure(in: database.store, name: hub.name)
    }

    /// The largest file the hub accepts, in bytes: what the district set, else 50 MiB.
    public static func fileLimit(_ database: NTMDatabase) throws -> Int64 {
        try database.store.metadata(.fileLimit).flatMap { Int64($0) } ?? WireLimits.defaultFileLimit
    }

    /// A hub database as the client of the hub above it: its log's name and key, and the units it
    /// holds (its communes: those whose row names this district, or no district), which the hub above
    /// places under it when no one has yet.
    public static func asClient(_ database: NTMDatabase) throws -> HubAsClient {
        let store = database.store
        let above = Set(try store.upperHubs().compactMap(\.unit))
        let units = try database.communes().filter { commune in
            commune.slug != database.unit && !above.contains(commune.slug)
                && (commune.district == nil || commune.district == database.unit)
        }.map(\.slug)
        return HubAsClient(
            name: try name(database) ?? store.replicaID, seed: try HubSigningKey.seed(of: store), units: units)
    }
}
