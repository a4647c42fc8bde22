import Foundation

/// Reads a file line by line through a fixed buffer, so that a file of any size is read in bounded
/// memory. Each line is handed out without its `\n`; a last line with no `\n` is reported as such.
struct LineReader {
    enum Failure: Error {
        case tooLong(line: Int)
        case io(String)
    }

    let maximumLineLength: Int
    private let handle: FileHandle

    init(path: String, maximumLineLength: Int) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BundleError.unreadable(
                path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        self.handle = handle
        self.maximumLineLength = maximumLineLength
    }

    /// Calls `body` with each line (1-based number, bytes without the newline, whether a newline ended it).
    func forEachLine(_ body: (Int, UnsafeRawBufferPointer, Bool) throws -> Void) throws {
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var lineNumber = 0
        let chunkSize = 1 << 20
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: chunkSize) ?? Data()
            } catch {
                throw Failure.io(error.localizedDescription)
            }
            if chunk.isEmpty { break }
            try chunk.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var start = 0
                while let newline = buffer[start...].firstIndex(of: 0x0A) {
                    lineNumber += 1
                    if pending.isEmpty {
                        guard newline - start + 1 <= maximumLineLength else { throw Failure.tooLong(line: lineNumber) }
                        try body(lineNumber, UnsafeRawBufferPointer(rebasing: buffer[start..<newline]), true)
                    } else {
                        pending.append(contentsOf: buffer[start..<newline])
                        guard pending.count + 1 <= maximumLineLength else { throw Failure.tooLong(line: lineNumber) }
                        try pending.withUnsafeBytes { try body(lineNumber, $0, true) }
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = newline + 1
                }
                pending.append(contentsOf: buffer[start...])
                guard pending.count + 1 <= maximumLineLength else { throw Failure.tooLong(line: lineNumber + 1) }
            }
        }
        if !pending.isEmpty {
            try pending.withUnsafeBytes { try body(lineNumber + 1, $0, false) }
        }
    }
}
