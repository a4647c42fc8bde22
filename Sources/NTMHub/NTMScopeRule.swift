import NTM
import Replica
import SyncHub

extension RoleScopeRule {
    /// The NTM programme's rule.
    ///
    /// - A commune's replica receives (and may push) its own rows, the rows of its district and of the
    ///   units above (the province's), and the shared tables; it syncs only as its commune.
    /// - A district hub at its province (`district:SLUG`) receives the rows of its district, of the
    ///   communes the province places in it, and of the province; it syncs as its district.
    /// - A department, the district office, a province sector and the province office see every row
    ///   and may sync as any unit.
    /// - A role the programme does not know (only a hand-edited database could hold one) sees nothing.
    ///
    /// A district hub enrolled at the province enrols on the province's behalf the replicas of its own
    /// log: its communes (placed under the district), its departments, and its office (as
    /// `district:SLUG`); nothing else. Each is bound to the district: its writes elsewhere are not
    /// taken, and it sees no more than the district does.
    public static let ntm = RoleScopeRule(
        scope: { role, context in
            if let commune = role.commune {
                let parent = context.parents[commune].map { [$0] } ?? []
                var owners: [String] = []
                for owner in [commune] + parent + context.sharedOwners where !owners.contains(owner) {
                    owners.append(owner)
                }
                return RowScope(owners: owners, tables: context.sharedTables.sorted())
            }
            if let district = role.districtUnit {
                let communes = context.parents.filter { $0.value == district }.map(\.key).sorted()
                return RowScope(
                    owners: [district] + communes + context.sharedOwners, tables: context.sharedTables.sorted())
            }
            guard role.isDistrict || role.department != nil || role.sector != nil || role.isProvince else {
                return RowScope(owners: [], tables: [])
            }
            return .everything
        },
        unit: { $0.commune ?? $0.districtUnit },
        delegate: { granted, by in
            guard let district = by.districtUnit else { return nil }
            if let commune = granted.commune, commune != district {
                return Delegation(role: granted, unit: commune, parent: district)
            }
            if granted.department != nil { return Delegation(role: granted) }
            if granted.isDistrict, granted.districtUnit == nil { return Delegation(role: .district(district)) }
            return nil
        },
        isLowerHub: { $0.districtUnit != nil })
}
