import Foundation
import GRDB
import Replica
import SyncCore

/// The figures of a hub at scale (issue 18): reading one row's history on a large log.
enum BenchScale {
    /// `field_log`: `ntm log` of one row on the replica `apply` filled (a million operations): the history
    /// of sample rows (a commune's own, and rows shared by four replicas that conflict), read through the
    /// log's row index. Baseline: the same rows' operations read by scanning the log (`NOT INDEXED`, as
    /// before the index), on a few of them.
    static func fieldLog(db: String) throws {
        let replica = try ReplicaStore.open(at: db, schema: Bench.schema)
        let rows = (0..<20).map { "c\($0 * 7)/r\($0)" } + (0..<20).map { "s\($0 * 3)/r\($0)" }
        var started = Date()
        var entries = 0
        for row in rows { entries += try replica.history(table: "t", rows: [row]).count }
        let indexedSeconds = Date().timeIntervalSince(started)
        let raw = try DatabaseQueue(path: db)
        defer { try? raw.close() }
        let sample = [rows[0], rows[20], rows[39]]
        started = Date()
        var scanned = 0
        for row in sample {
            scanned += try raw.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM oplog NOT INDEXED WHERE tbl = ? AND row = ?", arguments: ["t", row])
                    ?? 0
            }
        }
        let scanSeconds = Date().timeIntervalSince(started)
        guard entries > 0, scanned > 0 else {
            FileHandle.standardError.write(Data("field_log: the sample rows have no history\n".utf8))
            exit(1)
        }
        print(
            JSONWriter.string(
                .object([
                    "name": .string("field_log"), "log_ops": .int(Int64(try replica.operationCount())),
                    "rows": .int(Int64(rows.count)), "entries": .int(Int64(entries)),
                    "ms_per_row": milliseconds(indexedSeconds / Double(rows.count)),
                    "baseline_scan_ms_per_row": milliseconds(scanSeconds / Double(sample.count)),
                    "baseline_sample": .int(Int64(sample.count)),
                ])))
    }

    /// Drops the log's row index of the database at `path` (the baselines without it), through a
    /// connection of its own.
    static func dropRowIndex(at path: String) throws {
        let raw = try DatabaseQueue(path: path)
        try raw.write { try $0.execute(sql: "DROP INDEX oplog_row") }
        try raw.close()
    }

    /// Seconds as milliseconds, to the microsecond.
    static func milliseconds(_ seconds: Double) -> JSONValue { .double((seconds * 1_000_000).rounded() / 1000) }
}
