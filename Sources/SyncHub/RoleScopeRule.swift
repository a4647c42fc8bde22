import Replica

/// The domain's rule of what each role sees at a hub, and which unit a role speaks for. The engine
/// applies it; the domain says it (the NTM programme's is `RoleScopeRule.ntm`, in NTMHub).
public struct RoleScopeRule: Sendable {
    /// What a replica of a role receives and may push, given the hub's district slug and its shared
    /// tables.
    public let scope: @Sendable (_ role: Role, _ district: String?, _ sharedTables: Set<String>) -> RowScope
    /// The unit a role is bound to (a session's hello must name it), or nil when it may name any.
    public let unit: @Sendable (_ role: Role) -> String?

    /// Creates a rule.
    public init(
        scope: @escaping @Sendable (_ role: Role, _ district: String?, _ sharedTables: Set<String>) -> RowScope,
        unit: @escaping @Sendable (_ role: Role) -> String?
    ) {
        self.scope = scope
        self.unit = unit
    }
}
