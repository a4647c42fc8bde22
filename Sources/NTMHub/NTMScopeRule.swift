import NTM
import Replica
import SyncHub

extension RoleScopeRule {
    /// The NTM programme's rule: a commune's replica receives (and may push) its own rows, the
    /// district's rows and the shared tables, and syncs only as its commune; a department's and the
    /// district office's replicas see every row and may sync as any unit.
    public static let ntm = RoleScopeRule(
        scope: { role, district, sharedTables in
            guard let commune = role.commune else { return .everything }
            return RowScope(owners: [commune] + (district.map { [$0] } ?? []), tables: sharedTables.sorted())
        },
        unit: { $0.commune })
}
