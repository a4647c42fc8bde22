import Foundation
import GRDB
import Replica
import SyncCore
import TestSupport

/// A generic schema (no NTM) for engine tests: one projected table with three columns.
let testSchema = ReplicatedSchema(
    tag: "test-1",
    tables: [
        ReplicatedTable(
            name: "t", keyColumns: ["group", "item"],
            columns: [.init("a", .text), .init("b", .integer), .init("c", .text)])
    ])

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    init(_ start: Int64) { now = start }
    func tick(_ by: Int64 = 1) -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        now += by
        return now
    }
    var closure: @Sendable () -> Int64 { { self.tick() } }
}

func makeReplica(
    _ folder: TemporaryDirectory, _ id: String, clock: ManualClock = ManualClock(1_700_000_000_000),
    rowCacheLimit: Int = ReplicaStore.defaultRowCacheLimit
) throws -> ReplicaStore {
    try ReplicaStore.create(
        at: folder.file("\(id).sqlite"), replicaID: id, schema: testSchema, clock: clock.closure,
        rowCacheLimit: rowCacheLimit)
}

/// Sends what `receiver` lacks from `sender` through a bundle file; returns the bundle path.
@discardableResult
func exchange(from sender: ReplicaStore, to receiver: ReplicaStore, folder: TemporaryDirectory, name: String) throws
    -> String
{
    let path = folder.file(name)
    _ = try sender.exportBundle(to: path, since: try receiver.summary())
    _ = try receiver.importBundle(from: path)
    return path
}

/// Reads a bundle's operations back (for oracles).
func operations(inBundle path: String) throws -> [SyncOperation] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(separator: "\n").dropFirst().dropLast()
    return try lines.map { try SyncOperation(line: Array($0.utf8)) }
}

/// A consistent copy of `store`, altered with `sql` through a plain SQLite connection (behind the
/// engine's back), reopened.
func tampered(_ store: ReplicaStore, _ folder: TemporaryDirectory, _ name: String, _ sql: String) throws
    -> ReplicaStore
{
    let path = folder.file("\(name).sqlite")
    try store.backup(to: path)
    let raw = try DatabaseQueue(path: path)
    try raw.write { db in try db.execute(sql: sql) }
    try raw.close()
    return try ReplicaStore.open(at: path, schema: testSchema)
}
