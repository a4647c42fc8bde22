import SyncCore

/// Members shared by the operations of one push or pull batch, sent once in the batch's header: an
/// operation line of the batch may leave out `origin`, `author` and `wall_ms` when they equal these
/// (`protocol/PROTOCOL.md` §11.2). A commune's night is mostly one origin, one author and few clock
/// readings, so this saves about a third of the bytes on the wire.
public struct OperationDefaults: Hashable, Sendable {
    /// The origin most operations of the batch have.
    public var origin: String?
    /// The author most operations of the batch have.
    public var author: String?
    /// The wall-clock time most operations of the batch have.
    public var wallMs: Int64?

    /// Creates defaults.
    public init(origin: String? = nil, author: String? = nil, wallMs: Int64? = nil) {
        self.origin = origin
        self.author = author
        self.wallMs = wallMs
    }

    /// The most frequent origin, author and time of `operations`; nil when there is none.
    public static func common(_ operations: some Collection<SyncOperation>) -> OperationDefaults? {
        guard !operations.isEmpty else { return nil }
        func mostFrequent<T: Hashable>(_ values: [T]) -> T? {
            var counts: [T: Int] = [:]
            for value in values { counts[value, default: 0] += 1 }
            return counts.max { $0.value < $1.value || ($0.value == $1.value && "\($0.key)" > "\($1.key)") }?.key
        }
        // Authors are counted by their bytes: two spellings of one name (composed or decomposed accents,
        // from two input methods) are two authors, each kept as written.
        let author = mostFrequent(operations.map { Array($0.author.utf8) }).map { String(decoding: $0, as: UTF8.self) }
        return OperationDefaults(
            origin: mostFrequent(operations.map(\.dot.origin)), author: author,
            wallMs: mostFrequent(operations.map(\.wallMs)))
    }

    /// How an operation line writes `prev`.
    public enum PrevMember: Sendable {
        /// Left out: the reader takes it from the batch (``BatchReader``).
        case omitted
        /// `"prev":null`: the operation names no previous one.
        case null
        /// The hash, in hex.
        case hash([UInt8])
    }

    /// The operation's line, leaving out the members equal to these defaults; `prev` is written as
    /// the operation has it unless `prev` says otherwise, and `seq` is left out when `writesSeq` is
    /// false (the line before is the same origin's previous operation, version 7).
    public func line(_ op: SyncOperation, prev: PrevMember? = nil, writesSeq: Bool = true) -> String {
        var writer = JSONWriter(capacity: 256)
        writer.append(raw: #"{"type":"op""#.utf8)
        if op.dot.origin != origin {
            writer.append(raw: #","origin":"#.utf8)
            writer.write(string: op.dot.origin)
        }
        if writesSeq {
            writer.append(raw: #","seq":"#.utf8)
            writer.write(int: Int64(op.dot.seq))
        }
        writer.append(raw: #","table":"#.utf8)
        writer.write(string: op.key.table)
        writer.append(raw: #","row":"#.utf8)
        writer.write(string: op.key.row)
        writer.append(raw: #","column":"#.utf8)
        writer.write(string: op.key.column)
        writer.append(raw: #","value":"#.utf8)
        writer.write(op.value.json)
        writer.append(raw: #","context":"#.utf8)
        SyncOperation.write(context: op.context, to: &writer)
        // By bytes, not by Swift's `==`, which equates composed and decomposed accents: a line that left
        // out an author spelled otherwise than the default would be read back with the default's bytes.
        if author.map({ !bytesEqual(op.author, $0) }) ?? true {
            writer.append(raw: #","author":"#.utf8)
            writer.write(string: op.author)
        }
        if op.wallMs != wallMs {
            writer.append(raw: #","wall_ms":"#.utf8)
            writer.write(int: op.wallMs)
        }
        if let note = op.note {
            writer.append(raw: #","note":"#.utf8)
            writer.write(string: note)
        }
        switch prev ?? op.prev.map(PrevMember.hash) ?? .omitted {
        case .omitted: break
        case .null: writer.append(raw: #","prev":null"#.utf8)
        case .hash(let hash):
            writer.append(raw: #","prev":""#.utf8)
            writer.append(raw: hash.hexString.utf8)
            writer.append(byte: UInt8(ascii: "\""))
        }
        writer.append(byte: UInt8(ascii: "}"))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Reads an operation line's object, filling the members it leaves out from these defaults.
    /// - Throws: ``WireError`` (`bad-operation`) when it is still not a valid operation.
    public func complete(_ object: JSONObject) throws(WireError) -> SyncOperation {
        var filled = object
        if filled["origin"] == nil, let origin { filled["origin"] = .string(origin) }
        if filled["author"] == nil, let author { filled["author"] = .string(author) }
        if filled["wall_ms"] == nil, let wallMs { filled["wall_ms"] = .int(wallMs) }
        do {
            return try SyncOperation(json: .object(filled))
        } catch {
            throw WireError(.badOperation, error.description)
        }
    }

    var json: JSONValue {
        var object = JSONObject()
        if let origin { object["origin"] = .string(origin) }
        if let author { object["author"] = .string(author) }
        if let wallMs { object["wall_ms"] = .int(wallMs) }
        return .object(object)
    }

    init?(json: JSONValue?, of type: String) throws(WireError) {
        guard let json, json != .null else { return nil }
        guard let object = json.object else {
            throw WireError(.badMessage, "\"defaults\" of \(type) must be an object")
        }
        switch object["origin"] {
        case nil: origin = nil
        case .string(let value) where Identifiers.isReplicaID(value): origin = value
        default: throw WireError(.badMessage, "\"defaults.origin\" of \(type) must be a replica id")
        }
        switch object["author"] {
        case nil: author = nil
        case .string(let value): author = value
        default: throw WireError(.badMessage, "\"defaults.author\" of \(type) must be a string")
        }
        switch object["wall_ms"] {
        case nil: wallMs = nil
        case .int(let value): wallMs = value
        default: throw WireError(.badMessage, "\"defaults.wall_ms\" of \(type) must be an integer")
        }
    }
}
