import SyncCore
import TestSupport
import Testing

/// What a field held before a conflict: the writes every competing write had seen, and no later one.
@Suite struct AncestryTests {
    @Test func theValueBothWritersStartedFromIsTheAncestor() {
        var a = MemoryReplica(id: "a")
        var b = MemoryReplica(id: "b")
        let first = a.write(row: "r", column: "c", value: .text("chưa đạt"))
        let second = a.write(row: "r", column: "c", value: .text("đang thực hiện"))
        b.apply(first)
        b.apply(second)
        let mine = a.write(row: "r", column: "c", value: .text("đạt"))
        let theirs = b.write(row: "r", column: "c", value: .text("chưa đạt"))
        let history = [first, second, mine, theirs]
        #expect(SyncOperation.commonAncestors(of: [mine, theirs], in: history) == [second])
        // Order and duplicates of the history do not matter.
        #expect(SyncOperation.commonAncestors(of: [theirs, mine], in: history.reversed() + history) == [second])
    }

    @Test func aFieldFirstWrittenConcurrentlyHasNoAncestor() {
        var a = MemoryReplica(id: "a")
        var b = MemoryReplica(id: "b")
        let x = a.write(row: "r", column: "c", value: .int(1))
        let y = b.write(row: "r", column: "c", value: .int(2))
        #expect(SyncOperation.commonAncestors(of: [x, y], in: [x, y]).isEmpty)
    }

    @Test func writersWhoStartedFromAnOpenConflictHaveTwoAncestors() {
        var a = MemoryReplica(id: "a")
        var b = MemoryReplica(id: "b")
        var c = MemoryReplica(id: "c")
        let x = a.write(row: "r", column: "c", value: .int(1))
        let y = b.write(row: "r", column: "c", value: .int(2))
        for op in [x, y] {
            a.apply(op)
            c.apply(op)
        }
        // Both saw the conflict x|y and wrote over it concurrently: they started from both values.
        let fromA = a.write(row: "r", column: "c", value: .int(3))
        let fromC = c.write(row: "r", column: "c", value: .int(4))
        #expect(SyncOperation.commonAncestors(of: [fromA, fromC], in: [x, y, fromA, fromC]) == [x, y])
    }

    @Test func anEditAgainstADeleteHasTheEditedValueAsAncestor() {
        var a = MemoryReplica(id: "a")
        var b = MemoryReplica(id: "b")
        let original = a.write(row: "r", column: "c", value: .text("cũ"))
        b.apply(original)
        let delete = a.write(row: "r", column: tombstoneColumn, value: .bool(true))
        let edit = b.write(row: "r", column: "c", value: .text("mới"))
        b.apply(delete)
        let competing = b.rows[RowKey(table: "t", row: "r")]!.competing(Conflict(column: "c", kind: .editDelete))
        #expect(competing.map(\.dot) == [delete.dot, edit.dot])
        #expect(SyncOperation.commonAncestors(of: [delete, edit], in: [original, edit]) == [original])
        #expect(b.rows[RowKey(table: "t", row: "r")]!.competing(Conflict(column: "c", kind: .value)).isEmpty)
    }
}
