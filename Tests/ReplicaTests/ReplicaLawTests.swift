import Foundation
import GRDB
import Replica
import SyncCore
import TestSupport
import Testing

/// The merge laws on real SQLite replicas exchanging real bundle files: random writes on few fields
/// (so that conflicts are frequent), bundles delivered late, twice and out of order, replicas cut off
/// for a while. At the end all dumps are byte-identical and the open conflicts are exactly the
/// concurrent writes with different values.
@Suite struct ReplicaLawTests {
    static let rows = ["g/1", "g/2", "h/1"]
    static let columns = ["a", "b", "c", tombstoneColumn]

    @Test(arguments: [(11, 900), (12, 900), (13, 3000)] as [(UInt64, Int)])
    func replicasExchangingBundlesConverge(seed: UInt64, steps: Int) throws {
        var random = SeededRandom(seed: seed)
        let folder = TemporaryDirectory("laws")
        let clock = ManualClock(1_700_000_000_000)
        // Two replicas flush their row cache after every row, so that flushes inside a transaction are
        // exercised as well as the single flush at commit.
        let replicas = try (0..<5).map {
            try makeReplica(folder, "r\($0)", clock: clock, rowCacheLimit: $0 < 2 ? 1 : 65_536)
        }
        var oldBundles: [String] = []
        var partitioned = Set<Int>()
        var writes = 0
        for step in 0..<steps {
            let index = Int.random(in: 0..<replicas.count, using: &random)
            if random.chance(0.04) {
                if partitioned.contains(index) { partitioned.remove(index) } else { partitioned.insert(index) }
            }
            if random.chance(0.7) {
                let column = Self.columns.randomElement(using: &random)!
                let value: FieldValue =
                    switch column {
                    case tombstoneColumn: .bool(random.chance(0.6))
                    case "b": .int(Int64.random(in: 0..<3, using: &random))
                    default: .text(["đạt", "chưa đạt", "x"].randomElement(using: &random)!)
                    }
                let changes = [
                    RowChange(table: "t", row: Self.rows.randomElement(using: &random)!, values: [column: value])
                ]
                try replicas[index].write(changes, author: "người \(index)")
                writes += 1
                continue
            }
            let other = Int.random(in: 0..<replicas.count, using: &random)
            guard other != index, !partitioned.contains(index), !partitioned.contains(other) else { continue }
            if random.chance(0.5) || oldBundles.isEmpty {
                oldBundles.append(
                    try exchange(from: replicas[other], to: replicas[index], folder: folder, name: "b\(step).ndjson"))
            } else {
                // A stale bundle, cut for someone else at some earlier time: duplicates and gaps.
                _ = try replicas[index].importBundle(from: oldBundles.randomElement(using: &random)!)
            }
        }
        // Heal: everyone receives everyone's full log, in random order, twice.
        var fulls: [String] = []
        for (index, replica) in replicas.enumerated() {
            let path = folder.file("full\(index).ndjson")
            _ = try replica.exportBundle(to: path)
            fulls.append(path)
        }
        for replica in replicas {
            for path in (fulls + fulls).shuffled(using: &random) { _ = try replica.importBundle(from: path) }
        }
        let dumps = try replicas.map { try $0.dump() }
        #expect(Set(dumps).count == 1, "dumps differ (seed \(seed))")
        #expect(try replicas.allSatisfy { try $0.operationCount() == writes })

        // Oracle: from the union of all operations, the fields whose causally maximal writes disagree.
        let healed = folder.file("healed.ndjson")
        _ = try replicas[0].exportBundle(to: healed)
        let all = try operations(inBundle: healed)
        #expect(all.count == writes)
        let expected = Set(Oracle.conflictingFields(all).map { "\($0)" })
        for replica in replicas {
            var fromStates = Set<String>()
            for row in Self.rows {
                for conflict in try replica.rowState(table: "t", row: row)?.conflicts ?? []
                where conflict.kind == .value {
                    fromStates.insert("t/\(row)#\(conflict.column)")
                }
            }
            #expect(fromStates == expected, "row states, seed \(seed)")
            let found = Set(try replica.conflicts().filter { $0.kind == .value }.map { "\($0.key)" })
            #expect(found == expected, "seed \(seed): \(replica.replicaID)")
        }
        #expect(!expected.isEmpty, "the history should produce conflicts")
        let editDelete = try replicas.map {
            Set(try $0.conflicts().filter { $0.kind == .editDelete }.map { "\($0.key)" })
        }
        #expect(Set(editDelete).count == 1)
    }

    @Test func aResolutionOnOneReplicaClosesTheConflictEverywhere() throws {
        let folder = TemporaryDirectory("resolve")
        let a = try makeReplica(folder, "a")
        let b = try makeReplica(folder, "b")
        let c = try makeReplica(folder, "c")
        try a.write([RowChange(table: "t", row: "g/1", values: ["a": .text("đạt")])], author: "A")
        try b.write([RowChange(table: "t", row: "g/1", values: ["a": .text("chưa đạt")])], author: "B")
        for (x, y) in [(a, b), (b, a), (a, c)] { try exchange(from: x, to: y, folder: folder, name: "x.ndjson") }
        #expect(try a.conflictCount() == 1)
        #expect(try b.conflictCount() == 1)
        #expect(try c.conflictCount() == 1)
        #expect(
            try c.conflicts()[0].values.map(\.value).sorted { $0.description < $1.description } == [
                .text("chưa đạt"), .text("đạt"),
            ])
        // C decides; the decision reaches A and B through the district (here: bundles).
        try c.write(
            [RowChange(table: "t", row: "g/1", values: ["a": .text("đạt")])], author: "C",
            note: "đã kiểm tra tại thực địa")
        #expect(try c.conflictCount() == 0)
        try exchange(from: c, to: a, folder: folder, name: "y.ndjson")
        try exchange(from: a, to: b, folder: folder, name: "z.ndjson")
        #expect(try a.conflictCount() == 0)
        #expect(try b.conflictCount() == 0)
        #expect(try a.dump() == b.dump())
        #expect(try b.dump() == c.dump())
        let history = try b.history(table: "t", rows: ["g/1"])
        #expect(history.last?.replaced.count == 2, "the resolution replaced both competing values")
    }

    @Test func aClockThreeYearsAheadChangesOnlyWhichValueIsShownFirst() throws {
        let folder = TemporaryDirectory("skew")
        let threeYears: Int64 = 3 * 365 * 24 * 3600 * 1000
        let normal = try makeReplica(folder, "normal", clock: ManualClock(1_700_000_000_000))
        let ahead = try makeReplica(folder, "ahead", clock: ManualClock(1_700_000_000_000 + threeYears))
        try normal.write([RowChange(table: "t", row: "g/1", values: ["a": .text("chưa đạt")])], author: "N")
        try ahead.write([RowChange(table: "t", row: "g/1", values: ["a": .text("đạt")])], author: "S")
        try exchange(from: normal, to: ahead, folder: folder, name: "1.ndjson")
        try exchange(from: ahead, to: normal, folder: folder, name: "2.ndjson")
        // Both values kept, the conflict flagged on both; the skewed clock only wins the display order.
        for replica in [normal, ahead] {
            let conflicts = try replica.conflicts()
            #expect(conflicts.count == 1)
            #expect(conflicts.first?.values.count == 2)
            #expect(conflicts.first?.values.first?.value == .text("đạt"))
        }
        // A later write on the normal replica, which saw the skewed value, replaces it despite its
        // smaller wall clock: causality, not clocks, decides.
        try normal.write([RowChange(table: "t", row: "g/1", values: ["a": .text("đang thực hiện")])], author: "N")
        try exchange(from: normal, to: ahead, folder: folder, name: "3.ndjson")
        let state = try ahead.rowState(table: "t", row: "g/1")
        #expect(state?.fields["a"]?.siblings.map(\.value) == [.text("đang thực hiện")])
        #expect(try ahead.dump() == normal.dump())
    }

    @Test func deletingARowWhileSomeoneEditsItIsShownNotLost() throws {
        let folder = TemporaryDirectory("delete")
        let a = try makeReplica(folder, "a")
        let b = try makeReplica(folder, "b")
        try a.write([RowChange(table: "t", row: "g/1", values: ["a": .text("x"), "b": .int(1)])], author: "A")
        try exchange(from: a, to: b, folder: folder, name: "1.ndjson")
        try a.write([.delete(table: "t", row: "g/1")], author: "A")
        try b.write([RowChange(table: "t", row: "g/1", values: ["c": .text("thêm ghi chú")])], author: "B")
        try exchange(from: a, to: b, folder: folder, name: "2.ndjson")
        try exchange(from: b, to: a, folder: folder, name: "3.ndjson")
        for replica in [a, b] {
            let conflicts = try replica.conflicts()
            #expect(conflicts.map(\.kind) == [.editDelete])
            #expect(conflicts.first?.key.column == "c")
            #expect(conflicts.first?.values.map(\.value) == [.bool(true), .text("thêm ghi chú")])
            // The projection follows the provisional state: the row is gone from the readable table.
            #expect(try replica.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 0)
        }
        #expect(try a.dump() == b.dump())
        // Restoring keeps the edit.
        try b.write([RowChange(table: "t", row: "g/1", values: [tombstoneColumn: .bool(false)])], author: "B")
        try exchange(from: b, to: a, folder: folder, name: "4.ndjson")
        #expect(try a.conflictCount() == 0)
        #expect(try a.read { db in try String.fetchOne(db, sql: "SELECT c FROM t WHERE id = 'g/1'") } == "thêm ghi chú")
    }
}
