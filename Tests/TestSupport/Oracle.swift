import SyncCore

/// The law tests' oracle, computed from the operations alone, independently of any replica.
public enum Oracle {
    /// For each field, its causally maximal writes: those no other write's context covers.
    public static func maximalWrites(_ operations: [SyncOperation]) -> [FieldKey: [SyncOperation]] {
        var byField: [FieldKey: [SyncOperation]] = [:]
        for op in operations { byField[op.key, default: []].append(op) }
        return byField.mapValues { ops in ops.filter { candidate in !ops.contains { $0.context.covers(candidate.dot) } }
        }
    }

    /// The fields whose maximal writes hold different values: exactly the value conflicts.
    public static func conflictingFields(_ operations: [SyncOperation]) -> Set<FieldKey> {
        Set(maximalWrites(operations).filter { Set($0.value.map(\.value)).count > 1 }.keys)
    }
}
