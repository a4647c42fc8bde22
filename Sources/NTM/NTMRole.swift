import Replica
import SyncCore

/// The NTM programme's roles: `commune:SLUG` (a commune's laptop), `department:NAME` (a district
/// department) and `district` (the district office). The engine's ``Role`` is a kind and an argument;
/// these are the kinds it has here.
public enum NTMRole {
    /// The kind of a commune's replica.
    public static let commune = "commune"
    /// The kind of a district department's replica.
    public static let department = "department"
    /// The kind of the district office's replica.
    public static let district = "district"

    /// Whether a role is one of NTM's: `commune:` with a slug, `department:` with a name, or `district`
    /// alone.
    public static func isValid(_ role: Role) -> Bool {
        switch role.kind {
        case commune: return role.argument.map(Identifiers.isSlug) ?? false
        case department: return role.argument != nil
        case district: return role.argument == nil
        default: return false
        }
    }

    /// Parses an NTM role (`commune:SLUG`, `department:NAME` or `district`); nil for anything else.
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

    /// The commune's slug when this is a commune's role.
    public var commune: String? { kind == NTMRole.commune ? argument : nil }

    /// The department's name when this is a department's role.
    public var department: String? { kind == NTMRole.department ? argument : nil }

    /// Whether this is the district office's role.
    public var isDistrict: Bool { kind == NTMRole.district }
}

extension WriteRule.Who {
    /// A commune's replica.
    public static let commune = WriteRule.Who(rawValue: NTMRole.commune)
    /// A district department.
    public static let department = WriteRule.Who(rawValue: NTMRole.department)
    /// The district office.
    public static let district = WriteRule.Who(rawValue: NTMRole.district)
}
