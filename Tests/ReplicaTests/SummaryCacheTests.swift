import Foundation
import GRDB
import SyncCore
import TestSupport
import Testing

@testable import Replica

/// The summary of held dots kept between transactions (issue 18): used only while nothing can have
/// changed `holdings`, so it never claims a dot the database does not hold (that would drop the
/// operation as a duplicate, silently), whoever changed the table: another connection, this one by
/// hand, or a write that rolled back.
@Suite struct SummaryCacheTests {
    struct Stop: Error {}

    static func op(_ origin: String, _ seq: UInt64, _ value: String) -> SyncOperation {
        SyncOperation(
            dot: Dot(origin: origin, seq: seq), key: FieldKey(table: "t", row: "g/\(seq % 3)", column: "a"),
            value: .text(value), context: VersionVector(), author: "Lan", wallMs: 1_700_000_000_000, note: nil,
            prev: nil)
    }

    @Test func aWriteThatRolledBackLeavesNoDotBehind() throws {
        let folder = TemporaryDirectory("summary-rollback")
        let store = try makeReplica(folder, "r1")
        #expect(try store.apply([Self.op("xa-a", 1, "một")]) == 1)
        #expect(try store.summary().contains(Dot(origin: "xa-a", seq: 1)))
        // An applier logs and finishes, then its transaction fails.
        #expect(throws: Stop.self) {
            try store.queue.write { db in
                let applier = try Applier(db, schema: store.schema, recordedMs: 1, summaries: store.summaries)
                try applier.apply(Self.op("xa-a", 2, "hai"))
                try applier.finish()
                throw Stop()
            }
        }
        #expect(try !store.summary().contains(Dot(origin: "xa-a", seq: 2)))
        // The operation is taken when it comes again, not skipped as held.
        #expect(try store.apply([Self.op("xa-a", 2, "hai")]) == 1)
        #expect(try store.operationCount() == 2)
    }

    @Test func anotherConnectionsWorkIsSeen() throws {
        let folder = TemporaryDirectory("summary-other")
        let store = try makeReplica(folder, "r1")
        #expect(try store.apply([Self.op("xa-a", 1, "một")]) == 1)
        _ = try store.summary()
        let other = try ReplicaStore.open(at: folder.file("r1.sqlite"), schema: testSchema)
        #expect(try other.apply([Self.op("xa-b", 1, "khác")]) == 1)
        #expect(try store.summary().contains(Dot(origin: "xa-b", seq: 1)))
        // Held now: the first store skips it as a duplicate, and logs nothing twice.
        #expect(try store.apply([Self.op("xa-b", 1, "khác")]) == 0)
        #expect(try store.operationCount() == 2)
    }

    @Test func aChangeByHandOnThisConnectionIsSeen() throws {
        let folder = TemporaryDirectory("summary-hand")
        let store = try makeReplica(folder, "r1")
        #expect(try store.apply([Self.op("xa-a", 1, "một"), Self.op("xa-a", 2, "hai")]) == 2)
        _ = try store.summary()
        try store.queue.write { db in
            try db.execute(sql: "DELETE FROM oplog WHERE origin = 'xa-a' AND seq = 2")
            try db.execute(sql: #"UPDATE holdings SET ranges = '[[1,1]]' WHERE origin = 'xa-a'"#)
        }
        #expect(try !store.summary().contains(Dot(origin: "xa-a", seq: 2)))
        #expect(try store.apply([Self.op("xa-a", 2, "hai")]) == 1)
    }

    @Test func twoAppliersInOneTransactionKeepBothTheirDots() throws {
        let folder = TemporaryDirectory("summary-two")
        let store = try makeReplica(folder, "r1")
        try store.queue.write { db in
            for (seq, value) in [(UInt64(1), "một"), (2, "hai")] {
                let applier = try Applier(db, schema: store.schema, recordedMs: 1, summaries: store.summaries)
                try applier.apply(Self.op("xa-a", seq, value))
                try applier.finish()
            }
        }
        let summary = try store.summary()
        #expect(summary.contains(Dot(origin: "xa-a", seq: 1)) && summary.contains(Dot(origin: "xa-a", seq: 2)))
        #expect(try store.read { db in try ReplicaStore.loadSummary(db) } == summary)
    }

    @Test func theKeptSummaryIsWhatTheTableHoldsAfterEveryKindOfWrite() throws {
        let folder = TemporaryDirectory("summary-same")
        let store = try makeReplica(folder, "r1")
        var random = SeededRandom(seed: 7)
        for round in 0..<30 {
            let origin = "xa-\(random.next() % 4)"
            let held = try store.summary().origins[origin]?.firstMissing ?? 1
            let ops = (0..<UInt64(random.next() % 5 + 1)).map { Self.op(origin, held + $0, "v\(round)") }
            if random.next() % 3 == 0 {
                try store.write(
                    [RowChange(table: "t", row: "g/\(round)", values: ["a": .int(Int64(round))])], author: "Lan")
            } else {
                _ = try store.apply(random.next() % 2 == 0 ? ops : ops + ops)
            }
            #expect(
                try store.summary() == (try store.read { db in try ReplicaStore.loadSummary(db) }), "round \(round)")
        }
    }
}
