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
    /// What the file section carried, or of it was stored.
    public var files: BundleFileStats

    /// Creates stats.
    public init(
        operations: Int, applied: Int = 0, duplicates: Int = 0, bytes: Int, files: BundleFileStats = BundleFileStats()
    ) {
        self.operations = operations
        self.applied = applied
        self.duplicates = duplicates
        self.bytes = bytes
        self.files = files
    }
}

/// The bundle file format (`protocol/PROTOCOL.md`, "Bundles").
public enum BundleFormat {
    /// The version of a bundle without files: header, operations, trailer.
    public static let version: Int64 = 1
    /// The version of a bundle whose trailer is followed by a file section (§7.6).
    public static let filesVersion: Int64 = 2
    /// The versions this program reads.
    public static let readable: ClosedRange<Int64> = version...filesVersion
}

extension ReplicaStore {
    /// Writes every logged operation the holder of `since` lacks (all of them when nil) to a bundle at
    /// `path`, in log order. The file is written under a temporary name and renamed when complete, so a
    /// half-written bundle never carries the final name.
    ///
    /// When `files` is true, the bundle then carries the content of every file whole here that a live
    /// row or a carried operation references, except the files whose SHA-256 starts with one of
    /// `receiverFiles` (the receiver's summary lists them, §6): a version 2 bundle (§7.6). Without such
    /// files it is a version 1 bundle. ``BundleFileStats/notHere`` counts the referenced files that are
    /// not whole here and so were not carried.
    ///
    /// This replica's operations a hub refused are left out: they must not reach another laptop (or a
    /// hub importing the bundle) as if they had been accepted. The receiver then holds that origin with
    /// a gap, as the hub does (it holds the refused dots without applying them).
    ///
    /// - Throws: ``ReplicaError/bundle(_:)`` when the destination is a folder, the replica's own
    ///   database, or cannot be written.
    /// - Parameter lowerHub: a hub below another introduces its log's key to the hub above (§15).
    @discardableResult
    public func exportBundle(
        to path: String, since: Summary? = nil, files: Bool = true, receiverFiles: [String] = [],
        lowerHub: JSONValue? = nil
    ) throws -> BundleStats {
        do {
            return try writeBundle(
                to: path, since: since, files: files, receiverFiles: receiverFiles, lowerHub: lowerHub)
        } catch let error as BundleError {
            throw ReplicaError.bundle(error)
        }
    }

    private func writeBundle(
        to path: String, since: Summary?, files: Bool, receiverFiles: [String], lowerHub: JSONValue?
    ) throws -> BundleStats {
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
        let carried = files ? try filesToCarry(since: since, skipping: receiverFiles) : (carried: [], notHere: 0)
        let checkpoints = try carriedCheckpoints(
            after: since?.origins.mapValues { $0.firstMissing - 1 } ?? [:])
        var bundle = try BundleWriter(
            handle: handle, from: replicaID, createdMs: clock(), schemaTag: schema.tag, since: since,
            withFiles: !carried.carried.isEmpty, checkpoints: checkpoints,
            enrolments: try enrolmentLog().suffix(Self.maximumEnrolmentsCarried), lowerHub: lowerHub,
            gzip: path.hasSuffix(".gz"))
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
        if !carried.carried.isEmpty { try writeFiles(carried.carried, into: &bundle, path: path) }
        try handle.synchronize()
        // rename(2) replaces an existing file atomically: the old bundle stays whole until the new one is.
        guard rename(temporary, path) == 0 else {
            throw BundleError.unwritable(path: path, reason: String(cString: strerror(errno)))
        }
        succeeded = true
        var fileStats = BundleFileStats()
        (fileStats.files, fileStats.chunks, fileStats.bytes) = (bundle.fileCount, bundle.chunkCount, bundle.fileBytes)
        fileStats.notHere = carried.notHere
        return BundleStats(operations: bundle.count, bytes: bundle.storedBytes, files: fileStats)
    }

    /// Imports a bundle in one transaction: the header, every operation line and the trailer's count
    /// and SHA-256 are checked (on a reader thread) while the operations are applied, and any failure
    /// rolls the whole import back. Operations already held are skipped, so importing twice changes
    /// nothing.
    ///
    /// A version 2 bundle's file section is read once the operations are committed: each file a write
    /// held here references is stored chunk by chunk, each chunk checked and kept in its own
    /// transaction, so a bundle cut off in a file keeps every chunk it verified (§8.1).
    ///
    /// - Throws: ``ReplicaError/bundle(_:)`` saying what is wrong; nothing is changed then.
    ///   ``ReplicaError/bundleFiles(_:imported:)`` when the operations were imported but the file
    ///   section is cut off, has a bad line or leaves a file incomplete.
    @discardableResult
    public func importBundle(from path: String) throws -> BundleStats {
        try importBundle(from: path, through: nil)
    }

    /// The most enrolment log entries a bundle header (or a `welcome`) carries: the latest ones, about
    /// 510 bytes each, so that the line stays well within 1 MiB beside the checkpoints.
    public static let maximumEnrolmentsCarried = 1000

    /// A laptop keeps the enrolment log entries a bundle carries when they are signed by the key of the
    /// hub it syncs with (known from its first version 5 session); others are left out.
    static func keepEnrolments(_ db: Database, _ records: [EnrolmentRecord]) throws {
        guard !records.isEmpty,
            let text = try String.fetchOne(
                db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [MetadataKey.syncHubKey.rawValue]),
            let key = Hex.bytes(text)
        else { return }
        _ = try take(db, EnrolmentRecord.vouched(records, hubKey: key), apply: false)
    }

    /// A laptop keeps the checkpoints a bundle carries to carry them on, except those it can tell are
    /// forged: of a writer whose keys it knows from the hub's enrolment log (or of the hub itself),
    /// signed by none of them. What it cannot judge it keeps; the hub judges it.
    static func keepCheckpoints(_ db: Database, _ checkpoints: [Checkpoint]) throws {
        guard !checkpoints.isEmpty else { return }
        var enrolments: [String: [EnrolmentRecord]] = [:]
        for record in try enrolmentLog(db) where record.kind == .enrol {
            enrolments[record.replica, default: []].append(record)
        }
        let hubKey = try String.fetchOne(
            db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [MetadataKey.syncHubKey.rawValue]
        ).flatMap(Hex.bytes)
        let kept = checkpoints.filter { checkpoint in
            if let hubKey, checkpoint.keyID == Checkpoint.keyID(of: hubKey) {
                return checkpoint.verify(publicKey: hubKey)
            }
            guard let known = enrolments[checkpoint.origin] else { return true }
            return known.contains { $0.vouches(for: checkpoint) }
        }
        try record(db, kept)
    }

    /// What judges a bundle's operations instead of applying them all (a hub's ingest): made once the
    /// header is read, given each operation, then told the operations ended.
    typealias BundleAdmission = (admit: (PreparedOperation) throws -> Void, finish: () throws -> Void)

    /// Imports a bundle, its operations applied as they come or judged by `admission` (made from the
    /// header); the header's checkpoints are kept here otherwise, to be carried on.
    func importBundle(
        from path: String, through admission: ((Database, Applier, BundleHeader) throws -> BundleAdmission)?
    ) throws -> BundleStats {
        guard FileManager.default.isReadableFile(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ReplicaError.bundle(.unreadable(path: path, reason: exists ? "permission denied" : "no such file"))
        }
        let reader = BundleReader(path: path, schemaTag: schema.tag)
        let (imported, fileSection): (BundleStats, LinePosition?)
        do {
            (imported, fileSection) = try queue.write { db in
                let applier = try Applier(
                    db, schema: schema, recordedMs: clock(), rowCacheLimit: rowCacheLimit, summaries: summaries)
                var judge: BundleAdmission?
                while true {
                    switch reader.next() {
                    case .header(let header):
                        if let admission {
                            judge = try admission(db, applier, header)
                        } else {
                            try Self.keepEnrolments(db, header.enrolments)
                            try Self.keepCheckpoints(db, header.checkpoints)
                        }
                    case .operations(let batch):
                        if let judge {
                            for op in batch { try judge.admit(op) }
                        } else {
                            for op in batch { try applier.apply(op) }
                        }
                    case .failed(let error):
                        throw error
                    case .finished(let count, let bytes, let files):
                        try judge?.finish()
                        try applier.finish()
                        let stats = BundleStats(
                            operations: count, applied: applier.applied, duplicates: applier.duplicates, bytes: bytes)
                        return (stats, files)
                    }
                }
            }
        } catch let error as BundleError {
            reader.cancel()
            throw ReplicaError.bundle(error)
        } catch let error as IngestError {
            reader.cancel()
            throw ReplicaError.ingest(error)
        } catch {
            reader.cancel()
            throw error
        }
        var stats = imported
        if let fileSection { try importFiles(from: path, at: fileSection, into: &stats) }
        return stats
    }
}

extension ReplicaStore {
    /// Reads a bundle's header only (checked as an import checks it), for what must be done before the
    /// import: a hub above takes a lower hub's log the header carries.
    /// - Throws: ``ReplicaError/bundle(_:)`` when the file is no bundle of this schema.
    public func bundleIntroduction(at path: String) throws -> BundleIntroduction {
        let reader = BundleReader(path: path, schemaTag: schema.tag)
        defer { reader.cancel() }
        switch reader.next() {
        case .header(let header):
            return BundleIntroduction(from: header.from, enrolments: header.enrolments, lowerHub: header.lowerHub)
        case .failed(let error): throw ReplicaError.bundle(error)
        default: throw ReplicaError.bundle(.notABundle(reason: "no header"))
        }
    }
}
