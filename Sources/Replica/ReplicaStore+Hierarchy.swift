import GRDB
import SyncCore

/// A lower hub (a district's) as a hub above it knows it: the name its enrolment log is signed for and
/// the key that signs it, pinned at its first authenticated session.
public struct LowerHub: Sendable, Equatable {
    /// The lower hub's replica id, as enrolled here.
    public var replica: String
    /// The name its enrolment log entries carry.
    public var name: String
    /// Its enrolment log's Ed25519 public key.
    public var publicKey: [UInt8]

    /// Creates a record.
    public init(replica: String, name: String, publicKey: [UInt8]) {
        self.replica = replica
        self.name = name
        self.publicKey = publicKey
    }
}

extension ReplicaStore {
    /// The unit each unit sits under, as recorded here (a commune under its district).
    public func unitParents() throws -> [String: String] {
        try queue.read { db in try Self.unitParents(db) }
    }

    static func delegatedUnits(_ db: Database) throws -> [String: String] {
        var units: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT replica, unit FROM delegated WHERE unit IS NOT NULL") {
            units[row["replica"]] = row["unit"]
        }
        return units
    }

    static func unitParents(_ db: Database) throws -> [String: String] {
        var parents: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT unit, parent FROM unit_parent") {
            parents[row["unit"]] = row["parent"]
        }
        return parents
    }

    /// Places `unit` under `parent` (a commune under its district), replacing where it sat before: a
    /// commune moved to another district, or to the province itself.
    public func setUnitParent(_ unit: String, _ parent: String?) throws {
        try queue.write { db in
            if let parent {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO unit_parent (unit, parent) VALUES (?, ?)", arguments: [unit, parent])
            } else {
                try db.execute(sql: "DELETE FROM unit_parent WHERE unit = ?", arguments: [unit])
            }
        }
    }

    /// The lower hub enrolled here as `replica`, once it showed its log's key; nil before.
    public func lowerHub(_ replica: String) throws -> LowerHub? {
        try queue.read { db in
            guard
                let row = try Row.fetchOne(db, sql: "SELECT * FROM lower_hub WHERE replica = ?", arguments: [replica]),
                let key = Hex.bytes(row["public_key"])
            else { return nil }
            return LowerHub(replica: replica, name: row["name"], publicKey: key)
        }
    }

    /// Pins a lower hub's name and key at its first authenticated session and returns what is pinned:
    /// the first one shown, which a later session must show again. Nil when another replica holds the
    /// name with another key: a name speaks for one log.
    @discardableResult
    public func pinLowerHub(_ hub: LowerHub) throws -> LowerHub? {
        // Pinned already (every session after the first): read, without a write transaction.
        if let pinned = try lowerHub(hub.replica), pinned == hub,
            try queue.read({ db in
                try Bool.fetchOne(
                    db, sql: "SELECT NOT EXISTS (SELECT 1 FROM lower_hub WHERE name = ? AND public_key != ?)",
                    arguments: [hub.name, hub.publicKey.hexString]) ?? false
            })
        {
            return pinned
        }
        return try queue.write { db in
            let others = try Row.fetchAll(
                db, sql: "SELECT public_key FROM lower_hub WHERE name = ? AND replica != ?",
                arguments: [hub.name, hub.replica])
            if others.contains(where: { ($0["public_key"] as String) != hub.publicKey.hexString }) { return nil }
            try db.execute(
                sql: "INSERT OR IGNORE INTO lower_hub (replica, name, public_key) VALUES (?, ?, ?)",
                arguments: [hub.replica, hub.name, hub.publicKey.hexString])
            let row = try Row.fetchOne(db, sql: "SELECT * FROM lower_hub WHERE replica = ?", arguments: [hub.replica])!
            return LowerHub(replica: hub.replica, name: row["name"], publicKey: Hex.bytes(row["public_key"]) ?? [])
        }
    }

    /// Forgets a lower hub's pinned key (its replica was enrolled again: the new database shows its own).
    public func unpinLowerHub(_ replica: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM lower_hub WHERE replica = ?", arguments: [replica]) }
    }

    /// The lower hub (its name, as its log entries carry it) through whose log `replica` was enrolled
    /// here, nil when it was enrolled here directly or not at all.
    public func delegatingHub(of replica: String) throws -> String? {
        try queue.read { db in
            try String.fetchOne(db, sql: "SELECT hub FROM delegated WHERE replica = ?", arguments: [replica])
        }
    }

    /// The replicas enrolled here through the log of the lower hub named `name`.
    public func delegatedReplicas(by name: String) throws -> Set<String> {
        try queue.read { db in
            Set(try String.fetchAll(db, sql: "SELECT replica FROM delegated WHERE hub = ?", arguments: [name]))
        }
    }

    /// The unit of the lower hub through whose log `replica` was enrolled here: its writes beyond that
    /// unit are not taken, and it sees no more than that hub does.
    public func delegatedUnit(of replica: String) throws -> String? {
        try queue.read { db in
            try String.fetchOne(db, sql: "SELECT unit FROM delegated WHERE replica = ?", arguments: [replica])
        }
    }

    /// The replica id here of the lower hub named `name` (its log's name), nil when none showed it.
    public func lowerHubReplica(named name: String) throws -> String? {
        try queue.read { db in
            try String.fetchOne(
                db, sql: "SELECT replica FROM lower_hub WHERE name = ? ORDER BY replica LIMIT 1", arguments: [name])
        }
    }

    /// Records that `replica` is enrolled here through `hub`'s log, bound to `unit`; nil records a
    /// direct enrolment.
    public func setDelegatingHub(of replica: String, to hub: String?, unit: String? = nil) throws {
        try queue.write { db in
            if let hub {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO delegated (replica, hub, unit) VALUES (?, ?, ?)",
                    arguments: [replica, hub, unit])
            } else {
                try db.execute(sql: "DELETE FROM delegated WHERE replica = ?", arguments: [replica])
            }
        }
    }

    /// The hashes among `hashes` of lower hubs' log entries already taken here.
    public func takenDelegatedEntries(_ hashes: [[UInt8]]) throws -> Set<[UInt8]> {
        try queue.read { db in
            var taken: Set<[UInt8]> = []
            for hash in hashes
            where try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM delegated_entry WHERE hash = ?)", arguments: [hash.hexString])
                ?? false
            {
                taken.insert(hash)
            }
            return taken
        }
    }

    /// Records a lower hub's log entry as taken (applied, or judged and left out).
    public func markDelegatedEntry(_ hash: [UInt8], hub: String) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO delegated_entry (hash, hub) VALUES (?, ?)",
                arguments: [hash.hexString, hub])
        }
    }
}
