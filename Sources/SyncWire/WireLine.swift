import SyncCore

/// One received line: a session message or an operation.
public enum WireLine: Sendable {
    /// A message.
    case message(WireMessage)
    /// An operation (`"type":"op"`).
    case operation(SyncOperation)
    /// An operation line that leaves out `origin`, `author` or `wall_ms` (to be completed from its
    /// batch's ``OperationDefaults``), or `seq` or `prev` (to be taken from the line before): read it with a
    /// ``BatchReader``.
    case partialOperation(JSONObject)

    /// Reads one line (without its `\n`).
    /// - Throws: ``WireError`` with the code to answer.
    public init(bytes: some Collection<UInt8>) throws(WireError) {
        guard LineLimit.fits(contentBytes: bytes.count) else { throw WireError.lineOverLimit }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw WireError(.badJSON, error.description)
        }
        if let object = json.object, object["type"]?.string == "op" {
            do {
                let op = try SyncOperation(json: json)
                // A line that leaves out `prev` takes it from its batch (``BatchReader``).
                self = object["prev"] == nil && op.dot.seq > 1 ? .partialOperation(object) : .operation(op)
            } catch {
                guard object["origin"] == nil || object["author"] == nil || object["wall_ms"] == nil else {
                    // Only `seq` left out (version 7): the rest must already make an operation, at the
                    // largest seq (every context entry of its own origin is below it).
                    var probe = object
                    probe["seq"] = .int(Int64(SyncOperation.maxSeq))
                    guard object["seq"] == nil, (try? SyncOperation(json: .object(probe))) != nil else {
                        throw WireError(.badOperation, error.description)
                    }
                    self = .partialOperation(object)
                    return
                }
                self = .partialOperation(object)
            }
        } else {
            self = .message(try WireMessage(json: json))
        }
    }

    /// Whether the line is a message (not an operation).
    public var isMessage: Bool { if case .message = self { return true } else { return false } }

    /// The line's text (without `\n`).
    public var text: String {
        switch self {
        case .message(let message): return message.line
        case .operation(let op): return op.jsonLine
        case .partialOperation(let object):
            return JSONWriter.string(.object(object))
        }
    }
}
