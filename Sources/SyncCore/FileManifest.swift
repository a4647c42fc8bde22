import Crypto
import Foundation

/// What a file is, for moving it in pieces: its SHA-256, its size and the SHA-256 of each fixed-size
/// chunk (`protocol/PROTOCOL.md` §13). A file is named by its content (SHA-256 and size); its name is
/// metadata kept in the rows that reference it.
///
/// The chunk hashes let a receiver check each piece as it arrives and keep it; the whole-file hash
/// decides when the file is present. A manifest whose chunk hashes lie is found at the end, when the
/// chunks do not make the file: the receiver then discards them.
public struct FileManifest: Sendable, Hashable {
    /// The size of every chunk but the last (256 KiB): a chunk line with its base64 stays far under
    /// the 1 MiB line limit.
    public static let chunkSize = 262_144

    /// The whole file's SHA-256, 64 lowercase hex digits.
    public var sha256: String
    /// The file's size in bytes.
    public var size: Int64
    /// Each chunk's SHA-256, 64 lowercase hex digits, in order.
    public var chunks: [String]

    /// Creates a manifest.
    public init(sha256: String, size: Int64, chunks: [String]) {
        self.sha256 = sha256
        self.size = size
        self.chunks = chunks
    }

    /// How many chunks a file of `size` bytes has (none for an empty file).
    public static func chunkCount(size: Int64) -> Int {
        // (size - 1) / chunk + 1: no overflow for a size near Int64.max read off the wire.
        size <= 0 ? 0 : Int((size - 1) / Int64(chunkSize)) + 1
    }

    /// The byte length of chunk `index`.
    public func length(ofChunk index: Int) -> Int {
        let start = Int64(index) * Int64(Self.chunkSize)
        return Int(min(Int64(Self.chunkSize), size - start))
    }

    /// Whether the manifest is well formed: hashes are 64 lowercase hex digits and there is one chunk
    /// hash per chunk of `size`.
    public var isWellFormed: Bool {
        size >= 0 && chunks.count == Self.chunkCount(size: size) && Self.isDigest(sha256)
            && chunks.allSatisfy(Self.isDigest)
    }

    /// Whether `text` is a SHA-256 as written here: 64 lowercase hex digits.
    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The SHA-256 of some bytes, as written here.
    public static func digest(_ bytes: some DataProtocol) -> String { Array(SHA256.hash(data: bytes)).hexString }
}

/// Builds a manifest while the file's bytes go by, in any slices: memory stays one chunk whatever the
/// file's size.
public struct FileManifestBuilder {
    private var whole = SHA256()
    private var chunk = SHA256()
    private var inChunk = 0
    private var size: Int64 = 0
    private var chunks: [String] = []

    /// Creates an empty builder.
    public init() {}

    /// Adds the next bytes of the file.
    public mutating func add(_ bytes: some Collection<UInt8>) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let take = min(rest.count, FileManifest.chunkSize - inChunk)
            let piece = rest.prefix(take)
            let array = Array(piece)
            whole.update(data: array)
            chunk.update(data: array)
            inChunk += take
            size += Int64(take)
            rest = rest.dropFirst(take)
            if inChunk == FileManifest.chunkSize { closeChunk() }
        }
    }

    private mutating func closeChunk() {
        chunks.append(Array(chunk.finalize()).hexString)
        chunk = SHA256()
        inChunk = 0
    }

    /// The manifest of everything added.
    public mutating func finish() -> FileManifest {
        if inChunk > 0 { closeChunk() }
        return FileManifest(sha256: Array(whole.finalize()).hexString, size: size, chunks: chunks)
    }
}
