/// What a bundle's file section carried (export) or what of it was stored (import).
public struct BundleFileStats: Sendable, Equatable {
    /// File (manifest) lines written or read.
    public var files = 0
    /// Chunk lines written or read.
    public var chunks = 0
    /// Bytes of file content the chunk lines written or read carry.
    public var bytes: Int64 = 0
    /// Import: files that became whole here with this bundle.
    public var completed = 0
    /// Import: files that were already whole here (their chunks were skipped).
    public var alreadyPresent = 0
    /// Import: chunks stored that were not held before.
    public var storedChunks = 0
    /// Import: bytes of those chunks.
    public var storedBytes: Int64 = 0
    /// Import: files skipped because no write held here references them.
    public var unreferenced = 0
    /// Import: chunks dropped because they did not match their hash.
    public var badChunks = 0
    /// Export: files a row or operation references that could not be carried because they are not whole
    /// in the exporting replica.
    public var notHere = 0

    /// Creates empty stats.
    public init() {}
}
