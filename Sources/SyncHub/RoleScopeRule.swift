import Replica

/// Where a hub stands when it decides what a role sees: its own unit, the units of the hubs above it,
/// the tables shared whole, and which unit sits under which (a commune under its district, at a
/// province).
public struct ScopeContext: Sendable {
    /// The hub's own unit (a district's or a province's slug).
    public var unit: String?
    /// The units of the hubs above this one, nearest first (a district hub's province).
    public var above: [String]
    /// Tables every replica receives whole.
    public var sharedTables: Set<String>
    /// The unit each unit sits under, as recorded at this hub.
    public var parents: [String: String]

    /// Creates a context.
    public init(unit: String?, above: [String] = [], sharedTables: Set<String>, parents: [String: String] = [:]) {
        self.unit = unit
        self.above = above
        self.sharedTables = sharedTables
        self.parents = parents
    }

    /// The units whose rows every replica of this hub receives: the hub's own and those above it.
    public var sharedOwners: [String] { (unit.map { [$0] } ?? []) + above.filter { $0 != unit } }
}

/// What a lower hub's enrolment becomes at the hub above it: the role the replica is enrolled with
/// here, and the unit it speaks for with the unit that holds it (a commune and its district).
public struct Delegation: Sendable, Equatable {
    /// The role here.
    public var role: Role
    /// The unit the replica speaks for, when its role binds it to one.
    public var unit: String?
    /// The unit the lower hub stands for, under which ``unit`` sits.
    public var parent: String?

    /// Creates a delegation.
    public init(role: Role, unit: String? = nil, parent: String? = nil) {
        self.role = role
        self.unit = unit
        self.parent = parent
    }
}

/// The domain's rule of what each role sees at a hub, which unit a role speaks for, and what a lower
/// hub may enrol on a hub's behalf. The engine applies it; the domain says it (the NTM programme's is
/// `RoleScopeRule.ntm`, in NTMHub).
public struct RoleScopeRule: Sendable {
    /// What a replica of a role receives and may push, given where the hub stands.
    public let scope: @Sendable (_ role: Role, _ context: ScopeContext) -> RowScope
    /// The unit a role is bound to (a session's hello must name it), or nil when it may name any.
    public let unit: @Sendable (_ role: Role) -> String?
    /// What an enrolment in the log of a lower hub enrolled here with role `by` becomes here; nil when
    /// `by` is no lower hub's role, or may not grant `granted` (a district cannot enrol a province
    /// sector).
    public let delegate: @Sendable (_ granted: Role, _ by: Role) -> Delegation?
    /// Whether a role is a lower hub's (a district hub at its province): only such a peer may show its
    /// own enrolment log, and enrol on the hub's behalf.
    public let isLowerHub: @Sendable (_ role: Role) -> Bool

    /// Creates a rule; without `delegate` and `isLowerHub`, no role enrols on a hub's behalf.
    public init(
        scope: @escaping @Sendable (_ role: Role, _ context: ScopeContext) -> RowScope,
        unit: @escaping @Sendable (_ role: Role) -> String?,
        delegate: @escaping @Sendable (_ granted: Role, _ by: Role) -> Delegation? = { _, _ in nil },
        isLowerHub: @escaping @Sendable (_ role: Role) -> Bool = { _ in false }
    ) {
        self.scope = scope
        self.unit = unit
        self.delegate = delegate
        self.isLowerHub = isLowerHub
    }
}
