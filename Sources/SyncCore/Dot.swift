/// The identity of one write: the replica that made it and that replica's counter value.
///
/// Dots are unique forever: a replica never reuses a sequence number, so a dot names exactly one
/// operation everywhere. Dots order by origin, then sequence; that order is only used to make output
/// deterministic, it says nothing about causality.
public struct Dot: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The replica that made the write.
    public var origin: String
    /// That replica's counter value for the write, from 1.
    public var seq: UInt64

    /// Creates a dot.
    public init(origin: String, seq: UInt64) {
        self.origin = origin
        self.seq = seq
    }

    public static func < (lhs: Dot, rhs: Dot) -> Bool {
        lhs.origin != rhs.origin ? bytesLess(lhs.origin, rhs.origin) : lhs.seq < rhs.seq
    }

    /// `origin:seq`, the form used in messages and logs.
    public var description: String { "\(origin):\(seq)" }
}
