import Foundation
import GRDB
import SyncCore

/// A replica: one SQLite file (WAL mode) holding the operation log, the state of every replicated row,
/// the open conflicts and readable projection tables, all kept in step inside each transaction.
///
/// It owns its database connection; every method is synchronous and safe to call from any thread
/// (GRDB serialises access).
///
/// ```swift
/// let replica = try ReplicaStore.create(at: "dan-ly.sqlite", replicaID: "xa-dan-ly-1", schema: schema)
/// try replica.write([RowChange(table: "assessment", row: "dan-ly/qd1980-2016/17.1",
///                              values: ["status": .text("dat")])], author: "Lan")
/// ```
public final class ReplicaStore: Sendable {
    /// The database format this program writes and reads.
    public static let formatVersion = 1

    /// The path of the database file.
    public let path: String
    /// This replica's stable id: the origin of its writes.
    public let replicaID: String
    /// The replicated tables and the compatibility tag.
    public let schema: ReplicatedSchema
    /// The wall clock in milliseconds (informational: provenance and display order only).
    public let clock: @Sendable () -> Int64
    /// How many rows a transaction keeps in memory before writing them back (see `Applier`).
    public let rowCacheLimit: Int
    let queue: DatabaseQueue
    /// The summary of held dots as last committed, kept between transactions (see ``SummaryCache``).
    let summaries = SummaryCache()

    private init(
        path: String, queue: DatabaseQueue, replicaID: String, schema: ReplicatedSchema,
        clock: @escaping @Sendable () -> Int64, rowCacheLimit: Int
    ) {
        self.path = path
        self.queue = queue
        self.replicaID = replicaID
        self.schema = schema
        self.clock = clock
        self.rowCacheLimit = max(1, rowCacheLimit)
    }

    /// The default bound of rows cached in a transaction: about 100 MB at four fields a row.
    public static let defaultRowCacheLimit = 65_536

    /// The system wall clock in milliseconds since 1970.
    public static let systemClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// Creates a new replica database at `path`.
    /// - Throws: ``ReplicaError/alreadyExists(path:)``, ``ReplicaError/invalidReplicaID(_:)``, or a database error.
    public static func create(
        at path: String, replicaID: String, schema: ReplicatedSchema, metadata: [String: String] = [:],
        clock: @escaping @Sendable () -> Int64 = systemClock, rowCacheLimit: Int = defaultRowCacheLimit
    ) throws -> ReplicaStore {
        guard Identifiers.isReplicaID(replicaID) else { throw ReplicaError.invalidReplicaID(replicaID) }
        if FileManager.default.fileExists(atPath: path) { throw ReplicaError.alreadyExists(path: path) }
        let queue = try DatabaseQueue(path: path, configuration: configuration())
        try migrator.migrate(queue)
        try queue.write { db in
            let created = clock()
            var entries = metadata
            entries["replica_id"] = replicaID
            entries["format"] = String(formatVersion)
            entries["schema_tag"] = schema.tag
            entries["created_ms"] = String(created)
            for (key, value) in entries {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
            }
            try ensureProjections(db, schema: schema)
            try ensureFileIndexes(db, schema: schema)
        }
        return ReplicaStore(
            path: path, queue: queue, replicaID: replicaID, schema: schema, clock: clock, rowCacheLimit: rowCacheLimit)
    }

    /// Opens an existing replica database.
    /// - Throws: ``ReplicaError/missingDatabase(path:)``, ``ReplicaError/notAReplica(path:reason:)``,
    ///   ``ReplicaError/newerFormat(path:found:supported:)``.
    public static func open(
        at path: String, schema: ReplicatedSchema, clock: @escaping @Sendable () -> Int64 = systemClock,
        rowCacheLimit: Int = defaultRowCacheLimit
    ) throws -> ReplicaStore {
        guard FileManager.default.fileExists(atPath: path) else { throw ReplicaError.missingDatabase(path: path) }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration())
            _ = try queue.read { db in try db.tableExists("meta") }
        } catch let error as DatabaseError {
            throw ReplicaError.notAReplica(path: path, reason: error.message ?? "\(error.resultCode)")
        }
        let replicaID: String = try queue.read { db in
            guard try db.tableExists("meta") else {
                throw ReplicaError.notAReplica(path: path, reason: "no meta table")
            }
            let format = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'").flatMap { Int($0) }
            guard let format else { throw ReplicaError.notAReplica(path: path, reason: "no format version") }
            let superseded = try migrator.hasBeenSuperseded(db)
            if format > formatVersion || superseded {
                throw ReplicaError.newerFormat(
                    path: path, found: max(format, formatVersion + 1), supported: formatVersion)
            }
            guard let id = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'replica_id'") else {
                throw ReplicaError.notAReplica(path: path, reason: "no replica id")
            }
            return id
        }
        try migrator.migrate(queue)
        try queue.write { db in
            try ensureProjections(db, schema: schema)
            try ensureFileIndexes(db, schema: schema)
        }
        return ReplicaStore(
            path: path, queue: queue, replicaID: replicaID, schema: schema, clock: clock, rowCacheLimit: rowCacheLimit)
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            // FULL: a committed write survives a power cut, so a sequence number is never handed out twice.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -32768")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        configuration.busyMode = .timeout(10)
        return configuration
    }

    /// Reads a metadata value (local, not replicated).
    public func metadata(_ key: String) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    /// Sets a metadata value (local, not replicated).
    public func setMetadata(_ key: String, _ value: String) throws { try setMetadata([key: value]) }

    /// Writes several metadata values in one transaction.
    public func setMetadata(_ values: [String: String]) throws {
        try queue.write { db in
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
            }
        }
    }

    /// Sets a metadata value unless one is there, in one transaction, and returns the value that is
    /// there now: two processes making the same thing at once keep the first one's.
    public func setMetadataIfAbsent(_ key: String, _ value: String) throws -> String {
        try queue.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
            return try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) ?? value
        }
    }

    /// Runs SQLite's integrity check; returns its report (`["ok"]` when sound).
    public func integrityCheck() throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// Runs a read-only query against the projections (for the application's reports). An application
    /// that should not depend on GRDB reads them with ``projectionRows(table:where:)`` instead.
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try queue.read(body) }
}

extension ReplicaStore {
    /// Opens an existing replica whose schema depends on its own metadata (for example the criteria set
    /// it was created with): `schemaFor` receives the metadata and returns the schema.
    public static func open(
        at path: String, schemaFor: ([String: String]) throws -> ReplicatedSchema,
        clock: @escaping @Sendable () -> Int64 = systemClock
    ) throws -> ReplicaStore {
        guard FileManager.default.fileExists(atPath: path) else { throw ReplicaError.missingDatabase(path: path) }
        var metadata: [String: String] = [:]
        do {
            let probe = try DatabaseQueue(
                path: path,
                configuration: {
                    var configuration = Configuration()
                    configuration.readonly = true
                    return configuration
                }())
            metadata = try probe.read { db in
                guard try db.tableExists("meta") else { return [:] }
                return Dictionary(
                    try Row.fetchAll(db, sql: "SELECT key, value FROM meta").map {
                        ($0["key"] as String, $0["value"] as String)
                    },
                    uniquingKeysWith: { first, _ in first })
            }
            try probe.close()
        } catch let error as DatabaseError {
            throw ReplicaError.notAReplica(path: path, reason: error.message ?? "\(error.resultCode)")
        }
        guard !metadata.isEmpty else { throw ReplicaError.notAReplica(path: path, reason: "no meta table") }
        if let format = metadata["format"].flatMap(Int.init), format > formatVersion {
            throw ReplicaError.newerFormat(path: path, found: format, supported: formatVersion)
        }
        return try open(at: path, schema: try schemaFor(metadata), clock: clock)
    }
}
