import GRDB
import SyncCore

extension ReplicaStore {
    /// The operations `origin` wrote with a sequence number above `seq`, in sequence order, at most
    /// `limit` of them (what a replica pushes to the hub).
    public func operations(origin: String, after seq: UInt64, limit: Int) throws -> [SyncOperation] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(LoggedOperation.columns) FROM oplog WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [origin, Int64(seq), limit]
            ).map { try LoggedOperation(row: $0).operation }
        }
    }

    /// The log after position `position`, in position order, at most `limit` entries (what the hub
    /// scans for a pull). Work grows with the entries returned, not with the size of the log.
    public func logEntries(after position: Int64, limit: Int) throws -> [LoggedOperation] {
        try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(LoggedOperation.columns) FROM oplog WHERE pos > ? ORDER BY pos LIMIT ?",
                arguments: [position, limit]
            ).map(LoggedOperation.init(row:))
        }
    }

    /// The last position of the log and the dot there; nil for an empty log.
    public func logEnd() throws -> (position: Int64, dot: Dot)? {
        try queue.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT pos, origin, seq FROM oplog ORDER BY pos DESC LIMIT 1")
            else { return nil }
            return (row["pos"], Dot(origin: row["origin"], seq: UInt64(row["seq"] as Int64)))
        }
    }

    /// The dot at a log position, if there is an operation there.
    public func dot(atPosition position: Int64) throws -> Dot? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT origin, seq FROM oplog WHERE pos = ?", arguments: [position]).map {
                Dot(origin: $0["origin"], seq: UInt64($0["seq"] as Int64))
            }
        }
    }

    /// The sequence numbers of `origin` held here (one indexed read).
    public func holdings(of origin: String) throws -> SeqRanges {
        try queue.read { db in
            guard
                let text = try String.fetchOne(
                    db, sql: "SELECT ranges FROM holdings WHERE origin = ?", arguments: [origin])
            else { return SeqRanges() }
            return try Summary(json: .object(["o": try JSONParser.parse(text)])).origins["o"] ?? SeqRanges()
        }
    }
}

extension ReplicaStore {
    /// Copies the whole database, consistently, to a new file at `path` (SQLite's online backup), for
    /// a hub's nightly backup.
    public func backup(to path: String) throws {
        let target = try DatabaseQueue(path: path)
        try queue.backup(to: target)
    }
}

/// Which rows a reader may receive: the rows of some owners (a row id equal to the owner or starting
/// with `owner/`) and every row of some tables.
public struct RowScope: Sendable, Hashable {
    /// Owners (commune or district slugs).
    public var owners: [String]
    /// Tables shared whole.
    public var tables: [String]
    /// Whether the scope is every row (a department's or the district office's replica).
    public var isEverything = false

    /// Creates a scope.
    public init(owners: [String], tables: [String]) {
        self.owners = owners
        self.tables = tables
    }

    /// Every row of every table.
    public static var everything: RowScope {
        var scope = RowScope(owners: [], tables: [])
        scope.isEverything = true
        return scope
    }

    /// Whether a row is in the scope.
    public func contains(table: String, row: String) -> Bool {
        isEverything || tables.contains(table) || owners.contains(Self.owner(of: row))
    }

    /// The owner a row id names: the part before the first `/`, or the whole id.
    public static func owner(of row: String) -> String {
        row.firstIndex(of: "/").map { String(row[..<$0]) } ?? row
    }
}

extension ReplicaStore {
    /// The log entries in positions `(after, upTo]` that lie in `scope` and were not written by
    /// `excluding`, in position order, at most `limit`. A scope of some owners and shared tables is read
    /// through the log's row index (`oplog_row`), one range of it per table and owner: the work grows
    /// with the operations on the scope's rows, not with the size of the log, so a hub's pull costs the
    /// same with 30 replicas or 600. Only a scope of everything reads the positions in order.
    public func logEntries(
        after position: Int64, upTo last: Int64, in scope: RowScope, excluding origin: String, limit: Int
    )
        throws -> [LoggedOperation]
    {
        try queue.read { db in
            if scope.isEverything {
                return try Row.fetchAll(
                    db.cachedStatement(sql: Self.everythingSQL), arguments: [position, last, origin, limit]
                ).map(LoggedOperation.init(row:))
            }
            // Each range gives its first `limit` positions; the first `limit` of them all are the answer.
            var positions: [Int64] = []
            let shared = Set(scope.tables)
            for table in try Self.loggedTables(db) {
                if shared.contains(table) {
                    positions += try Int64.fetchAll(
                        db.cachedStatement(sql: Self.sharedTableSQL),
                        arguments: [table, position, last, origin, limit])
                    continue
                }
                for owner in scope.owners {
                    let prefix = owner + "/"
                    positions += try Int64.fetchAll(
                        db.cachedStatement(sql: Self.ownerRowsSQL),
                        arguments: [
                            table, owner, owner + "0", owner, prefix.utf8.count, prefix, position, last, origin, limit,
                        ])
                }
            }
            let statement = try db.cachedStatement(sql: Self.positionSQL)
            return try Set(positions).sorted().prefix(limit).compactMap { position in
                try Row.fetchOne(statement, arguments: [position]).map(LoggedOperation.init(row:))
            }
        }
    }

    /// The entries of a scope of everything, in position order.
    static let everythingSQL = """
        SELECT \(LoggedOperation.columns) FROM oplog WHERE pos > ? AND pos <= ? AND origin != ? ORDER BY pos LIMIT ?
        """

    /// The positions of a table shared whole, from the row index (which holds them in order per table).
    static let sharedTableSQL = """
        SELECT pos FROM oplog WHERE tbl = ? AND pos > ? AND pos <= ? AND origin != ? ORDER BY pos LIMIT ?
        """

    /// The positions of an owner's rows in a table: the range of the row index from `owner` up to
    /// `owner0` (`/` is followed by `0` in byte order), of which the row named `owner` and those that
    /// begin with `owner/` (the test reads the index entry only).
    static let ownerRowsSQL = """
        SELECT pos FROM oplog WHERE tbl = ? AND row >= ? AND row < ? AND (row = ? OR substr(row, 1, ?) = ?)
        AND pos > ? AND pos <= ? AND origin != ? ORDER BY pos LIMIT ?
        """

    /// The entry at a position.
    static let positionSQL = "SELECT \(LoggedOperation.columns) FROM oplog WHERE pos = ?"

    /// The tables the log holds operations of, each found by one seek in the row index.
    static func loggedTables(_ db: Database) throws -> [String] {
        var tables: [String] = []
        while let next = try String.fetchOne(
            db.cachedStatement(sql: "SELECT tbl FROM oplog WHERE tbl > ? ORDER BY tbl LIMIT 1"),
            arguments: [tables.last ?? ""])
        {
            tables.append(next)
        }
        return tables
    }
}

extension ReplicaStore {
    /// Gives a database copied from a backup a new replica id, so that its next writes never reuse dots
    /// the lost original already gave out after the backup (those come back from the replicas that
    /// hold them, as operations of the old id).
    /// - Throws: ``ReplicaError/invalidReplicaID(_:)``, or a database error.
    public static func takeNewIdentity(at path: String, replicaID: String) throws {
        guard Identifiers.isReplicaID(replicaID) else { throw ReplicaError.invalidReplicaID(replicaID) }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'replica_id'", arguments: [replicaID])
        }
    }
}

extension ReplicaStore {
    /// The last operation of this replica's own chain: its sequence number and hash; nil when it has
    /// written nothing.
    public func chainHead() throws -> (seq: UInt64, hash: [UInt8])? {
        try queue.read { db in
            guard
                let seq = try Int64.fetchOne(
                    db, sql: "SELECT max(seq) FROM oplog WHERE origin = ?", arguments: [replicaID]),
                let op = try Self.loggedOperation(db, dot: Dot(origin: replicaID, seq: UInt64(seq)))
            else { return nil }
            return (UInt64(seq), op.operation.hash)
        }
    }
}
