import SyncCore

/// Who a replica writes as, once enrolled at the hub.
public enum Role: Sendable, Hashable, CustomStringConvertible {
    /// One commune's replica: `commune:SLUG`.
    case commune(String)
    /// A district department: `department:NAME` (the name as the criteria set spells it).
    case department(String)
    /// The district office: everything in the district.
    case district

    /// Parses `commune:SLUG`, `department:NAME` or `district`; nil for anything else.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "district" {
            self = .district
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let argument = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        guard !argument.isEmpty else { return nil }
        switch trimmed[..<colon] {
        case "commune":
            guard Identifiers.isSlug(argument) else { return nil }
            self = .commune(argument)
        case "department": self = .department(argument)
        default: return nil
        }
    }

    /// The role as written in credentials and listings.
    public var description: String {
        switch self {
        case .commune(let slug): return "commune:\(slug)"
        case .department(let name): return "department:\(name)"
        case .district: return "district"
        }
    }
}

/// One line of a write policy: which kind of role may write which columns of which rows of a table.
public struct WriteRule: Sendable, Hashable {
    /// The kind of role the rule is for.
    public enum Who: String, Sendable, Hashable {
        /// A commune's replica.
        case commune
        /// A district department.
        case department
        /// The district office.
        case district
    }

    /// Which rows of the table.
    public enum Rows: Sendable, Hashable {
        /// Rows of the writer's own commune (the row id is the slug, or starts with `slug/`).
        case ownCommune
        /// Rows whose id part at this index (split on `/`) is the writer's department, as a slug.
        case ownDepartment(part: Int)
        /// Every row.
        case any
    }

    /// A short name quoted in refusals ("commune writes its own assessments").
    public var name: String
    /// The kind of role.
    public var who: Who
    /// The table, or nil for every table.
    public var table: String?
    /// The columns, or nil for every column (including the tombstone: deleting and restoring rows).
    public var columns: Set<String>?
    /// The rows.
    public var rows: Rows

    /// Creates a rule.
    public init(_ name: String, who: Who, table: String?, columns: Set<String>? = nil, rows: Rows) {
        self.name = name
        self.who = who
        self.table = table
        self.columns = columns
        self.rows = rows
    }
}

/// Who may write what: an operation is allowed when some rule of the writer's role covers its table,
/// column and row. Read top to bottom, it is the table in the README.
public struct WritePolicy: Sendable {
    /// The rules.
    public var rules: [WriteRule]
    /// Turns a department's name into the form row ids carry (a slug).
    public var slug: @Sendable (String) -> String

    /// Creates a policy.
    public init(rules: [WriteRule], slug: @escaping @Sendable (String) -> String) {
        self.rules = rules
        self.slug = slug
    }

    /// The rule that allows `role` to write this field, or nil when none does.
    public func rule(allowing key: FieldKey, to role: Role) -> WriteRule? {
        rules.first { rule in
            guard rule.table == nil || rule.table == key.table else { return false }
            guard rule.columns == nil || rule.columns!.contains(key.column) else { return false }
            switch (rule.who, role) {
            case (.district, .district):
                return true
            case (.commune, .commune(let commune)):
                return rule.rows == .any || (rule.rows == .ownCommune && RowScope.owner(of: key.row) == commune)
            case (.department, .department(let name)):
                switch rule.rows {
                case .any: return true
                case .ownCommune: return false
                case .ownDepartment(let part):
                    let parts = key.row.split(separator: "/", omittingEmptySubsequences: false)
                    return parts.count > part && String(parts[part]) == slug(name)
                }
            default:
                return false
            }
        }
    }
}
