import Foundation
import Replica
import SyncCore
import TestSupport
import Testing

/// Decisions on conflicts (``ReplicaStore/resolve(_:author:note:)``) on real replicas exchanging
/// bundles: a decision closes its conflict on every replica that receives it, rival decisions re-open
/// it with exactly the rival values, a stale decision writes nothing, and what the field held before
/// is found in the log.
@Suite struct ConflictResolutionTests {
    static let rows = ["g/1", "g/2", "g/3", "g/4", "h/1", "h/2"]
    static let columns = ["a", "b", tombstoneColumn]

    func randomValue(_ column: String, _ random: inout SeededRandom) -> FieldValue {
        switch column {
        case tombstoneColumn: .bool(random.chance(0.7))
        case "b": .int(Int64.random(in: 0..<4, using: &random))
        default: .text(["đạt", "chưa đạt", "đang thực hiện"].randomElement(using: &random)!)
        }
    }

    func healAll(_ replicas: [ReplicaStore], _ folder: TemporaryDirectory, _ random: inout SeededRandom, _ tag: String)
        throws
    {
        var fulls: [String] = []
        for (index, replica) in replicas.enumerated() {
            let path = folder.file("\(tag)-full\(index).ndjson")
            _ = try replica.exportBundle(to: path)
            fulls.append(path)
        }
        for replica in replicas {
            for path in (fulls + fulls).shuffled(using: &random) { _ = try replica.importBundle(from: path) }
        }
    }

    /// The law: after any history, each replica decides some open conflicts (sometimes two replicas
    /// decide the same one before they sync); once everything is exchanged, a conflict decided once,
    /// or decided alike, is closed everywhere, one decided differently is open everywhere with exactly
    /// the rival decisions as its values, and every replica holds the same state and every write.
    @Test(arguments: [21, 22, 23, 24] as [UInt64])
    func decisionsCloseConflictsEverywhereAndRivalDecisionsReopenThem(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let folder = TemporaryDirectory("resolution-law")
        let clock = ManualClock(1_700_000_000_000)
        let replicas = try (0..<4).map { try makeReplica(folder, "r\($0)", clock: clock) }
        var writes = 0
        var checked = (closed: 0, reopened: 0)
        for round in 0..<6 {
            // Concurrent writes on replicas that do not talk, then a partial exchange.
            for _ in 0..<40 {
                let index = Int.random(in: 0..<replicas.count, using: &random)
                let column = Self.columns.randomElement(using: &random)!
                try replicas[index].write(
                    [
                        RowChange(
                            table: "t", row: Self.rows.randomElement(using: &random)!,
                            values: [column: randomValue(column, &random)])
                    ], author: "người \(index)")
                writes += 1
                if random.chance(0.2) {
                    let other = Int.random(in: 0..<replicas.count, using: &random)
                    if other != index {
                        try exchange(
                            from: replicas[other], to: replicas[index], folder: folder, name: "x\(round).ndjson")
                    }
                }
            }
            try healAll(replicas, folder, &random, "w\(round)")
            let open = try replicas[0].conflicts()
            #expect(
                try replicas.allSatisfy {
                    try $0.conflicts().map { "\($0.key)\($0.kind)\($0.dots)" }
                        == open.map { "\($0.key)\($0.kind)\($0.dots)" }
                },
                "seed \(seed): same conflicts everywhere")
            let fullLog = folder.file("log\(round).ndjson")
            _ = try replicas[0].exportBundle(to: fullLog)
            let everything = try operations(inBundle: fullLog)
            for conflict in open {
                let history = try replicas[0].ancestors(of: conflict)
                // The indexed lookup finds what the definition finds over the whole log.
                #expect(
                    history
                        == SyncOperation.commonAncestors(
                            of: conflict.values, in: everything.filter { $0.key == conflict.key }),
                    "seed \(seed): ancestors of \(conflict.key)")
                for ancestor in history {
                    #expect(conflict.values.allSatisfy { $0.context.covers(ancestor.dot) })
                    #expect(!conflict.dots.contains(ancestor.dot))
                    #expect(!history.contains { $0.dot != ancestor.dot && $0.context.covers(ancestor.dot) })
                }
            }
            // Decisions: each open conflict is decided by nobody, one replica, or two rivals.
            var expectations: [(key: FieldKey, kind: Conflict.Kind, outcomes: [ConflictDecision.Outcome])] = []
            for conflict in open {
                let deciders = Array(
                    (0..<replicas.count).shuffled(using: &random).prefix(
                        random.chance(0.1) ? 0 : Int.random(in: 1...2, using: &random)))
                guard !deciders.isEmpty else { continue }
                var outcomes: [ConflictDecision.Outcome] = []
                for decider in deciders {
                    let outcome: ConflictDecision.Outcome
                    if conflict.kind == .editDelete, random.chance(0.5) {
                        outcome = .delete
                    } else if random.chance(0.5) {
                        let picked = conflict.values.filter { $0.key.column == conflict.key.column }
                            .randomElement(using: &random)!
                        outcome = .value(picked.value)
                    } else {
                        outcome = .value(randomValue(conflict.key.column, &random))
                    }
                    // A decider's own earlier decision in this round may already have closed a sibling
                    // conflict of the same row (a restore or delete settles every column): then skip.
                    guard let current = try replicas[decider].conflict(conflict.key, kind: conflict.kind),
                        current.dots == conflict.dots
                    else { continue }
                    let before = try replicas[decider].operationCount()
                    do {
                        try replicas[decider].resolve(
                            [
                                ConflictDecision(
                                    key: conflict.key, kind: conflict.kind, expected: conflict.dots, outcome: outcome)
                            ],
                            author: "người \(decider)", note: "vòng \(round)")
                    } catch ReplicaError.deletionDisputed {
                        // A value on a row whose deletion is disputed waits for that decision; nothing is written.
                        #expect(try replicas[decider].operationCount() == before)
                        continue
                    }
                    outcomes.append(outcome)
                }
                expectations.append((conflict.key, conflict.kind, outcomes))
            }
            writes = try replicas.reduce(0) { $0 + (try $1.localOperationCount()) }
            try healAll(replicas, folder, &random, "d\(round)")
            let dumps = try replicas.map { try $0.dump() }
            #expect(Set(dumps).count == 1, "seed \(seed) round \(round): dumps differ")
            #expect(try replicas.allSatisfy { try $0.operationCount() == writes }, "nothing lost")
            for expectation in expectations where expectation.outcomes.count >= 1 {
                let after = try replicas[0].conflict(expectation.key, kind: expectation.kind)
                let distinct = Set(expectation.outcomes)
                // Decisions on another column of the same row (a restore, a delete) also touch this
                // one's row; the plain single-decision case on a value conflict is exact:
                if expectation.kind == .value, expectation.outcomes.count == 1,
                    !expectations.contains(where: {
                        $0.key.rowKey == expectation.key.rowKey
                            && ($0.key != expectation.key || $0.kind != expectation.kind)
                    })
                {
                    #expect(after == nil, "seed \(seed): a single decision closes \(expectation.key)")
                    checked.closed += 1
                }
                if expectation.kind == .value, distinct.count == 2,
                    !expectations.contains(where: {
                        $0.key.rowKey == expectation.key.rowKey
                            && ($0.key != expectation.key || $0.kind != expectation.kind)
                    })
                {
                    #expect(after?.values.count == 2, "seed \(seed): rival decisions re-open \(expectation.key)")
                    let values = Set(after?.values.map { ConflictDecision.Outcome.value($0.value) } ?? [])
                    #expect(values == distinct)
                    checked.reopened += 1
                }
                if expectation.kind == .value, expectation.outcomes.count == 2, distinct.count == 1,
                    !expectations.contains(where: {
                        $0.key.rowKey == expectation.key.rowKey
                            && ($0.key != expectation.key || $0.kind != expectation.kind)
                    })
                {
                    #expect(after == nil, "seed \(seed): rival decisions that agree close \(expectation.key)")
                }
            }
        }
        #expect(checked.closed > 0 && checked.reopened > 0, "seed \(seed): the history should test both laws")
    }

    @Test func aStaleDecisionWritesNothing() throws {
        let folder = TemporaryDirectory("stale-decision")
        let a = try makeReplica(folder, "a")
        let b = try makeReplica(folder, "b")
        let c = try makeReplica(folder, "c")
        try a.write([RowChange(table: "t", row: "g/1", values: ["a": .text("đạt")])], author: "A")
        try b.write([RowChange(table: "t", row: "g/1", values: ["a": .text("chưa đạt")])], author: "B")
        try exchange(from: a, to: b, folder: folder, name: "1.ndjson")
        let shown = try #require(try b.conflicts().first)
        // A third value arrives after the conflict was shown: the decision made on two values is refused.
        try c.write([RowChange(table: "t", row: "g/1", values: ["a": .text("đang thực hiện")])], author: "C")
        try exchange(from: c, to: b, folder: folder, name: "2.ndjson")
        let before = try b.dump()
        let count = try b.operationCount()
        #expect(throws: ReplicaError.conflictChanged(table: "t", row: "g/1", column: "a", kind: .value)) {
            try b.resolve(
                [ConflictDecision(key: shown.key, kind: .value, expected: shown.dots, outcome: .value(.text("đạt")))],
                author: "B")
        }
        #expect(try b.dump() == before && b.operationCount() == count)
        // Resolved meanwhile (by b itself here): a second decision on the old view is refused.
        let current = try #require(try b.conflicts().first)
        try b.resolve(
            [ConflictDecision(key: current.key, kind: .value, expected: current.dots, outcome: .value(.text("đạt")))],
            author: "B")
        #expect(try b.conflictCount() == 0)
        #expect(throws: ReplicaError.conflictNotOpen(table: "t", row: "g/1", column: "a", kind: .value)) {
            try b.resolve(
                [ConflictDecision(key: current.key, kind: .value, expected: current.dots, outcome: .value(.text("x")))],
                author: "B")
        }
        // Several decisions are written together or not at all.
        try a.write([RowChange(table: "t", row: "g/2", values: ["b": .int(1)])], author: "A")
        try c.write([RowChange(table: "t", row: "g/2", values: ["b": .int(2)])], author: "C")
        try exchange(from: c, to: a, folder: folder, name: "3.ndjson")
        let open = try #require(try a.conflicts().first)
        let aCount = try a.operationCount()
        let aConflicts = try a.conflictCount()
        #expect(throws: ReplicaError.self) {
            try a.resolve(
                [
                    ConflictDecision(key: open.key, kind: .value, expected: open.dots, outcome: .value(.int(1))),
                    ConflictDecision(key: shown.key, kind: .value, expected: shown.dots, outcome: .value(.text("x"))),
                ], author: "A")
        }
        #expect(try a.operationCount() == aCount && a.conflictCount() == aConflicts)
    }

    @Test func anEditWhileDeletedIsSettledByDeletingOrByKeepingTheEdit() throws {
        let folder = TemporaryDirectory("edit-delete-decision")
        for keep in [false, true] {
            let a = try makeReplica(folder, "a\(keep)")
            let b = try makeReplica(folder, "b\(keep)")
            try a.write([RowChange(table: "t", row: "g/1", values: ["a": .text("cũ"), "b": .int(1)])], author: "A")
            try exchange(from: a, to: b, folder: folder, name: "1.ndjson")
            try a.write([.delete(table: "t", row: "g/1")], author: "A")
            try b.write([RowChange(table: "t", row: "g/1", values: ["a": .text("mới")])], author: "B")
            try exchange(from: a, to: b, folder: folder, name: "2.ndjson")
            try exchange(from: b, to: a, folder: folder, name: "3.ndjson")
            let conflict = try #require(try a.conflicts().first)
            #expect(conflict.kind == .editDelete)
            #expect(conflict.values.map(\.value) == [.bool(true), .text("mới")])
            #expect(try a.ancestors(of: conflict).map(\.value) == [.text("cũ")])
            try a.resolve(
                [
                    ConflictDecision(
                        key: conflict.key, kind: .editDelete, expected: conflict.dots,
                        outcome: keep ? .value(.text("mới")) : .delete)
                ], author: "A", note: "đã xem")
            try exchange(from: a, to: b, folder: folder, name: "4.ndjson")
            for replica in [a, b] {
                #expect(try replica.conflictCount() == 0)
                let state = try #require(try replica.rowState(table: "t", row: "g/1"))
                #expect(state.isDeleted == !keep)
                if keep { #expect(state.projection?["a"] == .text("mới") && state.projection?["b"] == .int(1)) }
            }
            #expect(try a.dump() == b.dump())
        }
    }

    /// Two columns edited while a third replica deleted the row, and the values of one column
    /// disputed too: the conflicts a row can hold at once.
    func tornRow(_ folder: TemporaryDirectory, _ tag: String) throws -> (ReplicaStore, ReplicaStore, ReplicaStore) {
        let a = try makeReplica(folder, "a\(tag)")
        let b = try makeReplica(folder, "b\(tag)")
        let c = try makeReplica(folder, "c\(tag)")
        try a.write([RowChange(table: "t", row: "g/1", values: ["a": .text("cũ"), "b": .int(1)])], author: "A")
        try exchange(from: a, to: b, folder: folder, name: "\(tag)1.ndjson")
        try exchange(from: a, to: c, folder: folder, name: "\(tag)2.ndjson")
        try a.write([RowChange(table: "t", row: "g/1", values: ["a": .text("x"), "b": .int(2)])], author: "A")
        try b.write([RowChange(table: "t", row: "g/1", values: ["a": .text("y")])], author: "B")
        try c.write([.delete(table: "t", row: "g/1")], author: "C")
        for (x, y) in [(a, b), (b, c), (c, a), (a, b)] {
            try exchange(from: x, to: y, folder: folder, name: "\(tag)x.ndjson")
        }
        return (a, b, c)
    }

    @Test func decisionsOnOneRowAreWrittenTogetherOrRefusedTogether() throws {
        let folder = TemporaryDirectory("one-row")
        let (a, b, _) = try tornRow(folder, "r")
        let open = try a.conflicts()
        #expect(open.map { "\($0.key.column):\($0.kind.rawValue)" } == ["a:edit-delete", "a:value", "b:edit-delete"])
        func decision(_ column: String, _ kind: Conflict.Kind, _ outcome: ConflictDecision.Outcome) -> ConflictDecision
        {
            let record = open.first { $0.key.column == column && $0.kind == kind }!
            return ConflictDecision(key: record.key, kind: kind, expected: record.dots, outcome: outcome)
        }
        // Keeping the record for one column and deleting it for another: refused, nothing written.
        let count = try a.operationCount()
        #expect(throws: ReplicaError.contradictoryDecisions(table: "t", row: "g/1")) {
            try a.resolve(
                [decision("a", .editDelete, .value(.text("x"))), decision("b", .editDelete, .delete)], author: "A")
        }
        #expect(
            ConflictDecision.contradictions(in: [
                decision("a", .editDelete, .value(.text("x"))), decision("b", .editDelete, .delete),
            ]) == [RowKey(table: "t", row: "g/1")])
        #expect(throws: ReplicaError.contradictoryDecisions(table: "t", row: "g/1")) {
            try a.resolve(
                [decision("a", .value, .value(.text("y"))), decision("a", .editDelete, .value(.text("x")))],
                author: "A")
        }
        #expect(try a.operationCount() == count)
        // A value for the disputed column alone, while the deletion itself is disputed: refused.
        #expect(throws: ReplicaError.deletionDisputed(table: "t", row: "g/1")) {
            try a.resolve([decision("a", .value, .value(.text("y")))], author: "A")
        }
        // Deleting for good and choosing the column's value, together: the delete is written last and
        // covers the value, so no conflict is left and none is opened by the decision itself.
        try a.resolve(
            [
                decision("a", .editDelete, .delete), decision("a", .value, .value(.text("y"))),
                decision("b", .editDelete, .delete),
            ], author: "A")
        #expect(try a.conflictCount() == 0)
        try exchange(from: a, to: b, folder: folder, name: "r-back.ndjson")
        #expect(try b.conflictCount() == 0 && b.dump() == a.dump())
        #expect(try b.rowState(table: "t", row: "g/1")?.isDeleted == true)
    }

    @Test func aValueDecidedOnARowThatStaysDeletedOpensNoNewConflict() throws {
        let folder = TemporaryDirectory("deleted-row-value")
        let a = try makeReplica(folder, "a")
        let b = try makeReplica(folder, "b")
        let c = try makeReplica(folder, "c")
        try a.write([RowChange(table: "t", row: "g/1", values: ["a": .text("x")])], author: "A")
        try b.write([RowChange(table: "t", row: "g/1", values: ["a": .text("y")])], author: "B")
        try exchange(from: a, to: c, folder: folder, name: "1.ndjson")
        try exchange(from: b, to: c, folder: folder, name: "2.ndjson")
        // C saw both values, then deleted the row: the value conflict stays listed, the delete is undisputed.
        try c.write([.delete(table: "t", row: "g/1")], author: "C")
        let open = try c.conflicts()
        #expect(open.map(\.kind) == [.value])
        try c.resolve(
            [ConflictDecision(key: open[0].key, kind: .value, expected: open[0].dots, outcome: .value(.text("y")))],
            author: "C")
        let state = try #require(try c.rowState(table: "t", row: "g/1"))
        #expect(state.isDeleted && state.conflicts.isEmpty)
        #expect(state.fields["a"]?.siblings.map(\.value) == [.text("y")])
    }

    @Test func rivalDecisionsOnADeletionReopenItAsADisputedDeletion() throws {
        let folder = TemporaryDirectory("rival-deletion")
        let a = try makeReplica(folder, "a")
        let b = try makeReplica(folder, "b")
        try a.write([RowChange(table: "t", row: "g/1", values: ["a": .text("cũ")])], author: "A")
        try exchange(from: a, to: b, folder: folder, name: "1.ndjson")
        try a.write([.delete(table: "t", row: "g/1")], author: "A")
        try b.write([RowChange(table: "t", row: "g/1", values: ["a": .text("mới")])], author: "B")
        try exchange(from: a, to: b, folder: folder, name: "2.ndjson")
        try exchange(from: b, to: a, folder: folder, name: "3.ndjson")
        let conflict = try #require(try a.conflicts().first)
        // A confirms the delete while B keeps the edit, before they sync again.
        try a.resolve(
            [ConflictDecision(key: conflict.key, kind: .editDelete, expected: conflict.dots, outcome: .delete)],
            author: "A")
        try b.resolve(
            [
                ConflictDecision(
                    key: conflict.key, kind: .editDelete, expected: conflict.dots, outcome: .value(.text("mới")))
            ], author: "B")
        try exchange(from: a, to: b, folder: folder, name: "4.ndjson")
        try exchange(from: b, to: a, folder: folder, name: "5.ndjson")
        #expect(try a.dump() == b.dump())
        let reopened = try a.conflicts()
        #expect(reopened.map { "\($0.key.column):\($0.kind.rawValue)" } == ["_deleted:value"])
        #expect(Set(reopened.first?.values.map(\.value) ?? []) == [.bool(true), .bool(false)])
        #expect(try a.rowState(table: "t", row: "g/1")?.fields["a"]?.siblings.map(\.value) == [.text("mới")])
    }
}
