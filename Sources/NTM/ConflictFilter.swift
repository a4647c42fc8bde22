/// Which open conflicts to look at.
public struct ConflictFilter: Sendable, Hashable {
    /// Only this commune's (slug, or name with or without diacritics).
    public var commune: String?
    /// Only those about this criterion (its number).
    public var criterion: String?
    /// Only those about indicators this district department owns.
    public var department: String?
    /// Only fields this replica wrote.
    public var mine: Bool

    /// Creates a filter; the default lets every conflict through.
    public init(commune: String? = nil, criterion: String? = nil, department: String? = nil, mine: Bool = false) {
        self.commune = commune
        self.criterion = criterion
        self.department = department
        self.mine = mine
    }
}
