/// For each replica, the highest sequence number of that replica's writes that have been seen.
///
/// A vector *covers* a dot when its entry for the dot's origin is at least the dot's sequence. Entries
/// are kept sorted by replica id in a small array: the vectors of one field hold a handful of replicas,
/// and a sorted array joins and compares faster than a dictionary at that size.
public struct VersionVector: Hashable, Sendable {
    /// The entries, sorted by replica id, each with a sequence of at least 1.
    public private(set) var entries: [(replica: String, seq: UInt64)]

    /// The empty vector: nothing seen.
    public init() { entries = [] }

    /// Creates a vector from replica/sequence pairs; zero entries are dropped and duplicates joined.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, UInt64) {
        entries = []
        for (replica, seq) in pairs { raise(replica, to: seq) }
    }

    /// Whether nothing has been seen.
    public var isEmpty: Bool { entries.isEmpty }

    /// The highest sequence seen from `replica`, 0 if none.
    public subscript(replica: String) -> UInt64 {
        guard let index = position(of: replica).found else { return 0 }
        return entries[index].seq
    }

    /// Whether the write named by `dot` has been seen.
    public func covers(_ dot: Dot) -> Bool { self[dot.origin] >= dot.seq }

    /// Raises the entry for `replica` to at least `seq`.
    public mutating func raise(_ replica: String, to seq: UInt64) {
        guard seq > 0 else { return }
        let (found, insertAt) = position(of: replica)
        if let index = found {
            if entries[index].seq < seq { entries[index].seq = seq }
        } else {
            entries.insert((replica, seq), at: insertAt)
        }
    }

    /// Adds `dot` to what has been seen.
    public mutating func add(_ dot: Dot) { raise(dot.origin, to: dot.seq) }

    /// The pointwise maximum with `other` (the join).
    public mutating func join(_ other: VersionVector) {
        if entries.isEmpty {
            entries = other.entries
            return
        }
        for (replica, seq) in other.entries { raise(replica, to: seq) }
    }

    /// The pointwise maximum of `self` and `other`.
    public func joined(_ other: VersionVector) -> VersionVector {
        var copy = self
        copy.join(other)
        return copy
    }

    /// Whether every entry of `other` is covered by `self`.
    public func dominates(_ other: VersionVector) -> Bool {
        other.entries.allSatisfy { self[$0.replica] >= $0.seq }
    }

    private func position(of replica: String) -> (found: Int?, insertAt: Int) {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            let key = entries[mid].replica
            if key == replica { return (mid, mid) }
            if key < replica { low = mid + 1 } else { high = mid }
        }
        return (nil, low)
    }

    public static func == (lhs: VersionVector, rhs: VersionVector) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.replica == $1.replica && $0.seq == $1.seq }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.replica)
            hasher.combine(entry.seq)
        }
    }
}
