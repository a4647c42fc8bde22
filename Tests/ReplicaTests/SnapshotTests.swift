import Foundation
import Replica
import SyncCore
import TestSupport
import Testing

/// A snapshot "as held at T" must be exactly what the replica held at T, whatever arrived later and in
/// whatever order: the district's report of the 14th is reproducible on the 20th.
@Suite struct SnapshotTests {
    @Test(arguments: 0..<12)
    func aPastSnapshotIsWhatTheReplicaHeldThen(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let folder = TemporaryDirectory("snapshot-\(seed)")
        let clock = ManualClock(1_700_000_000_000)
        let writers = try (0..<3).map { try makeReplica(folder, "w\($0)", clock: clock) }
        let receiver = try makeReplica(folder, "r", clock: clock)
        var held: [(Int64, StateSnapshot)] = []
        for step in 0..<40 {
            let choice = Int.random(in: 0..<10, using: &random)
            if choice < 6 {
                // Someone writes, possibly over what they received.
                let writer = choice < 5 ? writers[Int.random(in: 0..<3, using: &random)] : receiver
                let row = "g\(Int.random(in: 0..<3, using: &random))/i\(Int.random(in: 0..<4, using: &random))"
                var values: [String: FieldValue] = ["a": .text("v\(step)")]
                if Int.random(in: 0..<3, using: &random) == 0 { values["b"] = .int(Int64(step)) }
                if Int.random(in: 0..<8, using: &random) == 0 { values = [tombstoneColumn: .bool(true)] }
                try writer.write([RowChange(table: "t", row: row, values: values)], author: "p\(step)")
            } else {
                // A bundle reaches the receiver (sometimes one it already has, sometimes a writer gossips).
                let sender = writers[Int.random(in: 0..<3, using: &random)]
                if Int.random(in: 0..<4, using: &random) == 0 {
                    exchangeAll(
                        from: sender, to: writers[Int.random(in: 0..<3, using: &random)], folder: folder, step: step)
                }
                let path = folder.file("b\(step).ndjson")
                try sender.exportBundle(
                    to: path, since: Int.random(in: 0..<3, using: &random) == 0 ? nil : try receiver.summary())
                try receiver.importBundle(from: path)
            }
            held.append((clock.tick(0), try receiver.snapshot(tables: ["t"])))
        }
        for (moment, snapshot) in held {
            #expect(try receiver.snapshot(tables: ["t"], heldAt: moment) == snapshot)
        }
        // Before anything arrived the replica held nothing; at the end, everything.
        #expect(try receiver.snapshot(tables: ["t"], heldAt: 0) == StateSnapshot())
        #expect(try receiver.snapshot(tables: ["t"], heldAt: .max) == receiver.snapshot(tables: ["t"]))
    }

    @Test func aClockSetBackNeverMakesAStateThatWasNotHeld() throws {
        let folder = TemporaryDirectory("snapshot-clock")
        let clock = ManualClock(1_700_000_000_000)
        let replica = try makeReplica(folder, "r", clock: clock)
        var held: [StateSnapshot] = [StateSnapshot()]
        var moments: [Int64] = []
        for (step, jump) in ([0, -3_600_000, 10, -86_400_000, 5, 0] as [Int64]).enumerated() {
            _ = clock.tick(jump)
            try replica.write(
                [RowChange(table: "t", row: "g/i\(step % 2)", values: ["a": .text("v\(step)")])], author: "p")
            held.append(try replica.snapshot(tables: ["t"]))
            moments.append(clock.tick(0))
        }
        for moment in moments + [moments.min()! - 1, 0, .max] {
            #expect(held.contains(try replica.snapshot(tables: ["t"], heldAt: moment)), "at \(moment)")
        }
        // Once the last write is held, it stays held at every later moment.
        #expect(try replica.snapshot(tables: ["t"], heldAt: moments.max()!) == held.last)
    }

    private func exchangeAll(
        from sender: ReplicaStore, to receiver: ReplicaStore, folder: TemporaryDirectory, step: Int
    ) {
        guard sender.replicaID != receiver.replicaID else { return }
        _ = try? exchange(from: sender, to: receiver, folder: folder, name: "g\(step).ndjson")
    }
}
