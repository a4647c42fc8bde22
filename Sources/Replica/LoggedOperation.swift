import GRDB
import SyncCore

/// An operation as read back from the log, with its local arrival position.
public struct LoggedOperation: Sendable, Hashable {
    /// The position in this replica's log (arrival order; local, not replicated).
    public var position: Int64
    /// The operation.
    public var operation: SyncOperation
}

extension LoggedOperation {
    /// The log columns ``reading(_:)`` reads, in its order.
    static let columns = "pos, origin, seq, tbl, row, col, value, context, author, wall_ms, note, prev"

    /// Reads a row selected with ``columns``.
    /// - Throws: ``JSONParseError`` saying why the row cannot be read (see ``reading(_:)``).
    init(row: Row) throws {
        let reading = Self.reading(row)
        self.init(position: reading.position, operation: try reading.operation.get())
    }

    /// The one decoder of a log row selected with ``columns``, read by position (a lookup by name costs
    /// a lower-casing per column and row). It never traps: a damaged row gives its place as far as it
    /// reads and the reason it is not an operation, which ``ReplicaStore/verifyIntegrity()`` reports and
    /// every other reader throws.
    static func reading(_ row: Row) -> LogRowReading {
        let seq = Int64.fromDatabaseValue(row[2]) ?? 0
        let key = RowKey(table: text(row[3]), row: text(row[4]))
        let dot = Dot(origin: text(row[1]), seq: UInt64(max(0, seq)))
        let operation = Result { () throws(JSONParseError) -> SyncOperation in
            guard seq > 0 else { throw JSONParseError("seq is not a positive integer", at: 0) }
            guard let column = String.fromDatabaseValue(row[5]) else { throw JSONParseError("col is not text", at: 0) }
            guard let valueText = String.fromDatabaseValue(row[6]),
                let value = FieldValue(json: try JSONParser.parse(valueText))
            else { throw JSONParseError("value is not a JSON scalar", at: 0) }
            guard let contextText = String.fromDatabaseValue(row[7]) else {
                throw JSONParseError("context is not a JSON object", at: 0)
            }
            let contextJSON = try JSONParser.parse(contextText)
            let context: VersionVector
            do throws(VersionVectorFormatError) {
                context = try VersionVector(json: contextJSON, rules: .stored)
            } catch {
                switch error {
                case .badSequence(let replica), .notAReplicaID(let replica):
                    throw JSONParseError("context entry \(replica) is not a positive integer", at: 0)
                case .notAnObject, .tooManyEntries:
                    throw JSONParseError("context is not a JSON object", at: 0)
                }
            }
            guard let wallMs = Int64.fromDatabaseValue(row[9]) else {
                throw JSONParseError("wall_ms is not an integer", at: 0)
            }
            guard let author = String.fromDatabaseValue(row[8]) else {
                throw JSONParseError("author is not text", at: 0)
            }
            let note = row[10] as DatabaseValue
            guard note.isNull || String.fromDatabaseValue(note) != nil else {
                throw JSONParseError("note is not text", at: 0)
            }
            return SyncOperation(
                dot: dot, key: FieldKey(table: key.table, row: key.row, column: column), value: value,
                context: context, author: author, wallMs: wallMs, note: String.fromDatabaseValue(note),
                prev: String.fromDatabaseValue(row[11]).flatMap(Hex.bytes))
        }
        return LogRowReading(position: Int64.fromDatabaseValue(row[0]) ?? 0, dot: dot, key: key, operation: operation)
    }

    /// A text column, or a readable rendering of whatever else is stored there.
    static func text(_ value: DatabaseValue) -> String { String.fromDatabaseValue(value) ?? value.description }
}

/// One log row as ``LoggedOperation/reading(_:)`` read it: where it is, always, and the operation or
/// why the row is not one.
struct LogRowReading {
    /// The log position (0 when it is not an integer).
    var position: Int64
    /// The dot as far as it reads (the sequence is 0 when it is not a positive integer).
    var dot: Dot
    /// The row the operation writes, as far as it reads.
    var key: RowKey
    /// The operation, or why the row cannot be read as one.
    var operation: Result<SyncOperation, JSONParseError>
}
