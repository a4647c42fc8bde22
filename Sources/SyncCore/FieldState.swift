/// The replicated state of one field: its concurrent values (siblings) and its version vector.
///
/// ``apply(_:)`` is the merge rule of `docs/DESIGN.md` section 4. It is commutative, associative and
/// idempotent over any delivery order, so replicas that applied the same operations hold equal states.
public struct FieldState: Hashable, Sendable {
    /// The values no known write has replaced, ordered for display (see ``Sibling/precedes(_:)``).
    public private(set) var siblings: [Sibling]
    /// Every write to this field that has been seen, directly or through a context.
    public private(set) var vector: VersionVector

    /// A field nobody has written.
    public init() {
        siblings = []
        vector = VersionVector()
    }

    /// Restores a state from storage; siblings are put in display order.
    public init(siblings: [Sibling], vector: VersionVector) {
        self.siblings = siblings.sorted { $0.precedes($1) }
        self.vector = vector
    }

    /// Applies one write to this field.
    ///
    /// 1. If the vector already covers the write's dot, it was seen or replaced: nothing changes.
    /// 2. Siblings whose dots the write's context covers are dropped: the writer saw and replaced them.
    /// 3. The write becomes a sibling and the vector joins the context and the dot.
    ///
    /// - Returns: whether the state changed.
    @discardableResult
    public mutating func apply(dot: Dot, value: FieldValue, context: VersionVector, wallMs: Int64) -> Bool {
        if vector.covers(dot) { return false }
        if !siblings.isEmpty { siblings.removeAll { context.covers($0.dot) } }
        let sibling = Sibling(dot: dot, value: value, wallMs: wallMs)
        let index = siblings.firstIndex { sibling.precedes($0) } ?? siblings.endIndex
        siblings.insert(sibling, at: index)
        vector.join(context)
        vector.add(dot)
        return true
    }

    /// Applies an operation to this field (its key is not checked).
    @discardableResult
    public mutating func apply(_ op: SyncOperation) -> Bool {
        apply(dot: op.dot, value: op.value, context: op.context, wallMs: op.wallMs)
    }

    /// The value every replica shows while the field is unresolved: the first sibling in display order.
    /// Nil when nobody has written the field.
    public var provisional: FieldValue? { siblings.first?.value }

    /// Whether concurrent writes left different values: a conflict a person should review.
    /// Concurrent writes of the same value agree, and are not a conflict.
    public var isConflict: Bool {
        guard let first = siblings.first?.value else { return false }
        return siblings.dropFirst().contains { $0.value != first }
    }
}
