import Foundation
import Replica
import SyncCore
import TestSupport
import Testing

/// A replica's writes a hub refused: reports read the state without them, and withdrawing them takes
/// them out of the replica's own state, which is then the hub's, and stays consistent with the log.
@Suite struct RefusalWithdrawalTests {
    @Test func refusedWritesAreLeftOutAndWithdrawingRestoresTheHubsView() throws {
        let folder = TemporaryDirectory("refusal-withdrawal")
        let clock = ManualClock(1_700_000_000_000)
        let hub = try makeReplica(folder, "hub", clock: clock)
        let laptop = try makeReplica(folder, "laptop", clock: clock)
        try hub.write([RowChange(table: "t", row: "g/i0", values: ["a": .text("hub")])], author: "office")
        try exchange(from: hub, to: laptop, folder: folder, name: "1")
        // The laptop writes over the hub's value, on a row of its own, and a field the hub accepts.
        let refused =
            try laptop.write([RowChange(table: "t", row: "g/i0", values: ["a": .text("mine")])], author: "lan")
            + laptop.write([RowChange(table: "t", row: "g/i1", values: ["a": .text("only mine")])], author: "lan")
        try laptop.write([RowChange(table: "t", row: "g/i0", values: ["b": .int(7)])], author: "lan")
        try laptop.recordRefusals(refused.map { ($0.dot, "forbidden: no rule lets commune:g write a of t") })
        #expect(try laptop.refusedDots() == Set(refused.map(\.dot)))

        // Reports read the state without them, now and as held at any moment.
        let without = try laptop.snapshot(tables: ["t"], excluding: laptop.refusedDots())
        #expect(without.row("t", "g/i0") == ["a": .text("hub"), "b": .int(7)])
        #expect(without.row("t", "g/i1") == nil)
        #expect(try laptop.snapshot(tables: ["t"], heldAt: .max, excluding: laptop.refusedDots()) == without)
        #expect(try laptop.snapshot(tables: ["t"]).row("t", "g/i0")?["a"] == .text("mine"))

        // Withdrawn: the replica's own state is the hub's, nothing new is written, the log is intact.
        let operations = try laptop.operationCount()
        #expect(try laptop.withdrawRefusals(refused.map(\.dot)) == refused.map(\.dot))
        #expect(try laptop.operationCount() == operations)
        #expect(try laptop.snapshot(tables: ["t"]) == without)
        #expect(try laptop.refusalCount() == 0 && laptop.refusals().isEmpty)
        #expect(try laptop.refusals(withdrawn: true).allSatisfy { $0.withdrawnMs != nil })
        #expect(try laptop.conflictCount() == 0)
        let integrity = try laptop.verifyIntegrity()
        #expect(integrity.isClean, "\(integrity.problems)")
        #expect(try laptop.withdrawRefusals(refused.map(\.dot)).isEmpty, "withdrawn once")

        // Later work at the hub merges as usual (a real hub holds the refused dots, so nothing is sent back).
        try hub.write([RowChange(table: "t", row: "g/i0", values: ["a": .text("hub 2")])], author: "office")
        try exchange(from: hub, to: laptop, folder: folder, name: "3")
        #expect(try laptop.snapshot(tables: ["t"]).row("t", "g/i0")?["a"] == .text("hub 2"))
        #expect(try laptop.verifyIntegrity().isClean)
    }

    @Test func aBundleNeverCarriesARefusedWrite() throws {
        let folder = TemporaryDirectory("refusal-bundle")
        let clock = ManualClock(1_700_000_000_000)
        let laptop = try makeReplica(folder, "laptop", clock: clock)
        let other = try makeReplica(folder, "other", clock: clock)
        let refused = try laptop.write(
            [RowChange(table: "t", row: "g/i0", values: ["a": .text("refused")])], author: "lan")
        try laptop.write([RowChange(table: "t", row: "g/i1", values: ["a": .text("accepted")])], author: "lan")
        try laptop.recordRefusals(refused.map { ($0.dot, "forbidden") })
        let path = try exchange(from: laptop, to: other, folder: folder, name: "b.ndjson")
        #expect(try operations(inBundle: path).map(\.dot) == [Dot(origin: "laptop", seq: 2)])
        #expect(try other.snapshot(tables: ["t"]).row("t", "g/i0") == nil)
        #expect(try other.snapshot(tables: ["t"]).row("t", "g/i1") == ["a": .text("accepted")])
        #expect(try other.verifyIntegrity().isClean)
        // Asked again, nothing more goes: the refused write is never sent.
        #expect(try operations(inBundle: exchange(from: laptop, to: other, folder: folder, name: "c.ndjson")).isEmpty)
    }

    @Test func aSnapshotCarriesTheOpenConflicts() throws {
        let folder = TemporaryDirectory("snapshot-conflicts")
        let clock = ManualClock(1_700_000_000_000)
        let one = try makeReplica(folder, "one", clock: clock)
        let two = try makeReplica(folder, "two", clock: clock)
        try one.write([RowChange(table: "t", row: "g/i0", values: ["a": .text("x")])], author: "p")
        try two.write([RowChange(table: "t", row: "g/i0", values: ["a": .text("y"), "b": .int(1)])], author: "q")
        try exchange(from: two, to: one, folder: folder, name: "1")
        let snapshot = try one.snapshot(tables: ["t"])
        #expect(snapshot.conflicts[RowKey(table: "t", row: "g/i0")] == [Conflict(column: "a", kind: .value)])
        #expect(try one.snapshot(tables: ["t"], heldAt: .max) == snapshot)
    }
}
