import Replica

/// How a commune's evidence files stand on this database, for `ntm status`: each file once, however
/// many documents reference it.
public struct FileCounts: Sendable, Hashable {
    /// Files held here whole.
    public var present = 0
    /// Files of which some chunks are here.
    public var partial = 0
    /// Files of which nothing is here.
    public var missing = 0
    /// Files that will not move (the other side declined them).
    public var refused = 0
    /// Files the district does not hold yet.
    public var notAtDistrict = 0

    /// Creates counts, all zero.
    public init() {}

    /// Every file counted.
    public var total: Int { present + partial + missing + refused }

    /// Counts one file.
    mutating func add(_ state: FileState, atDistrict: Bool) {
        switch state {
        case .present: present += 1
        case .partial: partial += 1
        case .missing: missing += 1
        case .refused: refused += 1
        }
        if !atDistrict { notAtDistrict += 1 }
    }
}
