import SyncCore

/// Writes the operation lines of one push or pull batch (`protocol/PROTOCOL.md` §11.2): members equal
/// to the batch's defaults are left out, and so is `prev` when the line before is the same origin's
/// previous operation, whose hash the reader computes, and in a version 7 session `seq` too, which is
/// the one before plus one. A night's batch is mostly one origin in sequence, so the chain costs about
/// one hash per batch on the wire, not one per operation.
public struct BatchWriter {
    /// The batch's defaults, sent in its header.
    public let defaults: OperationDefaults?
    /// Whether a line after its predecessor leaves out `seq` (the session speaks version 7).
    public let omitsSeq: Bool
    private var previous: SyncOperation?

    /// Creates a writer for a batch with these defaults; `omitsSeq` when the peer reads lines without
    /// `seq` (``WireLimits/compactProtocolVersion``).
    public init(defaults: OperationDefaults?, omitsSeq: Bool = false) {
        self.defaults = defaults
        self.omitsSeq = omitsSeq
    }

    /// The next operation's line.
    public mutating func line(_ op: SyncOperation) -> String {
        defer { previous = op }
        let implied = previous.flatMap { $0.dot.origin == op.dot.origin && $0.dot.seq + 1 == op.dot.seq ? $0 : nil }
        let member: OperationDefaults.PrevMember
        if let implied {
            // Hashing the line before costs one serialisation; it saves 74 bytes on the wire.
            let hash = implied.hash
            member = op.prev == hash ? .omitted : op.prev.map(OperationDefaults.PrevMember.hash) ?? .null
        } else {
            member = op.prev.map(OperationDefaults.PrevMember.hash) ?? .omitted
        }
        return (defaults ?? OperationDefaults()).line(op, prev: member, writesSeq: implied == nil || !omitsSeq)
    }
}

/// Reads the operation lines of one batch, completing what ``BatchWriter`` left out.
public struct BatchReader {
    /// The batch's defaults, from its header.
    public let defaults: OperationDefaults?
    private var previous: SyncOperation?
    /// Whether the last operation read left out `prev` and took the hash of the line before it (the
    /// same origin's previous operation): its link to that operation holds by construction.
    public private(set) var lastLinked = false

    /// Creates a reader for a batch with these defaults.
    public init(defaults: OperationDefaults?) { self.defaults = defaults }

    /// The next operation, from its line.
    /// - Throws: ``WireError`` (`bad-operation`) when the line is not a complete operation once filled
    ///   in, or `out-of-order` when it is a message.
    public mutating func read(_ line: WireLine) throws(WireError) -> SyncOperation {
        let op: SyncOperation
        var prevLeftOut = false
        switch line {
        case .operation(let complete):
            op = complete
        case .partialOperation(var object):
            prevLeftOut = object["prev"] == nil
            if object["seq"] == nil {
                // Left out after its predecessor (version 7): the line before is the same origin's.
                let origin = object["origin"]?.string ?? defaults?.origin
                guard let previous, previous.dot.origin == origin, previous.dot.seq < SyncOperation.maxSeq else {
                    throw WireError(
                        .badOperation, "an operation line leaves out seq but the line before is not of its origin")
                }
                object["seq"] = .int(Int64(previous.dot.seq + 1))
            }
            op = try (defaults ?? OperationDefaults()).complete(object)
        case .message(let message):
            throw WireError(.outOfOrder, "a \(message.typeName) message inside a batch, before its operations ended")
        }
        return follow(op, prevLeftOut: prevLeftOut)
    }

    /// The next operation, read straight from its line's bytes when the line is in the layout
    /// ``BatchWriter`` writes (``OperationLine/decodeBatchLine(_:omitted:)``): no JSON tree is built.
    /// Nil for any other line (a message, another layout, an invalid line), and nothing is consumed: the
    /// caller reads it with ``WireLine`` and ``read(_:)``, which accept or refuse it with the same words.
    /// Whatever this reads, those read as the same operation (`BatchLineTests`).
    public mutating func read(bytes line: UnsafeRawBufferPointer) -> SyncOperation? {
        let omitted = OperationLine.Omitted(
            origin: defaults?.origin, author: defaults?.author, wallMs: defaults?.wallMs, previous: previous?.dot)
        guard LineLimit.fits(contentBytes: line.count),
            let (decoded, prevLeftOut) = OperationLine.decodeBatchLine(line, omitted: omitted)
        else { return nil }
        return follow(decoded.operation, prevLeftOut: prevLeftOut)
    }

    /// Takes `prev` from the line before when the line left it out and that line is the same origin's
    /// previous operation, and remembers the operation for the next line.
    private mutating func follow(_ read: SyncOperation, prevLeftOut: Bool) -> SyncOperation {
        var op = read
        lastLinked = false
        if prevLeftOut, let previous, previous.dot.origin == op.dot.origin, previous.dot.seq + 1 == op.dot.seq {
            op.prev = previous.hash
            lastLinked = true
        }
        previous = op
        return op
    }
}
