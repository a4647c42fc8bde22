import NTM
import Replica
import SyncHub

extension RoleScopeRule {
    /// The NTM programme's rule: a commune's replica receives (and may push) its own rows, the
    /// district's rows and the shared tables, and syncs only as its commune; a department's and the
    /// district office's replicas see every row and may sync as any unit. A role the programme does not
    /// know (only a hand-edited database could hold one) sees nothing.
    public static let ntm = RoleScopeRule(
        scope: { role, district, sharedTables in
            if let commune = role.commune {
                return RowScope(owners: [commune] + (district.map { [$0] } ?? []), tables: sharedTables.sorted())
            }
            guard role.isDistrict || role.department != nil else { return RowScope(owners: [], tables: []) }
            return .everything
        },
        unit: { $0.commune })
}
