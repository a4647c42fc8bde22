#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits a stream of bytes into `\n`-terminated lines, however the stream is cut into reads: the one
/// splitter of bundle files (`Replica`'s `LineReader`) and of blocking sessions (`SyncHub`'s
/// `LineTransport`). The hub's SwiftNIO server has its own decoder because NIO owns that buffer.
///
/// Feed it bytes with ``append(_:)`` and take lines with ``nextLine()`` until it answers nil. It
/// remembers how far it has searched for a newline, so a long line arriving in many reads is scanned
/// once, and it enforces the line limit (the `\n` included) on complete and incomplete lines alike.
public struct LineSplitter: Sendable {
    /// A line that does not fit the limit; `line` is its 1-based number in the stream.
    public struct TooLong: Error, Equatable, Sendable {
        /// The 1-based number of the line.
        public let line: Int

        /// Names line `line` (1-based) as too long.
        public init(line: Int) { self.line = line }
    }

    /// The most bytes a line may take, its `\n` included.
    public let maximumBytes: Int
    /// How many complete lines have been handed out.
    public private(set) var lineCount = 0
    private var buffer: [UInt8] = []
    /// Where the next line starts.
    private var start = 0
    /// Up to where the buffer is known to hold no newline.
    private var searched = 0

    /// Creates a splitter whose lines take at most `maximumBytes`, the `\n` included.
    public init(maximumBytes: Int = LineLimit.maximumBytes) {
        self.maximumBytes = maximumBytes
    }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line without its `\n`, or nil when the bytes so far end inside a line.
    /// - Throws: ``TooLong`` when the next line, complete or not yet, cannot fit the limit.
    public mutating func nextLine() throws(TooLong) -> ArraySlice<UInt8>? {
        guard let newline = firstNewline() else {
            searched = buffer.count
            guard buffer.count - start < maximumBytes else { throw TooLong(line: lineCount + 1) }
            return nil
        }
        guard newline - start < maximumBytes else { throw TooLong(line: lineCount + 1) }
        let line = buffer[start..<newline]
        start = newline + 1
        searched = start
        lineCount += 1
        return line
    }

    /// Where the first `\n` at or after `searched` is (found with `memchr`, many bytes a step).
    private func firstNewline() -> Int? {
        buffer.withUnsafeBytes { bytes in
            guard searched < bytes.count, let base = bytes.baseAddress,
                let found = memchr(base + searched, 0x0A, bytes.count - searched)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    /// The bytes after the last newline: at the end of the stream, a last line that has no `\n`.
    public var remainder: ArraySlice<UInt8> { buffer[start...] }

    /// Drops the lines already handed out, when that is cheap or when they hold much memory.
    private mutating func compact() {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if start > maximumBytes {
            buffer.removeFirst(start)
        } else {
            return
        }
        searched -= start
        start = 0
    }
}
