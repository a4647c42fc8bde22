extension SyncOperation {
    /// What a field held before the competing writes of a conflict: the writes to it that every
    /// competing write had seen (its context covers them) and that no other such write replaced.
    ///
    /// Usually one write: the value both people started from. Empty when the field was first written
    /// concurrently; several when the writers started from a conflict that was itself unresolved.
    ///
    /// - Parameters:
    ///   - competing: the competing writes (for an edit-delete conflict, the delete among them).
    ///   - history: writes to the field, in any order; the competing ones may be among them.
    /// - Returns: the common ancestors, sorted by dot.
    public static func commonAncestors(of competing: [SyncOperation], in history: [SyncOperation]) -> [SyncOperation] {
        guard !competing.isEmpty else { return [] }
        let competingDots = Set(competing.map(\.dot))
        var seenDots = Set<Dot>()
        let seenByAll = history.filter { op in
            !competingDots.contains(op.dot) && seenDots.insert(op.dot).inserted
                && competing.allSatisfy { $0.context.covers(op.dot) }
        }
        return seenByAll.filter { candidate in
            !seenByAll.contains { other in other.dot != candidate.dot && other.context.covers(candidate.dot) }
        }.sorted { $0.dot < $1.dot }
    }
}
