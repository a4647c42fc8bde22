/// One value a field holds: the value of one write that no other write it knows of has replaced.
///
/// A field with one sibling has one value; with several, the writes were concurrent. The author and
/// note stay in the operation log (looked up by dot when a person asks); the sibling keeps what the
/// merge and the provisional pick need.
public struct Sibling: Hashable, Sendable {
    /// The write that produced this value.
    public var dot: Dot
    /// The value.
    public var value: FieldValue
    /// The writer's wall clock in milliseconds; used only to order siblings for display.
    public var wallMs: Int64

    /// Creates a sibling.
    public init(dot: Dot, value: FieldValue, wallMs: Int64) {
        self.dot = dot
        self.value = value
        self.wallMs = wallMs
    }

    /// Whether this sibling is shown before `other`: greater wall time, then greater origin, then seq.
    public func precedes(_ other: Sibling) -> Bool {
        if wallMs != other.wallMs { return wallMs > other.wallMs }
        if !bytesEqual(dot.origin, other.dot.origin) { return bytesLess(other.dot.origin, dot.origin) }
        return dot.seq > other.dot.seq
    }
}
