import Replica
import SyncCore
import SyncWire

/// Who the hub is: its replica, its epoch and the district whose shared rows every commune receives.
public struct HubIdentity: Sendable {
    /// The hub's replica.
    public let store: ReplicaStore
    /// A random id made when the hub database was created; a replica that sees another epoch re-pulls.
    public let epoch: String
    /// The district slug: rows starting with it are shared with every commune.
    public let district: String?
    /// Tables every commune receives whole (the criteria sets a province imported).
    public let sharedTables: Set<String>
    /// Who may write what: every pushed operation is checked against it.
    public let policy: WritePolicy
    /// What each role sees, and which unit it speaks for.
    public let scopeRule: RoleScopeRule
    /// The name credentials are issued by and challenges are signed for. It is the replica id the hub
    /// was created with, and stays when a restored hub takes a new replica id, so that credentials go
    /// on working.
    public let name: String
    /// The largest file, in bytes, the hub accepts from a replica (set by the district).
    public let fileLimit: Int64
    /// The hub's TLS identity, whose pin the credentials it issues carry; nil for a hub that serves
    /// only in clear or over stdio (its sessions do not need it).
    public var tls: HubTLSIdentity?
    /// Whether the hub accepts a client's offer to compress the session (`protocol/PROTOCOL.md` §11.13);
    /// true unless turned off.
    public var compresses = true

    /// Creates an identity; `name` defaults to the store's replica id.
    public init(
        store: ReplicaStore, epoch: String, district: String?, sharedTables: Set<String>, policy: WritePolicy,
        scope: RoleScopeRule, name: String? = nil, fileLimit: Int64 = WireLimits.defaultFileLimit,
        tls: HubTLSIdentity? = nil
    ) {
        self.tls = tls
        self.fileLimit = fileLimit
        self.store = store
        self.epoch = epoch
        self.district = district
        self.sharedTables = sharedTables
        self.policy = policy
        self.scopeRule = scope
        self.name = name ?? store.replicaID
    }

    /// Where the hub stands now: its unit, the hubs above it (as its last sync upward recorded them) and
    /// which unit sits under which (read at each use: an enrolment or a sync upward changes them).
    public func context() throws -> ScopeContext {
        ScopeContext(
            unit: district, above: try store.upperHubs().compactMap(\.unit), sharedTables: sharedTables,
            parents: try store.unitParents())
    }

    /// What a replica of this role receives and may push, by the hub's ``scopeRule``.
    public func scope(of role: Role) throws -> RowScope { scopeRule.scope(role, try context()) }
}
