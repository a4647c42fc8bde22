import Foundation
import GRDB
import SyncCore

/// Where a file referenced by a row stands in this replica.
public enum FileState: Sendable, Hashable {
    /// The whole file is here and its SHA-256 was checked.
    case present
    /// Some chunks are here, each checked; `held` bytes of the file's size.
    case partial(held: Int64)
    /// Nothing of it is here.
    case missing
    /// It will not move: `code` says why (`too-large`, `bad-chunks`, `bad-file`, `not-referenced`,
    /// `out-of-scope`, …, the codes of `protocol/PROTOCOL.md` §13.4) and `detail` is the other side's
    /// English sentence, if any.
    case refused(code: String, detail: String)
}

/// A file as this replica knows it.
public struct FileStatus: Sendable, Hashable {
    /// The file's SHA-256.
    public var sha256: String
    /// Its size in bytes.
    public var size: Int64
    /// Where it stands here.
    public var state: FileState
    /// Whether the hub is known to hold it whole (it accepted it, or it came from there).
    public var atHub: Bool
    /// Whether the whole content is here and checked (also when the file is refused elsewhere: a file
    /// the hub declined is still here).
    public var isWhole: Bool
}

/// What became of a received chunk.
public enum ChunkOutcome: Sendable, Hashable {
    /// Stored; `complete` when it was the last one and the whole file checked.
    case stored(complete: Bool)
    /// Already held (or the file is present): nothing changed.
    case alreadyHeld
    /// Its hash is not the manifest's: dropped. `failures` counts such chunks of this file so far.
    case badChunk(failures: Int)
    /// The chunks were all there but did not make the file (the manifest lied): every chunk was
    /// discarded. `failures` counts such attempts so far.
    case fileMismatch(failures: Int)
}

/// A row that references a file through its table's ``FileColumns``.
public struct FileReference: Sendable, Hashable {
    /// The row's table.
    public var table: String
    /// The row id.
    public var row: String
    /// The file's SHA-256.
    public var sha256: String
    /// The file's size, as the row says.
    public var size: Int64
}

/// File contents, content-addressed: a file is stored once, as fixed-size chunks (each checked against
/// its hash as it is stored), inside the replica's SQLite database, so that the database is still one
/// file to back up, a file becomes present in the same transaction as its last chunk, and `ntm verify`
/// covers it (`docs/DESIGN.md` §9, which also gives the measurements behind this choice).
///
/// The tables (`file`, `file_chunk`) are local: what a replica holds of a file is not replicated; the
/// rows that reference files are.
extension ReplicaStore {
    /// The free space that storing a file or a chunk never goes below: 64 MiB, or `NTM_FREE_SPACE_FLOOR_MB`
    /// megabytes (MiB) from the environment.
    public static var freeSpaceFloor: Int64 {
        if let text = ProcessInfo.processInfo.environment["NTM_FREE_SPACE_FLOOR_MB"], let megabytes = Int64(text),
            megabytes >= 0
        {
            return megabytes << 20
        }
        return 64 << 20
    }

    /// The free bytes on the disk holding the database, when the system says.
    public func freeSpace() -> Int64? {
        let folder = (path as NSString).deletingLastPathComponent
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder.isEmpty ? "." : folder)
        return (attributes?[.systemFreeSize] as? NSNumber)?.int64Value
    }

    /// Throws ``FileError/diskFull(needed:free:floor:)`` when `bytes` more would leave less than the floor.
    public func checkRoom(for bytes: Int64) throws {
        guard let free = freeSpace() else { return }
        let floor = Self.freeSpaceFloor
        if free - bytes < floor { throw FileError.diskFull(needed: bytes, free: free, floor: floor) }
    }

    /// Stores the content of the file at `path` and returns its manifest. The file is read twice: once
    /// to hash it, once to store it, each chunk checked against the first reading and the whole against
    /// the file's SHA-256, in one transaction; a file that changed meanwhile stores nothing. A file
    /// already present is not stored again.
    /// - Throws: ``FileError/unreadable(path:reason:)``, ``FileError/changedWhileStored(path:)``,
    ///   ``FileError/diskFull(needed:free:floor:)``.
    public func storeFile(at path: String) throws -> FileManifest {
        let manifest = try Self.readManifest(path)
        // Already here: touched (so garbage collection leaves it to the row about to reference it) and
        // kept, unless its stored content was damaged, which this copy then repairs.
        if try fileStatus(manifest.sha256)?.isWhole == true {
            let sound = try queue.write { db in
                try Self.register(db, manifest, clock: clock())
                return try Self.wholeDigest(db, manifest.sha256) == manifest.sha256
            }
            if sound {
                try addFileSource(manifest.sha256, replica: replicaID)
                return manifest
            }
        }
        // The transaction's write-ahead log holds the content once more until it is checkpointed.
        try checkRoom(for: 2 * manifest.size)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileError.unreadable(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        try queue.write { db in
            try Self.register(db, manifest, clock: clock())
            try db.execute(sql: "DELETE FROM file_chunk WHERE sha256 = ?", arguments: [manifest.sha256])
            try db.execute(sql: "UPDATE file SET present = 0, held = 0 WHERE sha256 = ?", arguments: [manifest.sha256])
            var builder = FileManifestBuilder()
            for index in manifest.chunks.indices {
                let data: Data
                do { data = try handle.read(upToCount: FileManifest.chunkSize) ?? Data() } catch {
                    throw FileError.unreadable(path: path, reason: "\(error.localizedDescription)")
                }
                guard data.count == manifest.length(ofChunk: index),
                    FileManifest.digest(data) == manifest.chunks[index]
                else { throw FileError.changedWhileStored(path: path) }
                builder.add(data)
                try db.execute(
                    sql: "INSERT INTO file_chunk(sha256, idx, data) VALUES (?, ?, ?)",
                    arguments: [manifest.sha256, index, data])
            }
            guard builder.finish() == manifest else { throw FileError.changedWhileStored(path: path) }
            try db.execute(
                sql: "UPDATE file SET held = size, present = 1, refusal = NULL, refusal_detail = NULL WHERE sha256 = ?",
                arguments: [manifest.sha256])
            try Self.addSource(db, manifest.sha256, replicaID)
        }
        return manifest
    }

    /// The manifest of the file at `path`, reading it once (memory: one buffer).
    static func readManifest(_ path: String) throws -> FileManifest {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw FileError.unreadable(path: path, reason: "no such file")
        }
        guard !isFolder.boolValue else { throw FileError.unreadable(path: path, reason: "is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileError.unreadable(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        var builder = FileManifestBuilder()
        while true {
            let data: Data
            do { data = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw FileError.unreadable(path: path, reason: "\(error.localizedDescription)")
            }
            if data.isEmpty { break }
            builder.add(data)
        }
        return builder.finish()
    }

    /// Records a file's manifest (when it is not known yet, or is known with other chunk hashes and not
    /// present: chunks checked against other hashes are then dropped).
    static func register(_ db: Database, _ manifest: FileManifest, clock: Int64) throws {
        let chunks = manifest.chunks.joined()
        if let row = try Row.fetchOne(
            db, sql: "SELECT size, chunks, present FROM file WHERE sha256 = ?", arguments: [manifest.sha256])
        {
            let same = (row["size"] as Int64) == manifest.size && (row["chunks"] as String) == chunks
            if same || (row["present"] as Bool) {
                // Touched, so that garbage collection leaves a file being stored or received alone.
                try db.execute(
                    sql: "UPDATE file SET updated_ms = ? WHERE sha256 = ?", arguments: [clock, manifest.sha256])
                return
            }
            try db.execute(sql: "DELETE FROM file_chunk WHERE sha256 = ?", arguments: [manifest.sha256])
            try db.execute(
                sql: "UPDATE file SET size = ?, chunks = ?, held = 0, updated_ms = ? WHERE sha256 = ?",
                arguments: [manifest.size, chunks, clock, manifest.sha256])
            return
        }
        try db.execute(
            sql: """
                INSERT INTO file(sha256, size, chunks, held, present, failures, at_hub, updated_ms)
                VALUES (?, ?, ?, 0, ?, 0, 0, ?)
                """,
            // An empty file has no chunk: it is whole at once, if it is the empty file's hash.
            arguments: [
                manifest.sha256, manifest.size, chunks,
                manifest.size == 0 && manifest.sha256 == FileManifest.digest(Data()), clock,
            ])
    }

    /// Makes ready to receive a file: records its manifest (see ``FileManifest``); a file present here
    /// is left alone. Returns the indices of the chunks still missing.
    public func prepareFile(_ manifest: FileManifest) throws -> [Int] {
        precondition(manifest.isWellFormed, "a manifest is checked before it is used")
        return try queue.write { db in
            try Self.register(db, manifest, clock: clock())
            return try Self.missingChunks(db, manifest.sha256)
        }
    }

    /// The indices of the chunks of a known file that are not held here, in order (all of them for a
    /// file not known here).
    public func missingChunks(_ sha256: String) throws -> [Int] {
        try queue.read { db in try Self.missingChunks(db, sha256) }
    }

    static func missingChunks(_ db: Database, _ sha256: String) throws -> [Int] {
        guard
            let row = try Row.fetchOne(db, sql: "SELECT size, present FROM file WHERE sha256 = ?", arguments: [sha256])
        else { return [] }
        if row["present"] as Bool { return [] }
        let held = Set(try Int.fetchAll(db, sql: "SELECT idx FROM file_chunk WHERE sha256 = ?", arguments: [sha256]))
        return (0..<FileManifest.chunkCount(size: row["size"])).filter { !held.contains($0) }
    }

    /// The manifest of a file known here (present or not).
    public func manifest(_ sha256: String) throws -> FileManifest? {
        try queue.read { db in try Self.manifest(db, sha256) }
    }

    static func manifest(_ db: Database, _ sha256: String) throws -> FileManifest? {
        guard let row = try Row.fetchOne(db, sql: "SELECT size, chunks FROM file WHERE sha256 = ?", arguments: [sha256])
        else { return nil }
        let text: String = row["chunks"]
        let bytes = Array(text.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 64).map {
            String(decoding: bytes[$0..<min($0 + 64, bytes.count)], as: UTF8.self)
        }
        return FileManifest(sha256: sha256, size: row["size"], chunks: chunks)
    }

    /// A held chunk's bytes (checked when it was stored), or nil when it is not held.
    public func chunk(_ sha256: String, index: Int) throws -> Data? {
        try queue.read { db in
            try Data.fetchOne(
                db, sql: "SELECT data FROM file_chunk WHERE sha256 = ? AND idx = ?", arguments: [sha256, index])
        }
    }

    /// Stores one received chunk of a file whose manifest was prepared: checked against its hash, stored
    /// in its own transaction (so an interrupted transfer keeps it). The last chunk makes the file
    /// present when the whole file hashes right; when it does not, every chunk is discarded.
    /// `source`, when given, is recorded as holding the content once the file is whole (the replica
    /// that uploaded it; this replica for a bundle it imports).
    public func storeChunk(_ sha256: String, index: Int, data: Data, source: String? = nil) throws -> ChunkOutcome {
        try checkRoom(for: Int64(data.count))
        return try queue.write { db in
            // Only this chunk's hash is read from the manifest, so a chunk costs the same in a large file.
            guard index >= 0,
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT size, held, present, failures, substr(chunks, ? * 64 + 1, 64) AS hash
                        FROM file WHERE sha256 = ?
                        """,
                    arguments: [index, sha256]),
                index < FileManifest.chunkCount(size: row["size"])
            else { return .badChunk(failures: 0) }
            if row["present"] as Bool { return .alreadyHeld }
            let size: Int64 = row["size"]
            let length = Int(min(Int64(FileManifest.chunkSize), size - Int64(index) * Int64(FileManifest.chunkSize)))
            guard data.count == length, FileManifest.digest(data) == (row["hash"] as String?) else {
                try db.execute(
                    sql: "UPDATE file SET failures = failures + 1, updated_ms = ? WHERE sha256 = ?",
                    arguments: [clock(), sha256])
                return .badChunk(failures: (row["failures"] as Int) + 1)
            }
            try db.execute(
                sql: "INSERT OR IGNORE INTO file_chunk(sha256, idx, data) VALUES (?, ?, ?)",
                arguments: [sha256, index, data])
            guard db.changesCount > 0 else { return .alreadyHeld }
            try db.execute(
                sql: "UPDATE file SET held = held + ?, updated_ms = ? WHERE sha256 = ?",
                arguments: [data.count, clock(), sha256])
            // Chunks are stored once each, so the file is all here when the bytes held reach its size.
            guard (row["held"] as Int64) + Int64(data.count) == size else { return .stored(complete: false) }
            guard try Self.wholeDigest(db, sha256) == sha256 else {
                try db.execute(sql: "DELETE FROM file_chunk WHERE sha256 = ?", arguments: [sha256])
                try db.execute(
                    sql: "UPDATE file SET held = 0, failures = failures + 1 WHERE sha256 = ?", arguments: [sha256])
                return .fileMismatch(failures: (row["failures"] as Int) + 1)
            }
            try db.execute(
                sql: "UPDATE file SET present = 1, refusal = NULL, refusal_detail = NULL WHERE sha256 = ?",
                arguments: [sha256])
            if let source { try Self.addSource(db, sha256, source) }
            return .stored(complete: true)
        }
    }

    /// Records that `replica` proved to hold the file's content (it uploaded it, or a chunk of it that
    /// matched; this replica itself when the file was stored or imported here).
    public func addFileSource(_ sha256: String, replica: String) throws {
        try queue.write { db in try Self.addSource(db, sha256, replica) }
    }

    static func addSource(_ db: Database, _ sha256: String, _ replica: String) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO file_source(sha256, replica) VALUES (?, ?)", arguments: [sha256, replica])
    }

    /// The replicas that proved to hold the file's content here (see ``addFileSource(_:replica:)``).
    public func fileSources(_ sha256: String) throws -> Set<String> {
        try queue.read { db in
            Set(try String.fetchAll(db, sql: "SELECT replica FROM file_source WHERE sha256 = ?", arguments: [sha256]))
        }
    }

    /// Whether `data` is chunk `index` of a file whose manifest is known here (its hash and length
    /// match), whether or not the chunk is held: how a replica proves it holds a file the hub has.
    public func isChunk(_ data: Data, of sha256: String, index: Int) throws -> Bool {
        try queue.read { db in
            guard index >= 0,
                let row = try Row.fetchOne(
                    db, sql: "SELECT size, substr(chunks, ? * 64 + 1, 64) AS hash FROM file WHERE sha256 = ?",
                    arguments: [index, sha256]),
                index < FileManifest.chunkCount(size: row["size"])
            else { return false }
            return FileManifest.digest(data) == (row["hash"] as String?)
        }
    }

    /// The SHA-256 of a file's held chunks, in order, read one at a time.
    static func wholeDigest(_ db: Database, _ sha256: String) throws -> String {
        try eachChunk(db, sha256) { _ in }
    }

    /// Hands each held chunk of a file to `body`, in order, one at a time (memory stays one chunk), and
    /// returns the SHA-256 of them all.
    static func eachChunk(_ db: Database, _ sha256: String, _ body: (Data) throws -> Void) throws -> String {
        var builder = FileManifestBuilder()
        let rows = try Row.fetchCursor(
            db, sql: "SELECT data FROM file_chunk WHERE sha256 = ? ORDER BY idx", arguments: [sha256])
        while let row = try rows.next() {
            let data: Data = row["data"]
            builder.add(data)
            try body(data)
        }
        return builder.finish().sha256
    }

    /// Writes a present file's content to `path` (through a temporary file renamed into place), checking
    /// its SHA-256 on the way out.
    /// - Throws: ``FileError/notHere(sha256:held:size:)``, ``FileError/damaged(sha256:)``,
    ///   ``FileError/cannotWrite(path:reason:)``.
    public func exportFile(_ sha256: String, to path: String) throws {
        let status = try fileStatus(sha256)
        guard let status, status.isWhole else {
            var held: Int64 = 0
            if case .partial(let bytes) = status?.state { held = bytes }
            throw FileError.notHere(sha256: sha256, held: held, size: status?.size ?? 0)
        }
        // A folder at `path` would be removed to put the file in its place: refused instead.
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw FileError.cannotWrite(path: path, reason: "is a directory")
        }
        let temporary = path + ".ntm-partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else { throw FileError.cannotWrite(path: path, reason: "cannot create the file") }
        var finished = false
        defer {
            try? handle.close()
            if !finished { try? FileManager.default.removeItem(atPath: temporary) }
        }
        let digest: String = try queue.read { db in
            try Self.eachChunk(db, sha256) { data in
                do { try handle.write(contentsOf: data) } catch {
                    throw FileError.cannotWrite(path: path, reason: "\(error.localizedDescription)")
                }
            }
        }
        guard digest == sha256 else { throw FileError.damaged(sha256: sha256) }
        try? handle.close()
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            throw FileError.cannotWrite(path: path, reason: "\(error.localizedDescription)")
        }
        finished = true
    }

    /// Where a file stands here, nil when this replica knows nothing of it.
    public func fileStatus(_ sha256: String) throws -> FileStatus? {
        try queue.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT size, held, present, refusal, refusal_detail, at_hub FROM file WHERE sha256 = ?",
                    arguments: [sha256])
            else { return nil }
            return Self.status(sha256, row)
        }
    }

    static func status(_ sha256: String, _ row: Row) -> FileStatus {
        let state: FileState
        if let code = row["refusal"] as String? {
            state = .refused(code: code, detail: row["refusal_detail"] ?? "")
        } else if row["present"] as Bool {
            state = .present
        } else if (row["held"] as Int64) > 0 {
            state = .partial(held: row["held"])
        } else {
            state = .missing
        }
        return FileStatus(
            sha256: sha256, size: row["size"], state: state, atHub: row["at_hub"], isWhole: row["present"])
    }

    /// Every file this replica knows (present, partial or refused), by SHA-256.
    public func knownFiles() throws -> [FileStatus] {
        try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT sha256, size, held, present, refusal, refusal_detail, at_hub FROM file ORDER BY sha256"
            ).map { Self.status($0["sha256"], $0) }
        }
    }

    /// Records that the hub holds the file whole.
    public func setFileAtHub(_ sha256: String, size: Int64) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO file(sha256, size, chunks, held, present, failures, at_hub, updated_ms)
                    VALUES (?, ?, '', 0, 0, 0, 1, ?)
                    ON CONFLICT(sha256) DO UPDATE SET at_hub = 1, refusal = NULL, refusal_detail = NULL
                    """,
                arguments: [sha256, size, clock()])
        }
    }

    /// Records why a file will not move (the other side declined it, or its chunks kept failing); a
    /// later present copy clears it. `code` and `detail` as in ``FileState/refused(code:detail:)``.
    public func refuseFile(_ sha256: String, size: Int64, code: String, detail: String) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO file(sha256, size, chunks, held, present, failures, at_hub, updated_ms, refusal, refusal_detail)
                    VALUES (?, ?, '', 0, 0, 0, 0, ?, ?, ?)
                    ON CONFLICT(sha256) DO UPDATE SET refusal = excluded.refusal, refusal_detail = excluded.refusal_detail,
                        updated_ms = excluded.updated_ms
                    """,
                arguments: [sha256, size, clock(), code, detail])
        }
    }

    /// Forgets a refusal (the person fixed the cause: the district raised its limit).
    public func clearFileRefusal(_ sha256: String) throws {
        try queue.write { db in
            try db.execute(
                sql: "UPDATE file SET refusal = NULL, refusal_detail = NULL, failures = 0 WHERE sha256 = ?",
                arguments: [sha256])
        }
    }

    /// The files the live rows reference (every table with ``FileColumns``), one entry per row.
    public func referencedFiles() throws -> [FileReference] {
        try queue.read { db in
            var references: [FileReference] = []
            for table in schema.tables {
                guard let file = table.file else { continue }
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, \(quoted(file.sha256)) AS sha, \(quoted(file.size)) AS size FROM \(quoted(table.name))
                        WHERE \(quoted(file.sha256)) IS NOT NULL ORDER BY id
                        """)
                for row in rows {
                    guard let sha = row["sha"] as String?, FileManifest.isDigest(sha) else { continue }
                    references.append(
                        FileReference(table: table.name, row: row["id"], sha256: sha, size: row["size"] ?? 0))
                }
            }
            return references
        }
    }

    /// Every logged write that ever set a file reference to `sha256` (in any version of any row), as
    /// (table, row, origin). A file any of them references is kept; the hub decides rights with them.
    public func fileWrites(_ sha256: String) throws -> [(table: String, row: String, origin: String)] {
        let value = FieldValue.text(sha256).description
        return try queue.read { db in
            var writes: [(String, String, String)] = []
            for table in schema.tables {
                guard let file = table.file else { continue }
                let rows = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT DISTINCT row, origin FROM oplog WHERE col = \(Self.literal(file.sha256)) AND value = ? AND tbl = ?",
                    arguments: [value, table.name])
                writes += rows.map { (table.name, $0["row"], $0["origin"]) }
            }
            return writes
        }
    }

    /// The files this replica's own writes reference: what it offers the hub.
    public func ownFileReferences() throws -> Set<String> {
        try queue.read { db in
            var files: Set<String> = []
            for table in schema.tables {
                guard let file = table.file else { continue }
                let values = try String.fetchAll(
                    db,
                    sql:
                        "SELECT DISTINCT value FROM oplog WHERE col = \(Self.literal(file.sha256)) AND tbl = ? AND origin = ?",
                    arguments: [table.name, replicaID])
                for value in values {
                    if let json = try? JSONParser.parse(value), case .text(let sha)? = FieldValue(json: json),
                        FileManifest.isDigest(sha)
                    {
                        files.insert(sha)
                    }
                }
            }
            return files
        }
    }

    /// Removes the files no logged write references (partial transfers whose rows changed to another
    /// file before they arrived, a file stored just before a crash) once untouched for `age`
    /// milliseconds. A file any version of any row references is kept. Returns how many were removed.
    @discardableResult
    public func collectFileGarbage(olderThan age: Int64 = 7 * 24 * 3_600_000) throws -> Int {
        let cutoff = clock() - age
        let candidates = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT sha256 FROM file WHERE updated_ms < ?", arguments: [cutoff])
        }
        var removed = 0
        for sha in candidates where try fileWrites(sha).isEmpty {
            try queue.write { db in
                try db.execute(sql: "DELETE FROM file_chunk WHERE sha256 = ?", arguments: [sha])
                try db.execute(sql: "DELETE FROM file_source WHERE sha256 = ?", arguments: [sha])
                try db.execute(sql: "DELETE FROM file WHERE sha256 = ?", arguments: [sha])
            }
            removed += 1
        }
        return removed
    }

    /// Checks every present file's chunks against its manifest and its SHA-256; returns the SHA-256 of
    /// each file whose stored content is damaged (for `ntm verify`).
    public func damagedFiles() throws -> [String] {
        try queue.read { db in try Self.damagedFiles(db) }
    }

    /// The damaged present files, read in `db`'s transaction (``damagedFiles()``, and `verifyIntegrity`).
    static func damagedFiles(_ db: Database) throws -> [String] {
        var damaged: [String] = []
        for sha in try String.fetchAll(db, sql: "SELECT sha256 FROM file WHERE present = 1 ORDER BY sha256") {
            if try wholeDigest(db, sha) != sha { damaged.append(sha) }
        }
        return damaged
    }

    /// An SQL string literal (for the partial index's condition, which a bound parameter cannot match).
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Creates the partial indexes that find the writes of file references by their value.
    static func ensureFileIndexes(_ db: Database, schema: ReplicatedSchema) throws {
        for column in Set(schema.tables.compactMap { $0.file?.sha256 }) {
            try db.execute(
                sql: """
                    CREATE INDEX IF NOT EXISTS \(quoted("oplog_file_" + column)) ON oplog(value, tbl)
                    WHERE col = \(literal(column))
                    """)
        }
    }
}
