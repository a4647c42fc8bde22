/// The replicated state of one row: the state of each of its fields.
///
/// A row is deleted while its tombstone field (`_deleted`) shows `true`. A delete is written with a
/// context joining every field's vector, so an edit the deleter never saw is a write the tombstone's
/// vector does not cover: that edit conflicts with the delete and is reported for review, never
/// dropped. Writing the tombstone again (confirming the delete) or writing `false` (restoring the row)
/// resolves it, like any other conflict.
public struct RowState: Hashable, Sendable {
    /// The fields written so far, by column name.
    public private(set) var fields: [String: FieldState]

    /// A row nobody has written.
    public init() { fields = [:] }

    /// A row with the given field states.
    public init(fields: [String: FieldState]) { self.fields = fields }

    /// Whether nothing was ever written to the row.
    public var isEmpty: Bool { fields.isEmpty }

    /// Applies one write to its field. Returns whether the state changed.
    @discardableResult
    public mutating func apply(_ op: SyncOperation) -> Bool {
        fields[op.key.column, default: FieldState()].apply(op)
    }

    /// Whether the row is deleted (its tombstone shows `true`).
    public var isDeleted: Bool { fields[tombstoneColumn]?.provisional == .bool(true) }

    /// The context a new write to `column` must carry: what this replica has seen of the field, or,
    /// for the tombstone, of every field of the row.
    public func context(forWriting column: String) -> VersionVector {
        if column != tombstoneColumn { return fields[column]?.vector ?? VersionVector() }
        var joined = VersionVector()
        for state in fields.values { joined.join(state.vector) }
        return joined
    }

    /// The row as people see it: each column's provisional value, or nil when the row is deleted.
    /// The tombstone column is not included.
    public var projection: [String: FieldValue]? {
        if isDeleted { return nil }
        var values: [String: FieldValue] = [:]
        for (column, state) in fields where column != tombstoneColumn {
            if let value = state.provisional { values[column] = value }
        }
        return values
    }

    /// The open conflicts of this row, sorted by column.
    ///
    /// A column is listed as ``Conflict/Kind/value`` when its siblings hold different values, and as
    /// ``Conflict/Kind/editDelete`` when the row is deleted but holds a write the delete did not see.
    public var conflicts: [Conflict] {
        var found: [Conflict] = []
        let deletion = isDeleted ? fields[tombstoneColumn]?.vector : nil
        for column in fields.keys.sorted() {
            guard let state = fields[column] else { continue }
            if state.isConflict { found.append(Conflict(column: column, kind: .value)) }
            if let deletion, column != tombstoneColumn,
                state.siblings.contains(where: { !deletion.covers($0.dot) })
            {
                found.append(Conflict(column: column, kind: .editDelete))
            }
        }
        return found
    }

    /// The writes competing in `conflict`, in display order: for a value conflict, the field's
    /// siblings; for an edit-delete conflict, the deletes (tombstone siblings showing `true`) followed
    /// by the column's writes the deletion did not see. Empty when that conflict is not open.
    public func competing(_ conflict: Conflict) -> [Sibling] {
        guard let state = fields[conflict.column] else { return [] }
        switch conflict.kind {
        case .value:
            return state.isConflict ? state.siblings : []
        case .editDelete:
            guard isDeleted, conflict.column != tombstoneColumn, let tombstone = fields[tombstoneColumn] else {
                return []
            }
            let unseen = state.siblings.filter { !tombstone.vector.covers($0.dot) }
            guard !unseen.isEmpty else { return [] }
            return tombstone.siblings.filter { $0.value == .bool(true) } + unseen
        }
    }
}

/// An open conflict in one column of a row.
public struct Conflict: Hashable, Sendable {
    /// What kind of disagreement it is.
    public enum Kind: String, Sendable, CaseIterable {
        /// Concurrent writes left different values.
        case value
        /// The row was deleted by someone who had not seen this column's latest write.
        case editDelete = "edit-delete"
    }

    /// The column in conflict.
    public var column: String
    /// The kind of conflict.
    public var kind: Kind

    /// Creates a conflict description.
    public init(column: String, kind: Kind) {
        self.column = column
        self.kind = kind
    }
}
