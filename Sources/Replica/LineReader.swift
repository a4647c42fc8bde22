import Foundation
import SyncCore

/// Reads a file line by line through a fixed buffer, so that a file of any size is read in bounded
/// memory. Each line is handed out without its `\n`; a last line with no `\n` is reported as such.
/// It can start at a ``LinePosition`` found by an earlier reading (a bundle's file section).
struct LineReader {
    enum Failure: Error, Equatable {
        case tooLong(line: Int)
        case io(String)
    }

    let maximumLineLength: Int
    /// How many bytes each read takes.
    let chunkSize: Int
    private let handle: FileHandle
    /// Added to the splitter's line numbers: the lines before the start position.
    private let linesBefore: Int

    init(path: String, maximumLineLength: Int, chunkSize: Int = 1 << 20, from start: LinePosition? = nil) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BundleError.unreadable(
                path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        if let start {
            do { try handle.seek(toOffset: start.offset) } catch {
                throw BundleError.unreadable(path: path, reason: error.localizedDescription)
            }
        }
        self.handle = handle
        self.maximumLineLength = maximumLineLength
        self.chunkSize = chunkSize
        self.linesBefore = (start?.line ?? 1) - 1
    }

    /// Calls `body` with each line (1-based number, bytes without the newline, whether a newline ended it).
    func forEachLine(_ body: (Int, UnsafeRawBufferPointer, Bool) throws -> Void) throws {
        defer { try? handle.close() }
        var lines = LineSplitter(maximumBytes: maximumLineLength)
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: chunkSize) ?? Data()
            } catch {
                throw Failure.io(error.localizedDescription)
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { lines.append($0) }
            do {
                while let line = try lines.nextLine() {
                    try line.withUnsafeBytes { try body(linesBefore + lines.lineCount, $0, true) }
                }
            } catch let failure as LineSplitter.TooLong {
                throw Failure.tooLong(line: linesBefore + failure.line)
            }
        }
        let last = lines.remainder
        if !last.isEmpty {
            try last.withUnsafeBytes { try body(linesBefore + lines.lineCount + 1, $0, false) }
        }
    }
}

/// Where a line starts in a file: its byte offset and its 1-based number.
struct LinePosition: Sendable, Equatable {
    /// The byte offset of the line's first byte.
    var offset: UInt64
    /// The line's number, counting from 1 at the file's start.
    var line: Int
}
