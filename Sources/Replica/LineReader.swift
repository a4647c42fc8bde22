import Deflate
import Foundation
import SyncCore

/// Reads a file line by line through a fixed buffer, so that a file of any size is read in bounded
/// memory. Each line is handed out without its `\n`; a last line with no `\n` is reported as such.
/// It can start at a ``LinePosition`` found by an earlier reading (a bundle's file section).
///
/// A gzip file (its first bytes `1f 8b`, whatever its name: a `.ndjson.gz` bundle, §7) is read
/// decompressed, 64 KiB at a time; its positions count decompressed bytes.
struct LineReader {
    enum Failure: Error, Equatable {
        case tooLong(line: Int)
        case io(String)
        /// The gzip stream is damaged.
        case gzipBroken(String)
        /// The file ends inside its gzip stream.
        case gzipTruncated
    }

    let maximumLineLength: Int
    /// How many bytes each read takes.
    let chunkSize: Int
    private let handle: FileHandle
    /// Added to the splitter's line numbers: the lines before the start position.
    private let linesBefore: Int
    /// Whether the file is gzip.
    let isGzip: Bool
    /// Decompressed bytes to skip before the first line (a gzip file cannot seek to a position).
    private let skip: UInt64

    init(path: String, maximumLineLength: Int, chunkSize: Int = 1 << 20, from start: LinePosition? = nil) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BundleError.unreadable(
                path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        do {
            isGzip = try Self.startsWithGzipMagic(handle)
            if let start, !isGzip { try handle.seek(toOffset: start.offset) }
        } catch {
            throw BundleError.unreadable(path: path, reason: error.localizedDescription)
        }
        skip = isGzip ? start?.offset ?? 0 : 0
        self.handle = handle
        self.maximumLineLength = maximumLineLength
        self.chunkSize = chunkSize
        self.linesBefore = (start?.line ?? 1) - 1
    }

    /// Whether the file starts with gzip's magic bytes; leaves the handle at the start.
    private static func startsWithGzipMagic(_ handle: FileHandle) throws -> Bool {
        let first = try handle.read(upToCount: 2) ?? Data()
        try handle.seek(toOffset: 0)
        return first == Data([0x1F, 0x8B])
    }

    /// Calls `body` with each line (1-based number, bytes without the newline, whether a newline ended it).
    func forEachLine(_ body: (Int, UnsafeRawBufferPointer, Bool) throws -> Void) throws {
        defer { try? handle.close() }
        var lines = LineSplitter(maximumBytes: maximumLineLength)
        let inflater = isGzip ? try Inflater(format: .gzip) : nil
        var toSkip = skip
        func deliver() throws {
            do {
                while let line = try lines.nextLine() {
                    try line.withUnsafeBytes { try body(linesBefore + lines.lineCount, $0, true) }
                }
            } catch let failure as LineSplitter.TooLong {
                throw Failure.tooLong(line: linesBefore + failure.line)
            }
        }
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: chunkSize) ?? Data()
            } catch {
                throw Failure.io(error.localizedDescription)
            }
            if chunk.isEmpty { break }
            guard let inflater else {
                chunk.withUnsafeBytes { lines.append($0) }
                try deliver()
                continue
            }
            chunk.withUnsafeBytes { inflater.feed($0) }
            do {
                // One piece at a time, lines handed out between: bounded whatever the ratio.
                while inflater.hasInput {
                    try inflater.inflate { piece in
                        let skipped = Int(min(UInt64(piece.count), toSkip))
                        toSkip -= UInt64(skipped)
                        lines.append(UnsafeRawBufferPointer(rebasing: piece[skipped...]))
                    }
                    try deliver()
                }
            } catch let error as DeflateError {
                throw Failure.gzipBroken(error.message)
            }
        }
        if let inflater, !inflater.finished { throw Failure.gzipTruncated }
        let last = lines.remainder
        if !last.isEmpty {
            try last.withUnsafeBytes { try body(linesBefore + lines.lineCount + 1, $0, false) }
        }
    }
}

/// Where a line starts in a file: its byte offset and its 1-based number.
struct LinePosition: Sendable, Equatable {
    /// The byte offset of the line's first byte (in a gzip file, of the decompressed bytes).
    var offset: UInt64
    /// The line's number, counting from 1 at the file's start.
    var line: Int
}
