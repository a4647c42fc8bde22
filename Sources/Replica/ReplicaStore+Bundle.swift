import Crypto
import Foundation
import GRDB
import SyncCore

#if canImport(Glibc)
    import Glibc
#endif

/// What an export or import did.
public struct BundleStats: Sendable, Equatable {
    /// Operation lines in the bundle.
    public var operations: Int
    /// Operations that were new to the receiver (import only).
    public var applied: Int
    /// Operations the receiver already held (import only).
    public var duplicates: Int
    /// The bundle's size in bytes.
    public var bytes: Int

    /// Creates stats.
    public init(operations: Int, applied: Int = 0, duplicates: Int = 0, bytes: Int) {
        self.operations = operations
        self.applied = applied
        self.duplicates = duplicates
        self.bytes = bytes
    }
}

/// The bundle file format (`protocol/PROTOCOL.md`, "Bundles").
public enum BundleFormat {
    /// The only version this program writes and reads.
    public static let version: Int64 = 1
}

extension ReplicaStore {
    /// Writes every logged operation the holder of `since` lacks (all of them when nil) to a bundle at
    /// `path`, in log order. The file is written under a temporary name and renamed when complete, so a
    /// half-written bundle never carries the final name.
    ///
    /// This replica's operations a hub refused are left out: they must not reach another laptop (or a
    /// hub importing the bundle) as if they had been accepted. The receiver then holds that origin with
    /// a gap, as the hub does (it holds the refused dots without applying them).
    ///
    /// - Throws: ``ReplicaError/bundle(_:)`` when the destination is a folder, the replica's own
    ///   database, or cannot be written.
    @discardableResult
    public func exportBundle(to path: String, since: Summary? = nil) throws -> BundleStats {
        do {
            return try writeBundle(to: path, since: since)
        } catch let error as BundleError {
            throw ReplicaError.bundle(error)
        }
    }

    private func writeBundle(to path: String, since: Summary?) throws -> BundleStats {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw BundleError.destinationIsFolder(path: path)
        }
        let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let database = URL(fileURLWithPath: self.path).standardizedFileURL.resolvingSymlinksInPath().path
        if [database, database + "-wal", database + "-shm"].contains(target) {
            throw BundleError.destinationIsDatabase(path: path)
        }
        let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw BundleError.unwritable(path: path, reason: "cannot create the file")
        }
        var succeeded = false
        defer {
            try? handle.close()
            if !succeeded { try? FileManager.default.removeItem(atPath: temporary) }
        }
        var bundle = BundleWriter(
            handle: handle, from: replicaID, createdMs: clock(), schemaTag: schema.tag, since: since)
        try queue.read { db in
            let refused = try Self.refusedDots(db)
            let select = try SQLiteStatement(
                db,
                "SELECT origin, seq, tbl, row, col, value, context, author, wall_ms, note, prev FROM oplog ORDER BY pos"
            )
            while try select.step() {
                // A log row damaged behind the engine's back (a NULL where text belongs) stops the export
                // with a message instead of trapping; `ntm verify` names it.
                func text(_ column: Int32) throws -> String {
                    guard let text = select.columnText(column) else {
                        throw BundleError.unwritable(
                            path: path, reason: "a damaged operation in the log (see: ntm verify)")
                    }
                    return text
                }
                let origin = try text(0)
                let seq = UInt64(select.columnInt(1))
                let dot = Dot(origin: origin, seq: seq)
                if let since, since.contains(dot) { continue }
                if refused.contains(dot) { continue }
                let (table, row, column, author) = (try text(2), try text(3), try text(4), try text(7))
                let prev = select.columnIsNull(10) ? nil : Hex.bytes(try text(10))
                let note = select.columnIsNull(9) ? nil : try text(9)
                try bundle.appendOperation { writer in
                    SyncOperation.writeLine(
                        origin: origin, seq: seq, table: table, row: row,
                        column: column, rawValue: select.columnBytes(5),
                        rawContext: select.columnBytes(6), author: author, wallMs: select.columnInt(8),
                        note: note, prev: prev, to: &writer)
                }
            }
        }
        try bundle.finish()
        try handle.synchronize()
        // rename(2) replaces an existing file atomically: the old bundle stays whole until the new one is.
        guard rename(temporary, path) == 0 else {
            throw BundleError.unwritable(path: path, reason: String(cString: strerror(errno)))
        }
        succeeded = true
        return BundleStats(operations: bundle.count, bytes: bundle.bytes)
    }

    /// Imports a bundle in one transaction: the header, every operation line and the trailer's count
    /// and SHA-256 are checked (on a reader thread) while the operations are applied, and any failure
    /// rolls the whole import back. Operations already held are skipped, so importing twice changes
    /// nothing.
    ///
    /// - Throws: ``ReplicaError/bundle(_:)`` saying what is wrong; nothing is changed then.
    @discardableResult
    public func importBundle(from path: String) throws -> BundleStats {
        guard FileManager.default.isReadableFile(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ReplicaError.bundle(.unreadable(path: path, reason: exists ? "permission denied" : "no such file"))
        }
        let reader = BundleReader(path: path, schemaTag: schema.tag)
        do {
            return try queue.write { db in
                let applier = try Applier(db, schema: schema, recordedMs: clock(), rowCacheLimit: rowCacheLimit)
                while true {
                    switch reader.next() {
                    case .operations(let batch):
                        for op in batch { try applier.apply(op) }
                    case .failed(let error):
                        throw error
                    case .finished(let count, let bytes):
                        try applier.finish()
                        return BundleStats(
                            operations: count, applied: applier.applied, duplicates: applier.duplicates, bytes: bytes)
                    }
                }
            }
        } catch let error as BundleError {
            reader.cancel()
            throw ReplicaError.bundle(error)
        } catch {
            reader.cancel()
            throw error
        }
    }
}
