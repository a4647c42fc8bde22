import Crypto
import Deflate
import Foundation
import SyncCore

/// Writes a bundle file (`protocol/PROTOCOL.md` §7): the header, operation lines hashed as they are
/// written, and the trailer with their count and SHA-256; in a version 2 bundle, then the file section
/// (§7.6): each file's manifest line and chunk lines, and the `files-end` line. Output is buffered and
/// written in 1 MiB pieces, so a bundle of any size takes bounded memory. A gzip bundle (`.ndjson.gz`)
/// is the same lines compressed as they are written.
public struct BundleWriter {
    private let handle: FileHandle
    /// The gzip stream's compressor, for a gzip bundle.
    private let deflater: Deflater?
    /// Whether the file section follows the trailer (the gzip stream ends after it, not the trailer).
    private let withFiles: Bool
    private var writer = JSONWriter(capacity: 1 << 21)
    private var hasher = SHA256()
    /// Operation lines written so far.
    public private(set) var count = 0
    /// Bytes of lines written so far (flushed to the file; before compression in a gzip bundle).
    public private(set) var bytes = 0
    /// Bytes the file takes so far: ``bytes``, compressed in a gzip bundle.
    public private(set) var storedBytes = 0
    /// File (manifest) lines written so far.
    public private(set) var fileCount = 0
    /// Chunk lines written so far.
    public private(set) var chunkCount = 0
    /// Bytes of file content the chunk lines written so far carry.
    public private(set) var fileBytes: Int64 = 0

    /// Starts a bundle on an open file with its header line; `withFiles` makes it a version 2 bundle,
    /// whose file section must then be written after ``finish()``. `checkpoints` vouch for the
    /// operations that follow (§7.1, §14): a hub takes another origin's work only up to one of them;
    /// `enrolments` are the district hub's log entries the writer holds (§14.6); `lowerHub`, written by
    /// a hub below another, introduces its log's key to the hub above (§15). `gzip` compresses the
    /// file (§7: a `.ndjson.gz` bundle).
    /// - Throws: ``DeflateError`` when zlib cannot start.
    public init(
        handle: FileHandle, from: String, createdMs: Int64, schemaTag: String, since: Summary? = nil,
        withFiles: Bool = false, checkpoints: [Checkpoint] = [], enrolments: [EnrolmentRecord] = [],
        lowerHub: JSONValue? = nil, gzip: Bool = false
    ) throws {
        self.handle = handle
        self.withFiles = withFiles
        deflater = gzip ? try Deflater(format: .gzip) : nil
        let version = withFiles ? BundleFormat.filesVersion : BundleFormat.version
        var header: JSONObject = [
            "type": .string("bundle"), "version": .int(version), "from": .string(from),
            "created_ms": .int(createdMs), "schema": .string(schemaTag),
        ]
        if let since { header["since"] = since.json }
        if !checkpoints.isEmpty { header["checkpoints"] = .array(checkpoints.map(\.json)) }
        if !enrolments.isEmpty { header["enrolments"] = .array(enrolments.map(\.json)) }
        if let lowerHub { header["lower_hub"] = lowerHub }
        writer.write(.object(header))
        writer.append(byte: 0x0A)
    }

    /// Appends one operation line; `body` writes the operation's JSON object into the buffer.
    public mutating func appendOperation(_ body: (inout JSONWriter) -> Void) throws {
        let start = writer.bytes.count
        body(&writer)
        writer.append(byte: 0x0A)
        writer.bytes[start...].withUnsafeBytes { hasher.update(bufferPointer: $0) }
        count += 1
        if writer.bytes.count > 1 << 20 { try drain() }
    }

    /// Writes the trailer and everything still buffered.
    public mutating func finish() throws {
        writer.write(
            .object([
                "type": .string("end"), "count": .int(Int64(count)), "sha256": .string(hasher.finalize().hexString),
            ]))
        writer.append(byte: 0x0A)
        try drain(ending: !withFiles)
    }

    /// Appends a file's manifest line: its chunk lines follow.
    public mutating func appendFile(_ manifest: FileManifest) throws {
        FileLine.writeManifest(manifest, to: &writer)
        writer.append(byte: 0x0A)
        fileCount += 1
        if writer.bytes.count > 1 << 20 { try drain() }
    }

    /// Appends one chunk line of the file whose manifest was appended last.
    public mutating func appendChunk(sha256: String, index: Int, data: Data) throws {
        FileLine.writeChunk(sha256: sha256, index: index, data: data, to: &writer)
        writer.append(byte: 0x0A)
        chunkCount += 1
        fileBytes += Int64(data.count)
        if writer.bytes.count > 1 << 20 { try drain() }
    }

    /// Writes the `files-end` line, closing the file section, and everything still buffered.
    public mutating func finishFiles() throws {
        writer.write(
            .object([
                "type": .string("files-end"), "files": .int(Int64(fileCount)), "chunks": .int(Int64(chunkCount)),
            ]))
        writer.append(byte: 0x0A)
        try drain(ending: true)
    }

    /// Writes what is buffered; `ending` ends a gzip stream (its trailer written).
    private mutating func drain(ending: Bool = false) throws {
        let stored = deflater.map { deflater in
            writer.bytes.withUnsafeBytes { deflater.compress($0, flush: ending ? .finish : .none) }
        }
        try handle.write(contentsOf: stored ?? writer.bytes)
        storedBytes += stored?.count ?? writer.bytes.count
        bytes += writer.bytes.count
        writer.reset()
    }
}
