import Foundation
import GRDB
import SyncCore

/// A bundle's file section (`protocol/PROTOCOL.md` §7.6, §8.1): which files an export carries, writing
/// them chunk by chunk, and storing them on import, each chunk checked.
extension ReplicaStore {
    /// How many hex digits of a file's SHA-256 a summary's `files` member lists (§6).
    public static let summaryFilePrefixLength = 16

    /// The first ``summaryFilePrefixLength`` hex digits of the SHA-256 of every file whole here, sorted:
    /// the summary's `files` member.
    public func presentFilePrefixes() throws -> [String] {
        try queue.read { db in
            try String.fetchAll(db, sql: "SELECT sha256 FROM file WHERE present = 1 ORDER BY sha256")
        }.map { String($0.prefix(Self.summaryFilePrefixLength)) }
    }

    /// The files a bundle cut against `since` carries: every file whole here that a live row or an
    /// operation the bundle carries references, except those whose SHA-256 starts with one of
    /// `receiverFiles` (sorted); and how many such files cannot be carried because they are not whole here.
    func filesToCarry(since: Summary?, skipping receiverFiles: [String]) throws -> (carried: [String], notHere: Int) {
        let live = Set(try referencedFiles().map(\.sha256))
        let (logged, present) = try queue.read { db -> (Set<String>, Set<String>) in
            let refused = try Self.refusedDots(db)
            var logged: Set<String> = []
            for table in schema.tables {
                guard let file = table.file else { continue }
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT origin, seq, value FROM oplog WHERE col = \(Self.literal(file.sha256)) AND tbl = ?",
                    arguments: [table.name])
                for row in rows {
                    let dot = Dot(origin: row["origin"], seq: UInt64(row["seq"] as Int64))
                    if since?.contains(dot) == true || refused.contains(dot) { continue }
                    if let sha = Self.fileReference(row["value"]) { logged.insert(sha) }
                }
            }
            return (logged, Set(try String.fetchAll(db, sql: "SELECT sha256 FROM file WHERE present = 1")))
        }
        let wanted = live.union(logged).filter { sha in !receiverFiles.contains { sha.hasPrefix($0) } }
        return (wanted.filter(present.contains).sorted(), wanted.subtracting(present).count)
    }

    /// The file a logged value (JSON text) references, when it is a SHA-256.
    static func fileReference(_ value: String?) -> String? {
        guard let value, let json = try? JSONParser.parse(value), case .text(let sha)? = FieldValue(json: json),
            FileManifest.isDigest(sha)
        else { return nil }
        return sha
    }

    /// Writes the file section of `files` (whole here) into `bundle`, one chunk in memory at a time.
    func writeFiles(_ files: [String], into bundle: inout BundleWriter, path: String) throws {
        for sha in files {
            guard let manifest = try manifest(sha) else {
                throw BundleError.unwritable(path: path, reason: "a damaged file in the store (see: ntm verify)")
            }
            try bundle.appendFile(manifest)
            for index in manifest.chunks.indices {
                guard let data = try chunk(sha, index: index) else {
                    throw BundleError.unwritable(path: path, reason: "a damaged file in the store (see: ntm verify)")
                }
                try bundle.appendChunk(sha256: sha, index: index, data: data)
            }
        }
        try bundle.finishFiles()
    }

    /// Reads and stores the file section of the bundle at `path`, which starts at `start`, once its
    /// operations are committed; adds what it read and stored to `stats`.
    /// - Throws: ``ReplicaError/bundleFiles(_:imported:)`` when the section is cut off, has a bad line or
    ///   leaves a file incomplete; every chunk checked before is kept.
    func importFiles(from path: String, at start: LinePosition, into stats: inout BundleStats) throws {
        var section = FileSection()
        do {
            do {
                let reader = try LineReader(path: path, maximumLineLength: LineLimit.maximumBytes, from: start)
                try reader.forEachLine { number, line, terminated in
                    stats.bytes += line.count + (terminated ? 1 : 0)
                    // A last line without its newline was cut off: it is not used, even if it parses.
                    guard terminated else { throw FileSection.CutOff() }
                    try receiveFileLine(line, number: number, &section, &stats.files)
                }
            } catch is FileSection.CutOff {
            } catch LineReader.Failure.gzipTruncated {
                // A gzip bundle cut in its file section: as a plain one cut there.
            }
            try checkFileSection(section)
        } catch let error as BundleFileError {
            throw ReplicaError.bundleFiles(error, imported: stats)
        } catch let failure as LineReader.Failure {
            let error: BundleFileError
            switch failure {
            case .tooLong(let line):
                error = .badLine(line: line, reason: "longer than \(LineLimit.maximumBytes) bytes")
            case .io(let reason), .gzipBroken(let reason): error = .unreadable(path: path, reason: reason)
            case .gzipTruncated: error = .truncated(files: stats.files.files)
            }
            throw ReplicaError.bundleFiles(error, imported: stats)
        } catch BundleError.unreadable(let path, let reason) {
            throw ReplicaError.bundleFiles(.unreadable(path: path, reason: reason), imported: stats)
        } catch let error as FileError {
            throw ReplicaError.bundleFiles(.diskFull(error), imported: stats)
        }
    }

    /// What the file section reader knows so far.
    private struct FileSection {
        /// Thrown to stop at a last line without its newline.
        struct CutOff: Error {}
        /// The last manifest read: the chunk lines that follow belong to it.
        var current: FileManifest?
        /// Whether the current file's chunks are stored (it is referenced and not whole here yet).
        var storing = false
        /// Whether the `files-end` line was read.
        var ended = false
        var fileLines = 0
        var chunkLines = 0
        /// The files whose chunks were stored, in order.
        var received: [String] = []
        /// Chunks dropped, by file.
        var dropped: [String: Int] = [:]
        /// Files whose chunks did not make the file.
        var mismatched: Set<String> = []
    }

    private func receiveFileLine(
        _ line: UnsafeRawBufferPointer, number: Int, _ section: inout FileSection, _ stats: inout BundleFileStats
    ) throws {
        if section.ended { throw BundleFileError.dataAfterEnd(line: number) }
        let json: JSONValue
        do { json = try JSONParser.parse(buffer: line) } catch {
            throw BundleFileError.badLine(line: number, reason: "not valid JSON: \(error)")
        }
        func member(_ error: OperationFormatError) -> BundleFileError {
            .badLine(line: number, reason: "member \"\(error.field)\": \(error.reason)")
        }
        switch json["type"]?.string {
        case "file":
            let manifest: FileManifest
            do { manifest = try FileLine.manifest(json) } catch { throw member(error) }
            section.fileLines += 1
            stats.files += 1
            section.current = manifest
            section.storing = false
            guard try !fileWrites(manifest.sha256).isEmpty else {
                stats.unreferenced += 1
                return
            }
            // Whole here (also when the hub refused it: the content is here all the same).
            if try fileStatus(manifest.sha256)?.isWhole == true {
                stats.alreadyPresent += 1
                return
            }
            let missing = try prepareFile(manifest)
            try checkRoom(for: missing.reduce(0) { $0 + Int64(manifest.length(ofChunk: $1)) })
            section.storing = true
            section.received.append(manifest.sha256)
        case "chunk":
            let chunk: (sha256: String, index: Int, data: Data)
            do { chunk = try FileLine.chunk(json) } catch { throw member(error) }
            guard let current = section.current, current.sha256 == chunk.sha256 else {
                throw BundleFileError.badLine(
                    line: number, reason: "a chunk of a file whose file line does not come just before its chunks")
            }
            guard current.chunks.indices.contains(chunk.index) else {
                throw BundleFileError.badLine(
                    line: number,
                    reason: "chunk index \(chunk.index) is out of range: the file has \(current.chunks.count) chunks")
            }
            section.chunkLines += 1
            stats.chunks += 1
            stats.bytes += Int64(chunk.data.count)
            guard section.storing else { return }
            // Imported here on purpose: this replica vouches for the content (a hub then serves it).
            switch try storeChunk(chunk.sha256, index: chunk.index, data: chunk.data, source: replicaID) {
            case .stored(let complete):
                stats.storedChunks += 1
                stats.storedBytes += Int64(chunk.data.count)
                if complete { stats.completed += 1 }
            case .alreadyHeld: break
            case .badChunk:
                stats.badChunks += 1
                section.dropped[chunk.sha256, default: 0] += 1
            case .fileMismatch:
                section.mismatched.insert(chunk.sha256)
            }
        case "files-end":
            guard let files = json["files"]?.int, let chunks = json["chunks"]?.int else {
                throw BundleFileError.badLine(
                    line: number, reason: "the files-end line needs integer \"files\" and \"chunks\"")
            }
            guard files == Int64(section.fileLines), chunks == Int64(section.chunkLines) else {
                throw BundleFileError.countMismatch(
                    announcedFiles: files, files: section.fileLines, announcedChunks: chunks,
                    chunks: section.chunkLines)
            }
            section.ended = true
        case let type:
            throw BundleFileError.badLine(
                line: number,
                reason:
                    "a line of type \(type.map { "\"\($0)\"" } ?? "none") where a file, chunk or files-end line belongs"
            )
        }
    }

    /// Throws the first problem of a section read to its end (or cut off): a cut, then a file left
    /// incomplete by dropped chunks, a lying manifest or missing chunk lines.
    private func checkFileSection(_ section: FileSection) throws {
        func held(_ sha: String) throws -> (chunks: Int, total: Int, bytes: Int64, size: Int64)? {
            guard let status = try fileStatus(sha), !status.isWhole, let manifest = try manifest(sha) else {
                return nil
            }
            switch status.state {
            case .present: return nil
            case .partial(let bytes):
                return (
                    manifest.chunks.count - (try missingChunks(sha).count), manifest.chunks.count, bytes, status.size
                )
            case .missing, .refused: return (0, manifest.chunks.count, 0, status.size)
            }
        }
        if !section.ended {
            if section.storing, let current = section.current, let part = try held(current.sha256) {
                throw BundleFileError.truncatedInFile(
                    sha256: current.sha256, held: part.chunks, chunks: part.total, heldBytes: part.bytes,
                    size: part.size)
            }
            throw BundleFileError.truncated(files: section.fileLines)
        }
        for sha in section.received {
            guard let part = try held(sha) else { continue }
            if let dropped = section.dropped[sha] {
                throw BundleFileError.badChunks(sha256: sha, dropped: dropped, held: part.chunks, chunks: part.total)
            }
            if section.mismatched.contains(sha) { throw BundleFileError.fileMismatch(sha256: sha) }
            throw BundleFileError.incomplete(sha256: sha, held: part.chunks, chunks: part.total)
        }
    }
}
