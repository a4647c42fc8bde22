import Foundation
import GRDB
import Replica
import SyncCore
import TestSupport
import Testing

/// The reads an application makes without knowing the engine's tables: the rows the log wrote, the
/// rows with a stored state, the projection rows, the classification of database errors, and a
/// damaged log row read back as an error instead of a crash. All on real SQLite files.
@Suite struct ReadAPITests {
    /// A replica with rows g/1–g/3 and h/1 of table t, g/2 deleted, g/3 written by a second replica.
    func written(_ folder: TemporaryDirectory) throws -> ReplicaStore {
        let clock = ManualClock(1_700_000_000_000)
        let store = try makeReplica(folder, "r1", clock: clock)
        try store.write(
            [
                RowChange(table: "t", row: "g/1", values: ["a": .text("Dân Lý"), "b": .int(7)]),
                RowChange(table: "t", row: "g/2", values: ["a": .text("bỏ"), "c": .text("x")]),
                RowChange(table: "t", row: "h/1", values: ["a": .text("khác"), "b": .text("không phải số")]),
            ], author: "Lan")
        try store.write([.delete(table: "t", row: "g/2")], author: "Lan")
        let other = try makeReplica(folder, "r2", clock: clock)
        try other.write([RowChange(table: "t", row: "g/3", values: ["c": .text("từ r2")])], author: "Hùng")
        try exchange(from: other, to: store, folder: folder, name: "r2.ndjson")
        return store
    }

    @Test func theRowsTheLogWroteIncludeDeletedOnesInRowOrder() throws {
        let folder = TemporaryDirectory("read-logged-rows")
        let store = try written(folder)
        #expect(try store.rows(table: "t") == ["g/1", "g/2", "g/3", "h/1"])
        #expect(try store.rows(table: "other").isEmpty)
        // They give the whole history of the table.
        let history = try store.history(table: "t", rows: try store.rows(table: "t"))
        #expect(history.count == (try store.operationCount()))
    }

    @Test func theRowsWithAStateAreFilteredByPrefix() throws {
        let folder = TemporaryDirectory("read-state-rows")
        let store = try written(folder)
        #expect(try store.rowsWithState(table: "t") == ["g/1", "g/2", "g/3", "h/1"])
        #expect(try store.rowsWithState(table: "t", prefix: "g/") == ["g/1", "g/2", "g/3"])
        #expect(try store.rowsWithState(table: "t", prefix: "h/") == ["h/1"])
        #expect(try store.rowsWithState(table: "t", prefix: "g/1") == ["g/1"])
        #expect(try store.rowsWithState(table: "t", prefix: "x").isEmpty)
        #expect(try store.rowsWithState(table: "other").isEmpty)
        let deleted = try store.rowsWithState(table: "t", prefix: "g/").filter {
            try store.rowState(table: "t", row: $0)?.isDeleted == true
        }
        #expect(deleted == ["g/2"])
    }

    @Test func projectionRowsAreTheLiveRowsWithTheirColumns() throws {
        let folder = TemporaryDirectory("read-projection")
        let store = try written(folder)
        let all = try store.projectionRows(table: "t")
        // The deleted row is not projected; rows come by id.
        #expect(all.map { $0["id"] } == [.text("g/1"), .text("g/3"), .text("h/1")])
        #expect(
            all[0] == [
                "id": .text("g/1"), "group": .text("g"), "item": .text("1"), "a": .text("Dân Lý"), "b": .int(7),
                "c": .null,
            ])
        #expect(all[1]["c"] == .text("từ r2"))
        // A value of another type than the column's reads as NULL, as the projection holds it.
        #expect(all[2]["b"] == .null)
        #expect(all[2]["a"] == .text("khác"))

        let group = try store.projectionRows(table: "t", where: ["group": .text("g")])
        #expect(group.map { $0["id"] } == [.text("g/1"), .text("g/3")])
        let both = try store.projectionRows(table: "t", where: ["group": .text("g"), "b": .int(7)])
        #expect(both.map { $0["id"] } == [.text("g/1")])
        #expect(try store.projectionRows(table: "t", where: ["group": .text("G")]).isEmpty)
        // NULL matches nothing, as SQLite's `=`.
        #expect(try store.projectionRows(table: "t", where: ["c": .null]).isEmpty)
    }

    @Test func databaseErrorsAreClassifiedWithoutTheDatabaseLibrary() throws {
        let cases: [(ResultCode, DatabaseFailure)] = [
            (.SQLITE_BUSY, .busy), (.SQLITE_LOCKED, .busy), (.SQLITE_BUSY_SNAPSHOT, .busy),
            (.SQLITE_NOTADB, .notADatabase), (.SQLITE_CORRUPT, .corrupt), (.SQLITE_CANTOPEN, .cannotOpen),
            (.SQLITE_READONLY, .readOnly), (.SQLITE_FULL, .diskFull), (.SQLITE_IOERR, .inputOutput),
            (.SQLITE_IOERR_READ, .inputOutput),
        ]
        for (code, failure) in cases {
            #expect(DatabaseFailure(DatabaseError(resultCode: code, message: "m")) == failure, "\(code)")
        }
        #expect(
            DatabaseFailure(DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "UNIQUE constraint failed"))
                == .other("UNIQUE constraint failed"))
        #expect(DatabaseFailure(ReplicaError.invalidReplicaID("X")) == nil)
        #expect(DatabaseFailure(JSONParseError("x", at: 0)) == nil)
    }

    @Test func aRealDatabaseErrorIsClassified() throws {
        let folder = TemporaryDirectory("read-real-error")
        let store = try written(folder)
        let failure = Result { try store.projectionRows(table: "t", where: ["no_such_column": .int(1)]) }
        guard case .failure(let error) = failure else {
            Issue.record("a query on a column that does not exist succeeded")
            return
        }
        #expect(DatabaseFailure(error) == .other("no such column: no_such_column"))
    }

    @Test func aDamagedLogRowIsAnErrorForReadersNotACrash() throws {
        let folder = TemporaryDirectory("read-damaged-row")
        let store = try written(folder)
        let dot = try #require(try store.rowState(table: "t", row: "g/1")?.fields["b"]?.siblings.first?.dot)
        let copy = try tampered(
            store, folder, "damaged",
            "UPDATE oplog SET context = '{\"r1\":-3}', wall_ms = 'hier' WHERE origin = '\(dot.origin)' AND seq = \(dot.seq)"
        )
        #expect(throws: JSONParseError("context entry r1 is not a positive integer", at: 0)) {
            try copy.history(table: "t", rows: ["g/1"])
        }
        #expect(throws: JSONParseError.self) { try copy.operation(dot) }
        // Verification reports the same row, with the same reason, and goes on.
        let problems = try copy.verifyIntegrity().problems
        #expect(problems.count == 1, "\(problems)")
        guard case .unreadableOperation(_, let reported, let reason)? = problems.first else {
            Issue.record("expected an unreadable operation: \(problems)")
            return
        }
        #expect(reported == dot)
        #expect(reason == "context entry r1 is not a positive integer at byte 0")
        // An undamaged row reads as before.
        #expect(try copy.history(table: "t", rows: ["h/1"]).count == 2)
    }
}
