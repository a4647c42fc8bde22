import SyncCore

/// An open conflict with the competing values and who wrote them.
public struct ConflictRecord: Sendable, Hashable {
    /// The field in conflict.
    public var key: FieldKey
    /// The kind of conflict.
    public var kind: Conflict.Kind
    /// The competing writes, in display order (the first is the provisional value). For an
    /// edit-delete conflict: the delete first, then the edits it did not see.
    public var values: [SyncOperation]
    /// When the last of the competing writes arrived here, by this replica's clock (milliseconds since
    /// 1970): since when the conflict has been open on this replica.
    public var openSinceMs: Int64
    /// Every write to the field (the column) seen here.
    public var vector: VersionVector

    /// The dots of the competing writes, in display order.
    public var dots: [Dot] { values.map(\.dot) }
}
