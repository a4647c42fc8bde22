import Foundation
import GRDB
import SyncCore
import TestSupport
import Testing

@testable import Replica

/// The log's row index (`oplog_row`, issue 18): a row's history and the rows of a scope are read
/// through it, never by scanning the log; a database made before it gets it when opened; a scope reads
/// the same entries as before, whose owners' rows are exactly those named `owner` or `owner/…`.
@Suite struct RowIndexTests {
    /// What SQLite plans for `sql`: one line per step.
    func plan(_ store: ReplicaStore, _ sql: String, _ arguments: [any DatabaseValueConvertible]) throws -> [String] {
        try store.queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments))
                .map { $0["detail"] as String }
        }
    }

    @Test func aRowsHistoryIsReadThroughTheIndex() throws {
        let folder = TemporaryDirectory("row-index-history")
        let store = try makeReplica(folder, "r1")
        try store.write([RowChange(table: "t", row: "g/1", values: ["a": .text("x")])], author: "Lan")
        let steps = try plan(store, ReplicaStore.rowHistorySQL, ["t", "g/1"])
        #expect(steps.contains { $0.contains("USING INDEX oplog_row") }, "\(steps)")
        #expect(!steps.contains { $0.hasPrefix("SCAN oplog") }, "\(steps)")
    }

    @Test func theRowsAFieldValueWasWrittenToAreFoundWithinAPrefix() throws {
        let folder = TemporaryDirectory("row-index-ever")
        let store = try makeReplica(folder, "r1")
        try store.write(
            [
                RowChange(table: "t", row: "g/1", values: ["a": .text("1.1")]),
                RowChange(table: "t", row: "g/2", values: ["a": .text("1.2")]),
                RowChange(table: "t", row: "h/1", values: ["a": .text("1.1")]),
            ], author: "Lan")
        try store.write([RowChange(table: "t", row: "g/2", values: ["a": .text("1.1")])], author: "Lan")
        #expect(try store.rows(table: "t", everWritten: "a", value: .text("1.1")) == ["g/1", "g/2", "h/1"])
        #expect(try store.rows(table: "t", everWritten: "a", value: .text("1.1"), prefix: "g/") == ["g/1", "g/2"])
        let (sql, arguments) = ReplicaStore.everWrittenQuery(table: "t", column: "a", value: .text("1.1"), prefix: "g/")
        let steps = try plan(store, sql, arguments)
        #expect(steps.contains { $0.contains("USING INDEX oplog_row (tbl=? AND row>? AND row<?)") }, "\(steps)")
    }

    @Test func aScopeIsReadThroughTheIndexAndKeepsItsRows() throws {
        let folder = TemporaryDirectory("row-index-scope")
        let store = try makeReplica(folder, "r1")
        // Rows of owner g: "g" itself and "g/…"; "g-x/1", "gh/1" and "h/1" are another owner's.
        try store.write(
            [
                RowChange(table: "t", row: "g", values: ["a": .text("1")]),
                RowChange(table: "t", row: "g/", values: ["a": .text("2")]),
                RowChange(table: "t", row: "g/1", values: ["a": .text("3")]),
                RowChange(table: "t", row: "g-x/1", values: ["a": .text("4")]),
                RowChange(table: "t", row: "gh/1", values: ["a": .text("5")]),
                RowChange(table: "t", row: "h/1", values: ["a": .text("6")]),
            ], author: "Lan")
        let scope = RowScope(owners: ["g"], tables: [])
        let entries = try store.logEntries(after: 0, upTo: 100, in: scope, excluding: "someone", limit: 100)
        #expect(entries.map(\.operation.key.row) == ["g", "g/", "g/1"])
        #expect(try store.logEntries(after: 0, upTo: 100, in: scope, excluding: "r1", limit: 100).isEmpty)
        // A table shared whole, and the scope of everything.
        let shared = try store.logEntries(
            after: 0, upTo: 100, in: RowScope(owners: [], tables: ["t"]), excluding: "x", limit: 100)
        #expect(shared.count == 6)
        #expect(try store.logEntries(after: 2, upTo: 4, in: .everything, excluding: "x", limit: 100).count == 2)
        #expect(try store.logEntries(after: 0, upTo: 100, in: scope, excluding: "x", limit: 2).count == 2)
        let owner = try plan(store, ReplicaStore.ownerRowsSQL, ["t", "g", "g0", "g", 2, "g/", 0, 100, "x", 100])
        #expect(owner.contains { $0.contains("USING INDEX oplog_row (tbl=? AND row>? AND row<?)") }, "\(owner)")
        let table = try plan(store, ReplicaStore.sharedTableSQL, ["t", 0, 100, "x", 100])
        #expect(table.contains { $0.contains("USING INDEX oplog_row (tbl=?") }, "\(table)")
        #expect(!(owner + table).contains { $0.hasPrefix("SCAN oplog") })
    }

    @Test func aScopeOfManyOwnersIsRead() throws {
        // A province's district with a hundred communes: a hundred ranges, none too deep for SQLite.
        let folder = TemporaryDirectory("row-index-owners")
        let store = try makeReplica(folder, "r1")
        let owners = (0..<100).map { "d1-c\($0)" }
        try store.write(owners.map { RowChange(table: "t", row: "\($0)/r", values: ["a": .text($0)]) }, author: "Lan")
        let scope = RowScope(owners: owners + ["d1"], tables: [])
        let entries = try store.logEntries(after: 0, upTo: 1000, in: scope, excluding: "x", limit: 1000)
        #expect(entries.count == 100)
        #expect(entries.map(\.position) == entries.map(\.position).sorted())
        let first = try store.logEntries(after: 0, upTo: 1000, in: scope, excluding: "x", limit: 10)
        #expect(first.map(\.position) == Array(entries.prefix(10).map(\.position)))
    }

    @Test func aDatabaseMadeBeforeTheIndexGetsItWhenOpened() throws {
        let folder = TemporaryDirectory("row-index-migration")
        let store = try makeReplica(folder, "r1")
        try store.write([RowChange(table: "t", row: "g/1", values: ["a": .text("x")])], author: "Lan")
        let old = try tampered(
            store, folder, "old",
            "DROP INDEX oplog_row; DELETE FROM grdb_migrations WHERE identifier = 'v12-row-history'")
        let path = old.path
        let raw = try DatabaseQueue(path: path)
        #expect(try raw.read { db in try db.indexes(on: "oplog").map(\.name) }.contains("oplog_row"))
        try raw.close()
        #expect(try old.history(table: "t", rows: ["g/1"]).count == 1)
    }
}
