import SyncCore
import TestSupport
import Testing

/// The laws of `docs/DESIGN.md` section 4, checked over random histories: whatever the delivery order,
/// duplicates and partitions, replicas that received the same writes hold the same state, and each
/// field's siblings are exactly its causally maximal writes.
@Suite struct MergeLawTests {
    static let columns = ["status", "value", "note", tombstoneColumn]
    static let rows = ["r1", "r2", "r3"]

    func randomHistory(seed: UInt64, replicas count: Int, steps: Int) -> ([MemoryReplica], [SyncOperation]) {
        var random = SeededRandom(seed: seed)
        var replicas = (0..<count).map { MemoryReplica(id: "r\($0)") }
        var log: [SyncOperation] = []
        var partitioned = Set<Int>()
        for _ in 0..<steps {
            let index = Int.random(in: 0..<count, using: &random)
            if random.chance(0.05) {
                // Partitions come and go: a partitioned replica neither sends nor receives.
                if partitioned.contains(index) { partitioned.remove(index) } else { partitioned.insert(index) }
            }
            if random.chance(0.6) {
                let column = Self.columns.randomElement(using: &random)!
                let value: FieldValue =
                    column == tombstoneColumn
                    ? .bool(random.chance(0.7)) : .int(Int64.random(in: 0..<4, using: &random))
                log.append(
                    replicas[index].write(
                        row: Self.rows.randomElement(using: &random)!, column: column, value: value,
                        wallMs: Int64.random(in: 0..<50, using: &random)))
            } else if !partitioned.contains(index), !log.isEmpty {
                // Partial, out-of-order gossip with duplicates.
                for _ in 0..<Int.random(in: 0...12, using: &random) {
                    let op = log.randomElement(using: &random)!
                    if partitioned.contains(Int(op.dot.origin.dropFirst())!) { continue }
                    replicas[index].apply(op)
                }
            }
        }
        for index in replicas.indices {
            var everything = log + log
            everything.shuffle(using: &random)
            for op in everything { replicas[index].apply(op) }
        }
        return (replicas, log)
    }

    @Test(arguments: 1...40)
    func replicasConvergeAndSiblingsAreTheMaximalWrites(seed: UInt64) {
        // Every tenth seed is a long history: thousands of writes on a dozen fields.
        let (replicas, log) = randomHistory(seed: seed, replicas: 5, steps: seed % 10 == 0 ? 5000 : 600)
        let reference = replicas[0].fingerprint
        for replica in replicas { #expect(replica.fingerprint == reference, "seed \(seed): \(replica.id) differs") }

        for (key, ops) in Oracle.maximalWrites(log) {
            let maximal = Set(ops.map(\.dot))
            let siblings = Set(replicas[0].rows[key.rowKey]!.fields[key.column]!.siblings.map(\.dot))
            #expect(siblings == maximal, "seed \(seed): \(key)")
        }
    }

    @Test(arguments: 1...10)
    func conflictsAreIdenticalEverywhereAndExactlyTheConcurrentDistinctWrites(seed: UInt64) {
        let (replicas, log) = randomHistory(seed: seed &+ 1000, replicas: 6, steps: 800)
        let expected = Set(Oracle.conflictingFields(log).map { "\($0.row)#\($0.column):value" })
        for replica in replicas {
            var found = Set<String>()
            for (key, row) in replica.rows {
                for conflict in row.conflicts where conflict.kind == .value {
                    found.insert("\(key.row)#\(conflict.column):value")
                }
            }
            #expect(found == expected, "seed \(seed) \(replica.id)")
        }
        let editDelete = replicas.map { replica in
            Set(
                replica.rows.flatMap { key, row in
                    row.conflicts.filter { $0.kind == .editDelete }.map { "\(key.row)#\($0.column)" }
                })
        }
        #expect(Set(editDelete).count == 1)
    }

    @Test func applyingInEveryOrderOfAShortHistoryGivesOneState() {
        var a = MemoryReplica(id: "a")
        var b = MemoryReplica(id: "b")
        var c = MemoryReplica(id: "c")
        let a1 = a.write(row: "r", column: "v", value: .int(1))
        b.apply(a1)
        let b1 = b.write(row: "r", column: "v", value: .int(2))
        let c1 = c.write(row: "r", column: "v", value: .int(3))
        let c2 = c.write(row: "r", column: tombstoneColumn, value: .bool(true))
        let ops = [a1, b1, c1, c2]
        var states = Set<String>()
        func permute(_ prefix: [SyncOperation], _ rest: [SyncOperation]) {
            if rest.isEmpty {
                var replica = MemoryReplica(id: "x")
                for op in prefix { replica.apply(op) }
                states.insert(replica.fingerprint)
                return
            }
            for index in rest.indices {
                var remaining = rest
                let next = remaining.remove(at: index)
                permute(prefix + [next], remaining)
            }
        }
        permute([], ops)
        #expect(states.count == 1)
    }
}
