import SyncCore

/// A local change to one row: new values for some of its columns. Include the tombstone column
/// (``SyncCore/tombstoneColumn``) with `true` to delete the row or `false` to restore it.
public struct RowChange: Sendable, Hashable {
    /// The table.
    public var table: String
    /// The row id.
    public var row: String
    /// The new values by column.
    public var values: [String: FieldValue]

    /// Creates a change.
    public init(table: String, row: String, values: [String: FieldValue]) {
        self.table = table
        self.row = row
        self.values = values
    }

    /// A change that deletes the row.
    public static func delete(table: String, row: String) -> RowChange {
        RowChange(table: table, row: row, values: [tombstoneColumn: .bool(true)])
    }
}

extension ReplicaStore {
    /// Writes local changes in one transaction: each column written gets this replica's next dot and
    /// the field's current vector as context (a tombstone gets the join of the row's vectors, and is
    /// written after the row's other columns). Writing a field in conflict resolves it. A value is
    /// written in its column's canonical form (``ReplicatedSchema/canonical(_:table:column:)``: an
    /// integer in a column declared real is written as a real).
    ///
    /// - Returns: the operations written, in order.
    @discardableResult
    public func write(_ changes: [RowChange], author: String, note: String? = nil) throws -> [SyncOperation] {
        try queue.write { db in
            let applier = try Applier(
                db, schema: schema, recordedMs: clock(), rowCacheLimit: rowCacheLimit, summaries: summaries)
            let written = try writeLocal(changes, through: applier, author: author, note: note)
            try applier.finish()
            return written
        }
    }

    /// Writes local changes through an applier inside the caller's transaction (see ``write(_:author:note:)``).
    func writeLocal(_ changes: [RowChange], through applier: Applier, author: String, note: String?) throws
        -> [SyncOperation]
    {
        var next = applier.summary.origins[replicaID]?.upperBound ?? 0
        // Each new operation names the hash of this replica's previous one.
        var prev: [UInt8]?
        if let head = applier.localHead, head.seq == next {
            prev = head.hash
        } else if next > 0 {
            prev = try Self.loggedOperation(applier.db, dot: Dot(origin: replicaID, seq: next))?.operation.hash
        }
        let wallMs = clock()
        var written: [SyncOperation] = []
        for change in changes {
            let key = RowKey(table: change.table, row: change.row)
            let columns =
                change.values.keys.filter { $0 != tombstoneColumn }.sorted()
                + (change.values[tombstoneColumn] == nil ? [] : [tombstoneColumn])
            for column in columns {
                next += 1
                let state = try applier.state(of: key)
                let op = SyncOperation(
                    dot: Dot(origin: replicaID, seq: next),
                    key: FieldKey(table: change.table, row: change.row, column: column),
                    value: schema.canonical(change.values[column]!, table: change.table, column: column),
                    context: state.context(forWriting: column), author: author,
                    wallMs: wallMs, note: note, prev: prev)
                try Self.checkSendable(op)
                try applier.apply(op)
                written.append(op)
                prev = op.hash
                applier.localHead = (next, prev!)
            }
        }
        return written
    }

    /// Refuses a local write that other replicas would refuse: every operation must read back through
    /// the wire rules and fit on one line.
    static func checkSendable(_ op: SyncOperation) throws {
        var writer = JSONWriter()
        op.write(to: &writer)
        guard LineLimit.fits(contentBytes: writer.bytes.count) else {
            throw ReplicaError.invalidWrite(
                "the operation's line is longer than \(LineLimit.maximumBytes) bytes, its newline included")
        }
        do {
            _ = try SyncOperation(line: writer.bytes)
        } catch {
            throw ReplicaError.invalidWrite(error.description)
        }
    }

    /// Applies operations received from elsewhere in one transaction; already-held dots are skipped.
    /// - Returns: how many were new.
    @discardableResult
    public func apply(_ operations: [SyncOperation]) throws -> Int {
        try queue.write { db in
            let applier = try Applier(
                db, schema: schema, recordedMs: clock(), rowCacheLimit: rowCacheLimit, summaries: summaries)
            for op in operations { try applier.apply(op) }
            try applier.finish()
            return applier.applied
        }
    }
}
