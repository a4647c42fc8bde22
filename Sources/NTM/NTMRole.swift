import Replica
import SyncCore

/// The NTM programme's roles: `commune:SLUG` (a commune's laptop), `department:NAME` (a district
/// department), `district` (the district office at its own hub), `district:SLUG` (a district hub or
/// office enrolled at its province), `sector:NAME` (a province sector) and `province` (the province
/// office). The engine's ``Role`` is a kind and an argument; these are the kinds it has here.
public enum NTMRole {
    /// The kind of a commune's replica.
    public static let commune = "commune"
    /// The kind of a district department's replica.
    public static let department = "department"
    /// The kind of the district office's replica, and of a district hub at its province.
    public static let district = "district"
    /// The kind of a province sector's replica (sở, ngành).
    public static let sector = "sector"
    /// The kind of the province office's replica.
    public static let province = "province"

    /// Whether a role is one of NTM's: `commune:` with a slug, `department:` or `sector:` with a name,
    /// `district` alone or with a slug, or `province` alone.
    public static func isValid(_ role: Role) -> Bool {
        switch role.kind {
        case commune: return role.argument.map(Identifiers.isSlug) ?? false
        case department, sector: return role.argument != nil
        case district: return role.argument.map(Identifiers.isSlug) ?? true
        case province: return role.argument == nil
        default: return false
        }
    }

    /// Parses an NTM role (`commune:SLUG`, `department:NAME`, `district`, `district:SLUG`,
    /// `sector:NAME` or `province`); nil for anything else.
    public static func parse(_ text: String) -> Role? { RoleVocabulary.ntm.role(parsing: text) }
}

extension RoleVocabulary {
    /// The NTM programme's roles (``NTMRole``).
    public static let ntm = RoleVocabulary(accepts: NTMRole.isValid)
}

extension Role {
    /// One commune's replica: `commune:SLUG`.
    public static func commune(_ slug: String) -> Role { Role(kind: NTMRole.commune, argument: slug) }

    /// A district department: `department:NAME` (the name as the criteria set spells it).
    public static func department(_ name: String) -> Role { Role(kind: NTMRole.department, argument: name) }

    /// The district office: everything in the district.
    public static let district = Role(kind: NTMRole.district)

    /// A district hub (or office) at its province: the rows of the district and its communes.
    public static func district(_ slug: String) -> Role { Role(kind: NTMRole.district, argument: slug) }

    /// A province sector: `sector:NAME` (the name as the criteria set spells it).
    public static func sector(_ name: String) -> Role { Role(kind: NTMRole.sector, argument: name) }

    /// The province office: everything in the province.
    public static let province = Role(kind: NTMRole.province)

    /// The commune's slug when this is a commune's role.
    public var commune: String? { kind == NTMRole.commune ? argument : nil }

    /// The department's name when this is a department's role.
    public var department: String? { kind == NTMRole.department ? argument : nil }

    /// Whether this is the district office's role (at its own hub, or `district:SLUG` at the province).
    public var isDistrict: Bool { kind == NTMRole.district }

    /// The district's slug when this is a district's role at its province (`district:SLUG`).
    public var districtUnit: String? { kind == NTMRole.district ? argument : nil }

    /// The sector's name when this is a province sector's role.
    public var sector: String? { kind == NTMRole.sector ? argument : nil }

    /// Whether this is the province office's role.
    public var isProvince: Bool { kind == NTMRole.province }
}

extension WriteRule.Who {
    /// A commune's replica.
    public static let commune = WriteRule.Who(rawValue: NTMRole.commune)
    /// A district department.
    public static let department = WriteRule.Who(rawValue: NTMRole.department)
    /// The district office, or a district hub at its province.
    public static let district = WriteRule.Who(rawValue: NTMRole.district)
    /// A province sector.
    public static let sector = WriteRule.Who(rawValue: NTMRole.sector)
    /// The province office.
    public static let province = WriteRule.Who(rawValue: NTMRole.province)
}
