/// Why a JSON object is not a valid operation. `field` names the offending member.
public struct OperationFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The member that is wrong (`seq`, `context`, …).
    public var field: String
    /// What is wrong with it, in English.
    public var reason: String

    /// Creates an error.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "operation field \"\(field)\": \(reason)" }
}

extension SyncOperation {
    /// The most entries a context may have: far more replicas than a district has, few enough that a
    /// hostile line cannot make a field's vector huge.
    public static let maxContextEntries = 1024

    /// The largest sequence number accepted: 2^53 − 1, so that every JSON implementation reads it exactly.
    public static let maxSeq: UInt64 = (1 << 53) - 1

    /// Decodes the wire form of an operation (`protocol/PROTOCOL.md`, "The operation object").
    ///
    /// Unknown members are ignored, so that a later version may add some.
    /// - Throws: ``OperationFormatError`` naming the first member that is missing or wrong.
    public init(json: JSONValue) throws(OperationFormatError) {
        guard case .object(let object) = json else { throw OperationFormatError(field: "", reason: "not an object") }
        guard object["type"]?.string == "op" else {
            throw OperationFormatError(field: "type", reason: "must be \"op\"")
        }
        func text(_ name: String) throws(OperationFormatError) -> String {
            guard let value = object[name]?.string else {
                throw OperationFormatError(field: name, reason: "must be a string")
            }
            return value
        }
        func sequence(_ value: JSONValue?, _ name: String) throws(OperationFormatError) -> UInt64 {
            guard let number = value?.int, number >= 1, UInt64(number) <= SyncOperation.maxSeq else {
                throw OperationFormatError(field: name, reason: "must be an integer from 1 to 2^53-1")
            }
            return UInt64(number)
        }
        let origin = try text("origin")
        guard Identifiers.isReplicaID(origin) else {
            throw OperationFormatError(
                field: "origin", reason: "not a replica id (a-z, 0-9, '.', '_', '-', at most 64)")
        }
        let seq = try sequence(object["seq"], "seq")
        let table = try text("table")
        guard Identifiers.isName(table) else { throw OperationFormatError(field: "table", reason: "not a table name") }
        let row = try text("row")
        guard Identifiers.isRowID(row) else {
            throw OperationFormatError(field: "row", reason: "must be 1-512 bytes without control characters")
        }
        let column = try text("column")
        guard Identifiers.isName(column) else {
            throw OperationFormatError(field: "column", reason: "not a column name")
        }
        guard let member = object["value"], let value = FieldValue(json: member) else {
            throw OperationFormatError(field: "value", reason: "must be null, a boolean, a number or a string")
        }
        let context: VersionVector
        do {
            context = try VersionVector(json: object["context"] ?? .null, rules: .wire)
        } catch {
            switch error {
            case .notAnObject:
                throw OperationFormatError(field: "context", reason: "must be an object of replica id to sequence")
            case .tooManyEntries(let limit):
                throw OperationFormatError(field: "context", reason: "more than \(limit) entries")
            case .notAReplicaID(let replica):
                throw OperationFormatError(field: "context", reason: "\"\(replica)\" is not a replica id")
            case .badSequence:
                throw OperationFormatError(field: "context", reason: "must be an integer from 1 to 2^53-1")
            }
        }
        if context[origin] >= seq {
            throw OperationFormatError(field: "context", reason: "covers the operation's own dot \(origin):\(seq)")
        }
        if column == tombstoneColumn, value.bool == nil {
            throw OperationFormatError(field: "value", reason: "the tombstone \(tombstoneColumn) takes true or false")
        }
        let author = try text("author")
        guard author.utf8.count <= 256 else {
            throw OperationFormatError(field: "author", reason: "longer than 256 bytes")
        }
        guard let wallMs = object["wall_ms"]?.int else {
            throw OperationFormatError(field: "wall_ms", reason: "must be an integer (milliseconds since 1970)")
        }
        var note: String?
        switch object["note"] {
        case nil, .null?: note = nil
        case .string(let value)?: note = value
        default: throw OperationFormatError(field: "note", reason: "must be a string or null")
        }
        var prev: [UInt8]?
        switch object["prev"] {
        case nil, .null?: prev = nil
        case .string(let text)?:
            if text.utf8.count == 64, let bytes = Hex.bytes(text), text == bytes.hexString { prev = bytes }
        default: break
        }
        if object["prev"] != nil, object["prev"] != .null, prev == nil {
            throw OperationFormatError(
                field: "prev",
                reason: "must be null or the SHA-256 of the origin's previous operation, in 64 lowercase hex digits")
        }
        if prev != nil, seq == 1 {
            throw OperationFormatError(field: "prev", reason: "an origin's first operation has no previous one")
        }
        self.init(
            dot: Dot(origin: origin, seq: seq), key: FieldKey(table: table, row: row, column: column), value: value,
            context: context, author: author, wallMs: wallMs, note: note, prev: prev)
    }

    /// Decodes one operation line (without its newline).
    public init(line: some Collection<UInt8>) throws(OperationLineError) {
        let json: JSONValue
        do { json = try JSONParser.parse(line) } catch { throw .json(error) }
        do { try self.init(json: json) } catch { throw .format(error) }
    }

    /// Appends the wire form, members in the order of the specification, to `writer`.
    public func write(to writer: inout JSONWriter) {
        let value = value
        SyncOperation.writeLine(
            origin: dot.origin, seq: dot.seq, table: key.table, row: key.row, column: key.column,
            value: { $0.write(value.json) }, context: { SyncOperation.write(context: context, to: &$0) },
            author: author, wallMs: wallMs, note: note, prev: prev, to: &writer)
    }

    /// Appends the context object `{"replica":seq,…}` (entries sorted by replica) to `writer`.
    public static func write(context: VersionVector, to writer: inout JSONWriter) {
        writer.append(byte: UInt8(ascii: "{"))
        for (position, entry) in context.entries.enumerated() {
            if position > 0 { writer.append(byte: UInt8(ascii: ",")) }
            writer.write(string: entry.replica)
            writer.append(byte: UInt8(ascii: ":"))
            writer.write(int: Int64(entry.seq))
        }
        writer.append(byte: UInt8(ascii: "}"))
    }

    /// Appends an operation's wire form from parts whose value (and optionally context) are already
    /// JSON text, as a replica stores them: exporting a log needs no re-parsing.
    public static func writeLine(
        origin: String, seq: UInt64, table: String, row: String, column: String, rawValue: some Sequence<UInt8>,
        context: VersionVector? = nil, rawContext: (some Sequence<UInt8>)? = [UInt8]?.none, author: String,
        wallMs: Int64, note: String?, prev: [UInt8]?, to writer: inout JSONWriter
    ) {
        writeLine(
            origin: origin, seq: seq, table: table, row: row, column: column, value: { $0.append(raw: rawValue) },
            context: { writer in
                if let rawContext {
                    writer.append(raw: rawContext)
                } else {
                    write(context: context ?? VersionVector(), to: &writer)
                }
            }, author: author, wallMs: wallMs, note: note, prev: prev, to: &writer)
    }

    /// The line's members in the order of the specification, the value and the context written by
    /// the caller's closures.
    private static func writeLine(
        origin: String, seq: UInt64, table: String, row: String, column: String, value: (inout JSONWriter) -> Void,
        context: (inout JSONWriter) -> Void, author: String, wallMs: Int64, note: String?, prev: [UInt8]?,
        to writer: inout JSONWriter
    ) {
        writer.append(raw: #"{"type":"op","origin":"#.utf8)
        writer.write(string: origin)
        writer.append(raw: #","seq":"#.utf8)
        writer.write(int: Int64(seq))
        writer.append(raw: #","table":"#.utf8)
        writer.write(string: table)
        writer.append(raw: #","row":"#.utf8)
        writer.write(string: row)
        writer.append(raw: #","column":"#.utf8)
        writer.write(string: column)
        writer.append(raw: #","value":"#.utf8)
        value(&writer)
        writer.append(raw: #","context":"#.utf8)
        context(&writer)
        writer.append(raw: #","author":"#.utf8)
        writer.write(string: author)
        writer.append(raw: #","wall_ms":"#.utf8)
        writer.write(int: wallMs)
        if let note {
            writer.append(raw: #","note":"#.utf8)
            writer.write(string: note)
        }
        if let prev {
            writer.append(raw: #","prev":""#.utf8)
            writer.append(hex: prev)
            writer.append(byte: UInt8(ascii: "\""))
        }
        writer.append(byte: UInt8(ascii: "}"))
    }

    /// The wire form as a string (one line, no newline).
    public var jsonLine: String {
        var writer = JSONWriter()
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// Why one line could not be read as an operation: not JSON, or JSON of the wrong shape.
public enum OperationLineError: Error, Equatable, Sendable, CustomStringConvertible {
    case json(JSONParseError)
    case format(OperationFormatError)

    public var description: String {
        switch self {
        case .json(let error): return "not valid JSON: \(error)"
        case .format(let error): return error.description
        }
    }
}
