import SyncCore

/// One line of a write policy: which kind of role may write which columns of which rows of a table.
public struct WriteRule: Sendable, Hashable {
    /// The kind of role the rule is for (a ``Role/kind``); the domain names its kinds.
    public struct Who: RawRepresentable, Sendable, Hashable {
        /// The kind's name, as in ``Role/kind``.
        public var rawValue: String

        /// Names a kind of role.
        public init(rawValue: String) { self.rawValue = rawValue }
    }

    /// Which rows of the table.
    public enum Rows: Sendable, Hashable {
        /// Rows the writer's role argument owns (the row id is the argument, or starts with `argument/`):
        /// a commune's own rows.
        case owned
        /// Rows whose id part at this index (split on `/`) is the writer's role argument, as a slug: a
        /// department's own rows.
        case naming(part: Int)
        /// Every row.
        case any
        /// Rows of the writer's unit: owned by its role argument or by a unit the hub places under it
        /// (a district's communes, ``IngestRules/parents``). Only for a role with an argument.
        case within
        /// Every row, for a role without an argument only (a district office at its own hub, which
        /// answers to nobody there).
        case unbound
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
    /// What the rule leaves out of its tables and columns: whole tables (`catalogue`) or columns
    /// (`appraisal.verdict`).
    public var except: Set<String>

    /// Creates a rule.
    public init(
        _ name: String, who: Who, table: String?, columns: Set<String>? = nil, rows: Rows, except: Set<String> = []
    ) {
        self.name = name
        self.who = who
        self.table = table
        self.columns = columns
        self.rows = rows
        self.except = except
    }
}

/// Who may write what: an operation is allowed when some rule of the writer's role covers its table,
/// column and row. Read top to bottom, it is the table in the README.
public struct WritePolicy: Sendable {
    /// The rules.
    public var rules: [WriteRule]
    /// Turns a role's argument (a department's name) into the form row ids carry (a slug).
    public var slug: @Sendable (String) -> String

    /// Creates a policy.
    public init(rules: [WriteRule], slug: @escaping @Sendable (String) -> String) {
        self.rules = rules
        self.slug = slug
    }

    /// The rule that allows `role` to write this field, or nil when none does. `parents` places units
    /// under others (a commune under its district) for ``WriteRule/Rows/within``.
    public func rule(allowing key: FieldKey, to role: Role, parents: [String: String] = [:]) -> WriteRule? {
        rules.first { rule in
            guard rule.who.rawValue == role.kind else { return false }
            guard rule.table == nil || rule.table == key.table else { return false }
            guard rule.columns == nil || rule.columns!.contains(key.column) else { return false }
            guard !rule.except.contains(key.table), !rule.except.contains("\(key.table).\(key.column)") else {
                return false
            }
            switch rule.rows {
            case .any:
                return true
            case .unbound:
                return role.argument == nil
            case .within:
                guard let unit = role.argument else { return false }
                let owner = RowScope.owner(of: key.row)
                return owner == unit || parents[owner] == unit
            case .owned:
                guard let owner = role.argument else { return false }
                return RowScope.owner(of: key.row) == owner
            case .naming(let part):
                guard let name = role.argument else { return false }
                let parts = key.row.split(separator: "/", omittingEmptySubsequences: false)
                return parts.count > part && String(parts[part]) == slug(name)
            }
        }
    }
}
