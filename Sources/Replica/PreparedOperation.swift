import Crypto
import SyncCore

/// An operation with the texts its log row stores (origin, table, row, column, value and context as
/// JSON, author, note, `prev` in hex), prepared ahead (on the bundle reader's thread) in a block of
/// memory that SQLite reads in place: the applying thread binds them without copying or converting.
struct PreparedOperation: Sendable {
    let operation: SyncOperation
    /// The block holding the texts (shared by a batch of operations).
    let texts: LogTexts
    /// Where each text is in the block.
    let spans: LogTextSpans

    /// Prepares one operation on its own.
    init(_ operation: SyncOperation) {
        var builder = LogTextBuilder()
        let spans = builder.add(operation)
        self.init(operation, texts: builder.finish(), spans: spans)
    }

    /// An operation whose texts were added to the builder that made `texts`.
    init(_ operation: SyncOperation, texts: LogTexts, spans: LogTextSpans) {
        self.operation = operation
        self.texts = texts
        self.spans = spans
    }

    /// The operation's hash (``SyncOperation/hash``): over its line as it came when that was its
    /// canonical line, which then need not be written again.
    var hash: [UInt8] {
        guard let line = spans.line else { return operation.hash }
        return Array(SHA256.hash(data: UnsafeRawBufferPointer(start: texts.pointer(line), count: Int(line.count))))
    }
}

/// Where one text sits in a ``LogTexts`` block.
struct LogTextSpan: Sendable {
    var start: Int32
    var count: Int32

    init(_ range: Range<Int>, offset: Int) {
        start = Int32(range.lowerBound + offset)
        count = Int32(range.count)
    }
}

/// Where each text of one operation's log row sits in its block.
struct LogTextSpans: Sendable {
    var origin: LogTextSpan
    var table: LogTextSpan
    var row: LogTextSpan
    var column: LogTextSpan
    var value: LogTextSpan
    var context: LogTextSpan
    var author: LogTextSpan
    var note: LogTextSpan?
    var prev: LogTextSpan?
    /// The operation's whole line, when it was read from its canonical line (byte for byte its
    /// ``SyncOperation/jsonLine``, the input of its hash).
    var line: LogTextSpan?
}

/// Immutable bytes in memory of their own, at an address that stays put until the block is freed, so
/// that SQLite may be handed pointers into it (`SQLITE_STATIC`) for as long as a holder keeps it.
final class LogTexts: @unchecked Sendable {
    /// The first byte.
    let base: UnsafeMutableRawPointer

    init(_ bytes: [UInt8]) {
        base = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    deinit { base.deallocate() }

    /// The address of a span's first byte.
    func pointer(_ span: LogTextSpan) -> UnsafeRawPointer { UnsafeRawPointer(base + Int(span.start)) }
}

/// Gathers the log texts of a batch of operations into one block.
struct LogTextBuilder {
    private var bytes: [UInt8] = []
    private var writer = JSONWriter(capacity: 64)

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Adds an operation read from a canonical line: the line itself holds every text as stored.
    mutating func add(_ decoded: OperationLine, line: UnsafeRawBufferPointer) -> LogTextSpans {
        let offset = bytes.count
        bytes.append(contentsOf: line)
        let strings = decoded.strings
        return LogTextSpans(
            origin: LogTextSpan(strings.origin, offset: offset), table: LogTextSpan(strings.table, offset: offset),
            row: LogTextSpan(strings.row, offset: offset), column: LogTextSpan(strings.column, offset: offset),
            value: LogTextSpan(decoded.value, offset: offset), context: LogTextSpan(decoded.context, offset: offset),
            author: LogTextSpan(strings.author, offset: offset),
            note: strings.note.map { LogTextSpan($0, offset: offset) },
            prev: decoded.prev.map { LogTextSpan($0, offset: offset) },
            line: LogTextSpan(0..<line.count, offset: offset))
    }

    /// Adds an operation by writing its texts.
    mutating func add(_ operation: SyncOperation) -> LogTextSpans {
        writer.reset()
        writer.write(operation.value.json)
        let value = append(writer.bytes)
        writer.reset()
        SyncOperation.write(context: operation.context, to: &writer)
        let context = append(writer.bytes)
        return LogTextSpans(
            origin: append(operation.dot.origin.utf8), table: append(operation.key.table.utf8),
            row: append(operation.key.row.utf8), column: append(operation.key.column.utf8), value: value,
            context: context, author: append(operation.author.utf8), note: operation.note.map { append($0.utf8) },
            prev: operation.prev.map { prev in append(prev.withUnsafeBufferPointer { Hex.digits($0) }) })
    }

    private mutating func append(_ text: some Collection<UInt8>) -> LogTextSpan {
        let start = bytes.count
        bytes.append(contentsOf: text)
        return LogTextSpan(start..<bytes.count, offset: 0)
    }

    /// How many bytes were added since the last ``finish()``.
    var count: Int { bytes.count }

    /// The block of everything added, and a fresh start.
    mutating func finish() -> LogTexts {
        let texts = LogTexts(bytes)
        bytes.removeAll(keepingCapacity: true)
        return texts
    }
}
