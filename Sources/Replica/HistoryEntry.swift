import SyncCore

/// One entry of a field's history: a write and the values it replaced (what its writer saw).
public struct HistoryEntry: Sendable, Hashable {
    /// The write.
    public var operation: LoggedOperation
    /// The writes it replaced: those its context covers that no other covered write had replaced.
    /// Empty for a first write; several when it resolved a conflict.
    public var replaced: [SyncOperation]
}
