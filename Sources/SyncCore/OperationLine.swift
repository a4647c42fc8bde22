#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An operation read straight from the bytes of its canonical line, without building a JSON tree.
///
/// Nearly every operation line a replica reads was written by ``SyncOperation/writeLine`` (members in
/// the order of the specification, no whitespace, strings without escapes, integers, the context's
/// entries sorted): ``decodeCanonical(_:)`` reads exactly that layout in one pass and hands back, with
/// the operation, where the value, the context and `prev` sit in the line, so that a log can store their
/// text as it is. Anything else (another member order, whitespace, an escape, a real number, an unknown
/// member, a `"note":null`, a line that is not valid) gives nil, and the caller reads the line with the
/// general parser and ``SyncOperation/init(json:)``, which accepts or refuses it and says why.
///
/// Whatever this decoder accepts, the general path accepts too and reads as the same operation; the
/// line is then byte for byte the operation's ``SyncOperation/jsonLine`` (`OperationLineTests` checks
/// both on generated and mutated lines).
public struct OperationLine: Sendable {
    /// The operation.
    public var operation: SyncOperation
    /// Where the value's JSON text is in the line (canonical: as ``JSONWriter`` writes it).
    public var value: Range<Int>
    /// Where the context's JSON text is (canonical: entries sorted by replica id).
    public var context: Range<Int>
    /// Where `prev`'s 64 hex digits are (inside the quotes), or nil when the line has no `prev`.
    public var prev: Range<Int>?
    /// Where the text of each string member is, inside its quotes (with no escapes, it is the text's
    /// UTF-8 as it is): `origin`, `table`, `row`, `column`, `author`, and `note` when present.
    public var strings: Strings

    /// The places of the string members in the line.
    public struct Strings: Sendable {
        /// The origin's text.
        public var origin: Range<Int>
        /// The table's.
        public var table: Range<Int>
        /// The row's.
        public var row: Range<Int>
        /// The column's.
        public var column: Range<Int>
        /// The author's.
        public var author: Range<Int>
        /// The note's, when the line has one.
        public var note: Range<Int>?
    }

    /// Reads `line` (without its newline) when it is an operation in the canonical layout; nil otherwise.
    public static func decodeCanonical(_ line: UnsafeRawBufferPointer) -> OperationLine? {
        var scanner = Scanner(bytes: line)
        return scanner.operation()?.0
    }

    /// What a line of a session's batch may leave out (protocol §11.2): `origin`, `author` and `wall_ms`
    /// are the batch's defaults, `seq` follows the operation on the line before when it is the same
    /// origin's (version 7).
    public struct Omitted: Sendable {
        /// The batch's default origin.
        public var origin: String?
        /// The batch's default author.
        public var author: String?
        /// The batch's default time.
        public var wallMs: Int64?
        /// The operation on the line before, if any.
        public var previous: Dot?

        /// Creates what a batch's lines may leave out.
        public init(origin: String?, author: String?, wallMs: Int64?, previous: Dot?) {
            self.origin = origin
            self.author = author
            self.wallMs = wallMs
            self.previous = previous
        }
    }

    /// Reads a batch's operation line in the layout its writer uses (the canonical order, any of
    /// `origin`, `seq`, `author`, `wall_ms` and `prev` left out, `"prev":null` allowed), filling what it
    /// leaves out from `omitted`. `prevLeftOut` says that the line has no `prev` member, which the reader
    /// then takes from the line before. Nil for any other line, which the caller reads with the general
    /// parser. The ranges of members left out are empty; the line is not the operation's canonical line.
    public static func decodeBatchLine(_ line: UnsafeRawBufferPointer, omitted: Omitted) -> (
        line: OperationLine, prevLeftOut: Bool
    )? {
        var scanner = Scanner(bytes: line)
        return scanner.operation(omitted: omitted)
    }
}

/// One pass over a line in the canonical layout; every method returns nil (or false) at the first byte
/// that is not where the layout puts it.
private struct Scanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    /// Where the last string read is, inside its quotes.
    var lastString = 0..<0

    mutating func operation(omitted: OperationLine.Omitted? = nil) -> (OperationLine, prevLeftOut: Bool)? {
        guard skip(#"{"type":"op""#), let (origin, originRange) = text(#","origin":"#, or: omitted?.origin),
            Identifiers.isReplicaID(origin)
        else { return nil }
        let seq: UInt64
        if skip(#","seq":"#) {
            guard let number = integer(), number >= 1, UInt64(number) <= SyncOperation.maxSeq else { return nil }
            seq = UInt64(number)
        } else {
            // Left out after the same origin's previous operation (protocol version 7).
            guard let previous = omitted?.previous, previous.origin == origin, previous.seq < SyncOperation.maxSeq
            else { return nil }
            seq = previous.seq + 1
        }
        guard skip(#","table":"#), let table = string(), Identifiers.isName(table) else { return nil }
        let tableRange = lastString
        guard skip(#","row":"#), let row = string(), Identifiers.isRowID(row) else { return nil }
        let rowRange = lastString
        guard skip(#","column":"#), let column = string(), Identifiers.isName(column) else { return nil }
        let columnRange = lastString
        guard skip(#","value":"#) else { return nil }
        let valueStart = index
        guard let value = scalar() else { return nil }
        let valueRange = valueStart..<index
        guard skip(#","context":"#) else { return nil }
        let contextStart = index
        guard let context = versionVector() else { return nil }
        let contextRange = contextStart..<index
        guard context[origin] < seq, column != tombstoneColumn || value.bool != nil else { return nil }
        guard let (author, authorRange) = text(#","author":"#, or: omitted?.author), author.utf8.count <= 256 else {
            return nil
        }
        let wallMs: Int64
        if skip(#","wall_ms":"#) {
            guard let number = integer() else { return nil }
            wallMs = number
        } else {
            guard let number = omitted?.wallMs else { return nil }
            wallMs = number
        }
        var note: String?
        var noteRange: Range<Int>?
        if skip(#","note":"#) {
            guard let text = string() else { return nil }
            note = text
            noteRange = lastString
        }
        var prev: [UInt8]?
        var prevRange: Range<Int>?
        var prevLeftOut = false
        if skip(#","prev":""#) {
            guard seq > 1, index + 65 <= bytes.count, bytes[index + 64] == UInt8(ascii: "\""),
                let hash = hash(at: index)
            else { return nil }
            prev = hash
            prevRange = index..<index + 64
            index += 65
        } else if omitted == nil || !skip(#","prev":null"#) {
            prevLeftOut = true
        }
        guard skip("}"), index == bytes.count else { return nil }
        let operation = SyncOperation(
            dot: Dot(origin: origin, seq: seq), key: FieldKey(table: table, row: row, column: column), value: value,
            context: context, author: author, wallMs: wallMs, note: note, prev: prev)
        let strings = OperationLine.Strings(
            origin: originRange, table: tableRange, row: rowRange, column: columnRange, author: authorRange,
            note: noteRange)
        return (
            OperationLine(
                operation: operation, value: valueRange, context: contextRange, prev: prevRange, strings: strings),
            prevLeftOut
        )
    }

    /// The string member whose `,"name":` is `key` and where its text is, or, when the line leaves the
    /// member out, `omitted` (the batch's value) with an empty range.
    mutating func text(_ key: StaticString, or omitted: String?) -> (String, Range<Int>)? {
        guard skip(key) else { return omitted.map { ($0, 0..<0) } }
        return string().map { ($0, lastString) }
    }

    /// Steps over `literal` when the bytes at the cursor are exactly it.
    mutating func skip(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count,
            memcmp(bytes.baseAddress! + index, literal.utf8Start, count) == 0
        else { return false }
        index += count
        return true
    }

    /// A string without escapes or control characters, its UTF-8 valid.
    mutating func string() -> String? {
        guard let range = stringRange() else { return nil }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        var ascii = true
        for byte in slice where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: slice, as: UTF8.self) }
        return String(validating: slice, as: UTF8.self)
    }

    /// The bytes between the quotes of a string without escapes or control characters.
    mutating func stringRange() -> Range<Int>? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        var cursor = start
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                index = cursor + 1
                lastString = start..<cursor
                return lastString
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            cursor += 1
        }
        return nil
    }

    /// An integer as JSON writes it, in range of Int64, not `-0`, not followed by a fraction or exponent.
    mutating func integer() -> Int64? {
        var cursor = index
        let negative = cursor < bytes.count && bytes[cursor] == UInt8(ascii: "-")
        if negative { cursor += 1 }
        let digitsStart = cursor
        var magnitude: UInt64 = 0
        while cursor < bytes.count, bytes[cursor] &- UInt8(ascii: "0") < 10 {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(bytes[cursor] &- UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            magnitude = plus
            cursor += 1
        }
        let count = cursor - digitsStart
        guard count > 0, count == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { return nil }
        if cursor < bytes.count {
            let next = bytes[cursor]
            if next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { return nil }
        }
        let number: Int64
        if negative {
            guard magnitude > 0, magnitude <= UInt64(Int64.max) + 1 else { return nil }
            number = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        } else {
            guard magnitude <= UInt64(Int64.max) else { return nil }
            number = Int64(magnitude)
        }
        index = cursor
        return number
    }

    /// A field value: a string, an integer, `true`, `false` or `null`.
    mutating func scalar() -> FieldValue? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""): return string().map(FieldValue.text)
        case UInt8(ascii: "t"): return skip("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return skip("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return skip("null") ? .null : nil
        default: return integer().map(FieldValue.int)
        }
    }

    /// A context: `{}` or entries `"replica":seq` with replica ids in strictly increasing byte order and
    /// sequences from 1 to 2^53 − 1, at most ``SyncOperation/maxContextEntries``.
    mutating func versionVector() -> VersionVector? {
        guard skip("{") else { return nil }
        var vector = VersionVector()
        if skip("}") { return vector }
        var previous: Range<Int>?
        var count = 0
        while true {
            guard let key = stringRange() else { return nil }
            if let previous, !ascending(previous, key) { return nil }
            previous = key
            count += 1
            let replica = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[key]), as: UTF8.self)
            guard count <= SyncOperation.maxContextEntries, Identifiers.isReplicaID(replica), skip(":"),
                let seq = integer(), seq >= 1, UInt64(seq) <= SyncOperation.maxSeq
            else { return nil }
            vector.raise(replica, to: UInt64(seq))
            if skip("}") { return vector }
            guard skip(",") else { return nil }
        }
    }

    /// Whether the bytes at `lhs` sort strictly before those at `rhs`.
    func ascending(_ lhs: Range<Int>, _ rhs: Range<Int>) -> Bool {
        let common = min(lhs.count, rhs.count)
        let order = memcmp(bytes.baseAddress! + lhs.lowerBound, bytes.baseAddress! + rhs.lowerBound, common)
        return order < 0 || (order == 0 && lhs.count < rhs.count)
    }

    /// The 32 bytes written as 64 lowercase hex digits at `start`.
    func hash(at start: Int) -> [UInt8]? {
        var valid = true
        let result = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            for position in 0..<32 {
                guard let high = Self.digit(bytes[start + 2 * position]),
                    let low = Self.digit(bytes[start + 2 * position + 1])
                else {
                    valid = false
                    count = position
                    return
                }
                buffer[position] = high << 4 | low
            }
            count = 32
        }
        return valid ? result : nil
    }

    /// The value of a lowercase hex digit (the canonical line has no other).
    static func digit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
