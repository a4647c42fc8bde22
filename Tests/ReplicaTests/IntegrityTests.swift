import Foundation
import GRDB
import Replica
import SyncCore
import TestSupport
import Testing

/// `verifyIntegrity()` on real replicas: a database written and synced the ordinary way is clean, and a
/// copy altered behind the engine's back (through plain SQLite) is caught, naming what was altered.
@Suite struct IntegrityTests {
    /// Two replicas that wrote, exchanged bundles, and left a value conflict on t g/1 a and an
    /// edit-delete conflict on t g/2 b. Returns the second one, which holds both origins.
    func synced(_ folder: TemporaryDirectory) throws -> ReplicaStore {
        let clock = ManualClock(1_700_000_000_000)
        let first = try makeReplica(folder, "r1", clock: clock)
        let second = try makeReplica(folder, "r2", clock: clock)
        for index in 1...6 {
            try first.write(
                [RowChange(table: "t", row: "g/\(index)", values: ["a": .text("giá trị \(index)"), "b": .int(1)])],
                author: "Lan", note: index == 4 ? "theo biên bản 12" : nil)
        }
        try exchange(from: first, to: second, folder: folder, name: "1.ndjson")
        try first.write([RowChange(table: "t", row: "g/1", values: ["a": .text("đạt")])], author: "Lan")
        try second.write([RowChange(table: "t", row: "g/1", values: ["a": .text("chưa đạt")])], author: "Hùng")
        try first.write([.delete(table: "t", row: "g/2")], author: "Lan")
        try second.write([RowChange(table: "t", row: "g/2", values: ["b": .int(2)])], author: "Hùng")
        try second.write([RowChange(table: "t", row: "g/3", values: ["b": .int(3)])], author: "Hùng")
        try exchange(from: first, to: second, folder: folder, name: "2.ndjson")
        try exchange(from: second, to: first, folder: folder, name: "3.ndjson")
        #expect(try second.conflictCount() == 2)
        return second
    }

    /// The dot of the operation that wrote `column` of `row` (the only one, or the first).
    func dot(_ store: ReplicaStore, row: String, column: String) throws -> Dot {
        let state = try #require(try store.rowState(table: "t", row: row))
        return try #require(state.fields[column]?.siblings.first?.dot)
    }

    @Test func aDatabaseWrittenAndSyncedNormallyIsClean() throws {
        let folder = TemporaryDirectory("integrity-clean")
        let store = try synced(folder)
        let report = try store.verifyIntegrity()
        #expect(report.isClean, "\(report.problems)")
        #expect(report.problems.isEmpty)
        #expect(report.operations == (try store.operationCount()))
        #expect(report.rows == 6)
        #expect(report.origins == 2)
        #expect(report.conflicts == 2)
        // So is a copy, and an empty replica.
        let copy = try tampered(store, folder, "copy", "SELECT 1")
        #expect(try copy.verifyIntegrity() == report)
        let empty = try makeReplica(folder, "empty").verifyIntegrity()
        #expect(empty == IntegrityReport(problems: [], operations: 0, rows: 0, origins: 0, conflicts: 0))
    }

    @Test func randomHistoriesDeliveredInAnyOrderVerifyClean() throws {
        // The stored states were reached in arrival order, in transactions flushed at any point; the check
        // replays each row's operations in log order. Both must agree on every replica.
        var random = SeededRandom(seed: 77)
        let folder = TemporaryDirectory("integrity-random")
        let clock = ManualClock(1_700_000_000_000)
        let replicas = try (0..<4).map {
            try makeReplica(folder, "r\($0)", clock: clock, rowCacheLimit: $0 == 0 ? 1 : 64)
        }
        var bundles: [String] = []
        for step in 0..<400 {
            let index = Int.random(in: 0..<replicas.count, using: &random)
            if random.chance(0.65) {
                let column = ["a", "b", tombstoneColumn].randomElement(using: &random)!
                let value: FieldValue =
                    column == tombstoneColumn
                    ? .bool(random.chance(0.5)) : .text(["x", "y", "z"].randomElement(using: &random)!)
                try replicas[index].write(
                    [
                        RowChange(
                            table: "t", row: ["g/1", "g/2", "h/1"].randomElement(using: &random)!,
                            values: [column: value])
                    ],
                    author: "người \(index)")
            } else if random.chance(0.6) || bundles.isEmpty {
                let other = (index + Int.random(in: 1..<replicas.count, using: &random)) % replicas.count
                bundles.append(
                    try exchange(from: replicas[other], to: replicas[index], folder: folder, name: "b\(step)"))
            } else {
                _ = try replicas[index].importBundle(from: bundles.randomElement(using: &random)!)
            }
        }
        for replica in replicas {
            let report = try replica.verifyIntegrity()
            #expect(report.isClean, "\(replica.replicaID): \(report.problems)")
            #expect(report.operations == (try replica.operationCount()))
            #expect(report.conflicts == (try replica.conflictCount()))
        }
    }

    @Test func anAlteredValueInTheLogIsFound() throws {
        let folder = TemporaryDirectory("integrity-value")
        let store = try synced(folder)
        let altered = try dot(store, row: "g/4", column: "a")
        let copy = try tampered(
            store, folder, "value",
            "UPDATE oplog SET value = '\"sửa lén\"' WHERE origin = '\(altered.origin)' AND seq = \(altered.seq)")
        let problems = try copy.verifyIntegrity().problems
        var expected: [IntegrityProblem] = [
            .rowStateDiffers(table: "t", row: "g/4", column: "a", difference: .values([altered]))
        ]
        // The origin's next operation names the original's hash: the chain breaks there too.
        let next = Dot(origin: altered.origin, seq: altered.seq + 1)
        if try store.operation(next) != nil { expected.insert(.brokenChain(dot: next, previous: altered), at: 0) }
        #expect(problems == expected)
        #expect(problems.allSatisfy { $0.description.contains(altered.description) })
    }

    /// An operation a later write replaced leaves no trace in the state: only the chain finds it.
    @Test func aChangedOperationThatNoStateShowsIsFoundByTheChain() throws {
        let folder = TemporaryDirectory("integrity-chain")
        let store = try makeReplica(folder, "r1", clock: ManualClock(1_700_000_000_000))
        try store.write([RowChange(table: "t", row: "g/1", values: ["a": .text("một")])], author: "x")
        try store.write([RowChange(table: "t", row: "g/1", values: ["a": .text("hai")])], author: "x")
        try store.write([RowChange(table: "t", row: "g/2", values: ["a": .text("ba")])], author: "x")
        #expect(try store.verifyIntegrity().isClean)
        let copy = try tampered(store, folder, "chain", "UPDATE oplog SET value = '\"sửa lén\"' WHERE seq = 1")
        #expect(
            try copy.verifyIntegrity().problems
                == [.brokenChain(dot: Dot(origin: "r1", seq: 2), previous: Dot(origin: "r1", seq: 1))])
        // Removing the prev that gives it away is found too.
        let cut = try tampered(store, folder, "cut", "UPDATE oplog SET prev = NULL WHERE seq = 3")
        #expect(try cut.verifyIntegrity().problems == [.chainCut(dot: Dot(origin: "r1", seq: 3))])
    }

    @Test func aDeletedOperationIsFoundByItsDot() throws {
        let folder = TemporaryDirectory("integrity-deleted")
        let store = try synced(folder)
        let deleted = try dot(store, row: "g/4", column: "a")
        let copy = try tampered(
            store, folder, "deleted", "DELETE FROM oplog WHERE origin = '\(deleted.origin)' AND seq = \(deleted.seq)")
        let problems = try copy.verifyIntegrity().problems
        #expect(
            problems == [
                .operationsMissingFromLog(origin: deleted.origin, seqs: deleted.seq...deleted.seq),
                .rowStateDiffers(table: "t", row: "g/4", column: "a", difference: .notInLog),
            ])
        #expect(problems[0].description == "operation \(deleted) is held but missing from the log (deleted)")
    }

    @Test func aDeletedOperationThatWasReplacedIsStillFound() throws {
        // r1's first write to g/1 a was replaced by its second: the row's state does not depend on it,
        // but the held dots do.
        let folder = TemporaryDirectory("integrity-replaced")
        let store = try synced(folder)
        let copy = try tampered(
            store, folder, "replaced",
            "DELETE FROM oplog WHERE origin = 'r1' AND tbl = 't' AND row = 'g/1' AND col = 'a' AND value = '\"giá trị 1\"'"
        )
        let problems = try copy.verifyIntegrity().problems
        #expect(problems.contains { if case .operationsMissingFromLog("r1", _) = $0 { true } else { false } })
    }

    @Test func anAlteredRowStateIsFound() throws {
        let folder = TemporaryDirectory("integrity-state")
        let store = try synced(folder)
        let written = try dot(store, row: "g/5", column: "a")
        let copy = try tampered(
            store, folder, "state",
            """
            UPDATE row_state SET state = replace(state, '"giá trị 5"', '"khác"') WHERE tbl = 't' AND row = 'g/5';
            UPDATE row_state SET state = replace(state, '"v":{"r1":', '"v":{"r1":9') WHERE tbl = 't' AND row = 'g/6';
            """)
        let problems = try copy.verifyIntegrity().problems
        #expect(
            problems.contains(.rowStateDiffers(table: "t", row: "g/5", column: "a", difference: .values([written]))))
        let vectors = problems.filter {
            if case .rowStateDiffers("t", "g/6", _, .vector) = $0 { true } else { false }
        }
        #expect(vectors.count == 2, "both columns of g/6 had their vector altered: \(problems)")
        #expect(problems.count == 3, "\(problems)")
    }

    @Test func aMissingOrUnwrittenRowStateIsFound() throws {
        let folder = TemporaryDirectory("integrity-rows")
        let store = try synced(folder)
        let copy = try tampered(
            store, folder, "rows",
            """
            DELETE FROM row_state WHERE tbl = 't' AND row = 'g/5';
            INSERT INTO row_state (tbl, row, state) VALUES ('t', 'g/9', '{}');
            UPDATE row_state SET state = 'không phải JSON' WHERE tbl = 't' AND row = 'g/6';
            """)
        let problems = try copy.verifyIntegrity().problems
        #expect(problems.contains(.operationsWithoutRowState(table: "t", row: "g/5", operations: 2)))
        #expect(problems.contains(.rowStateWithoutOperations(table: "t", row: "g/9")))
        #expect(problems.contains { if case .unreadableRowState("t", "g/6", _) = $0 { true } else { false } })
        #expect(problems.count == 3, "\(problems)")
    }

    @Test func aDeletedOrInventedConflictIsFound() throws {
        let folder = TemporaryDirectory("integrity-conflict")
        let store = try synced(folder)
        let copy = try tampered(
            store, folder, "conflict",
            """
            DELETE FROM conflict WHERE tbl = 't' AND row = 'g/1';
            INSERT INTO conflict (tbl, row, col, kind) VALUES ('t', 'g/3', 'b', 'value');
            INSERT INTO conflict (tbl, row, col, kind) VALUES ('t', 'a/0', 'a', 'value');
            """)
        let problems = try copy.verifyIntegrity().problems
        #expect(
            problems == [
                .conflictNotInRowState(table: "t", row: "a/0", column: "a", kind: "value"),
                .conflictMissing(table: "t", row: "g/1", column: "a", kind: .value),
                .conflictNotInRowState(table: "t", row: "g/3", column: "b", kind: "value"),
            ])
    }

    @Test func deletedOrDamagedHoldingsAreFound() throws {
        let folder = TemporaryDirectory("integrity-holdings")
        let store = try synced(folder)
        let held = try store.holdings(of: "r1")
        let copy = try tampered(store, folder, "holdings", "DELETE FROM holdings WHERE origin = 'r1'")
        #expect(
            try copy.verifyIntegrity().problems == [
                .operationsNotInHoldings(origin: "r1", seqs: 1...held.upperBound)
            ])
        // Holdings that claim more than the log holds name the missing range.
        let more = try tampered(store, folder, "more", "UPDATE holdings SET ranges = '[[1,12]]' WHERE origin = 'r2'")
        let r2 = try store.holdings(of: "r2").upperBound
        #expect(try more.verifyIntegrity().problems == [.operationsMissingFromLog(origin: "r2", seqs: (r2 + 1)...12)])
        let damaged = try tampered(
            store, folder, "damaged", "UPDATE holdings SET ranges = '[[3,1]]' WHERE origin = 'r2'")
        let problems = try damaged.verifyIntegrity().problems
        #expect(problems.count == 1)
        #expect(problems.allSatisfy { if case .unreadableHoldings("r2", _) = $0 { true } else { false } })
    }

    @Test func anUnreadableOperationIsReportedNotCrashedOn() throws {
        let folder = TemporaryDirectory("integrity-unreadable")
        let store = try synced(folder)
        let broken = try dot(store, row: "g/4", column: "b")
        let copy = try tampered(
            store, folder, "unreadable",
            """
            UPDATE oplog SET context = '{"r1":-3}', wall_ms = 'hier' WHERE origin = '\(broken.origin)' AND seq = \(broken.seq)
            """)
        let problems = try copy.verifyIntegrity().problems
        #expect(problems.count == 1, "\(problems)")
        guard case .unreadableOperation(_, let dot, _) = problems.first else {
            Issue.record("expected an unreadable operation: \(problems)")
            return
        }
        #expect(dot == broken)
    }
}
