import SyncCore
import TestSupport
import Testing

@Suite struct MergeRuleTests {
    func op(
        _ origin: String, _ seq: UInt64, _ value: FieldValue, context: [(String, UInt64)] = [], wall: Int64 = 0,
        column: String = "c"
    )
        -> SyncOperation
    {
        SyncOperation(
            dot: Dot(origin: origin, seq: seq), key: FieldKey(table: "t", row: "r", column: column), value: value,
            context: VersionVector(context), author: origin, wallMs: wall)
    }

    @Test func concurrentWritesBecomeSiblingsAndAWriteThatSawBothResolves() {
        var field = FieldState()
        field.apply(op("a", 1, .text("x")))
        field.apply(op("b", 1, .text("y")))
        #expect(field.siblings.count == 2)
        #expect(field.isConflict)
        field.apply(op("c", 1, .text("z"), context: [("a", 1), ("b", 1)]))
        #expect(field.siblings.map(\.value) == [.text("z")])
        #expect(!field.isConflict)
        #expect(field.vector == VersionVector([("a", 1), ("b", 1), ("c", 1)]))
    }

    @Test func anAlreadySeenOrSupersededWriteChangesNothing() {
        var field = FieldState()
        field.apply(op("a", 2, .text("new"), context: [("a", 1)]))
        let changedByOld = field.apply(op("a", 1, .text("old")))
        let changedByDuplicate = field.apply(op("a", 2, .text("new"), context: [("a", 1)]))
        #expect(!changedByOld && !changedByDuplicate)
        #expect(field.provisional == .text("new"))
    }

    @Test func concurrentEqualValuesAreNotAConflict() {
        var field = FieldState()
        field.apply(op("a", 1, .text("dat")))
        field.apply(op("b", 1, .text("dat")))
        #expect(field.siblings.count == 2)
        #expect(!field.isConflict)
    }

    @Test func provisionalValueIsTheGreatestWallTimeThenOriginThenSeq() {
        var field = FieldState()
        field.apply(op("a", 1, .text("early"), wall: 100))
        field.apply(op("b", 1, .text("late"), wall: 200))
        #expect(field.provisional == .text("late"))
        var tie = FieldState()
        tie.apply(op("b", 1, .text("from-b"), wall: 5))
        tie.apply(op("a", 1, .text("from-a"), wall: 5))
        #expect(tie.provisional == .text("from-b"))
    }

    @Test func anEditTheDeleterDidNotSeeIsAnEditDeleteConflict() {
        var a = MemoryReplica(id: "a")
        var b = MemoryReplica(id: "b")
        let created = a.write(row: "e1", column: "title", value: .text("Biên bản"))
        b.apply(created)
        let edit = b.write(row: "e1", column: "title", value: .text("Biên bản số 12"))
        let delete = a.write(row: "e1", column: tombstoneColumn, value: .bool(true))
        a.apply(edit)
        b.apply(delete)
        #expect(a.fingerprint == b.fingerprint)
        let row = a.rows[RowKey(table: "t", row: "e1")]!
        #expect(row.isDeleted)
        #expect(row.projection == nil)
        #expect(row.conflicts == [Conflict(column: "title", kind: .editDelete)])
        // Confirming the delete (a new tombstone that saw the edit) closes it.
        let confirm = b.write(row: "e1", column: tombstoneColumn, value: .bool(true))
        a.apply(confirm)
        #expect(a.rows[RowKey(table: "t", row: "e1")]!.conflicts.isEmpty)
        #expect(a.fingerprint == b.fingerprint)
    }

    @Test func restoringADeletedRowClosesTheEditDeleteConflict() {
        var a = MemoryReplica(id: "a")
        var b = MemoryReplica(id: "b")
        b.apply(a.write(row: "e1", column: "title", value: .text("x")))
        let edit = b.write(row: "e1", column: "title", value: .text("y"))
        let delete = a.write(row: "e1", column: tombstoneColumn, value: .bool(true))
        a.apply(edit)
        b.apply(delete)
        let restore = a.write(row: "e1", column: tombstoneColumn, value: .bool(false))
        b.apply(restore)
        let row = b.rows[RowKey(table: "t", row: "e1")]!
        #expect(!row.isDeleted)
        #expect(row.conflicts.isEmpty)
        #expect(row.projection?["title"] == .text("y"))
    }

    @Test func aDeleteThatSawEveryEditIsNotAConflict() {
        var a = MemoryReplica(id: "a")
        _ = a.write(row: "e1", column: "title", value: .text("x"))
        _ = a.write(row: "e1", column: "kind", value: .text("qd"))
        _ = a.write(row: "e1", column: tombstoneColumn, value: .bool(true))
        #expect(a.rows[RowKey(table: "t", row: "e1")]!.conflicts.isEmpty)
    }

    @Test func storedFormRoundTrips() throws {
        var a = MemoryReplica(id: "a")
        var b = MemoryReplica(id: "b")
        let x = a.write(row: "r", column: "v", value: .double(87.5), wallMs: 3)
        let y = b.write(row: "r", column: "v", value: .text("Đạt \"ok\""), wallMs: 4)
        a.apply(y)
        b.apply(x)
        let state = a.rows[RowKey(table: "t", row: "r")]!
        #expect(try RowState(stored: Array(state.storedJSON.utf8)) == state)
    }

    @Test func operationWireFormRoundTripsAndRefusesBadMembers() throws {
        let original = SyncOperation(
            dot: Dot(origin: "xa-dan-ly-1", seq: 42),
            key: FieldKey(table: "assessment", row: "dan-ly/qd1980-2016/17.1", column: "status"),
            value: .text("dat"), context: VersionVector([("xa-dan-ly-1", 41), ("hub", 7)]), author: "Nguyễn Thị Lan",
            wallMs: 1_763_906_400_000, note: "theo biên bản")
        let line = original.jsonLine
        #expect(line.hasPrefix(#"{"type":"op","origin":"xa-dan-ly-1","seq":42,"table":"assessment""#))
        #expect(try SyncOperation(line: Array(line.utf8)) == original)
        var bad: [(String, String)] = [
            (line.replacingOccurrences(of: #""seq":42"#, with: #""seq":0"#), "seq"),
            (line.replacingOccurrences(of: #""origin":"xa-dan-ly-1""#, with: #""origin":"Xã""#), "origin"),
            (line.replacingOccurrences(of: #""value":"dat""#, with: #""value":[1]"#), "value"),
            (line.replacingOccurrences(of: #""hub":7"#, with: #""hub":-1"#), "context"),
            (line.replacingOccurrences(of: #""table":"assessment""#, with: #""table":"drop table""#), "table"),
            (line.replacingOccurrences(of: #""type":"op""#, with: #""type":"nope""#), "type"),
        ]
        let huge = (0..<1025).map { "\"r\($0)\":1" }.joined(separator: ",")
        bad.append(
            (
                line.replacingOccurrences(of: #""context":{"hub":7,"xa-dan-ly-1":41}"#, with: "\"context\":{\(huge)}"),
                "context"
            ))
        bad.append((line.replacingOccurrences(of: #""xa-dan-ly-1":41"#, with: #""xa-dan-ly-1":42"#), "context"))
        bad.append(
            (
                line.replacingOccurrences(
                    of: #""column":"status","value":"dat""#, with: #""column":"_deleted","value":"yes""#), "value"
            ))
        for (text, field) in bad {
            #expect(formatErrorField(text) == field)
        }
    }

    func formatErrorField(_ line: String) -> String? {
        do {
            _ = try SyncOperation(line: Array(line.utf8))
            return nil
        } catch {
            if case .format(let format) = error { return format.field }
            return "json"
        }
    }

    @Test func seqRangesMergeAndReport() {
        var ranges = SeqRanges()
        for seq: UInt64 in [1, 2, 3, 7, 5, 6, 10] { ranges.insert(seq) }
        #expect(ranges.ranges == [1...3, 5...7, 10...10])
        ranges.insert(4)
        ranges.insert(8...9)
        #expect(ranges.ranges == [1...10])
        #expect(ranges.contains(10) && !ranges.contains(11) && ranges.count == 10)
        let summary = Summary(origins: ["a": ranges, "empty": SeqRanges()])
        #expect(JSONWriter.string(summary.json) == #"{"a":[[1,10]]}"#)
    }
}
