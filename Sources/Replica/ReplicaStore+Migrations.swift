import GRDB
import SyncCore

extension ReplicaStore {
    /// The engine's tables, as named, append-only migrations. Never edit a shipped migration: add one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-engine") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
                    -- Every operation applied here, local or received, in arrival order (pos), keyed by dot.
                    CREATE TABLE oplog (
                        pos INTEGER PRIMARY KEY,
                        origin TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        tbl TEXT NOT NULL,
                        row TEXT NOT NULL,
                        col TEXT NOT NULL,
                        value TEXT NOT NULL,
                        context TEXT NOT NULL,
                        author TEXT NOT NULL,
                        wall_ms INTEGER NOT NULL,
                        note TEXT,
                        UNIQUE (origin, seq)
                    );
                    -- The merged state of each row: every field's siblings and version vector (RowState JSON).
                    CREATE TABLE row_state (
                        tbl TEXT NOT NULL,
                        row TEXT NOT NULL,
                        state TEXT NOT NULL,
                        PRIMARY KEY (tbl, row)
                    ) WITHOUT ROWID;
                    -- Open conflicts, derived from row_state in the same transaction.
                    CREATE TABLE conflict (
                        tbl TEXT NOT NULL,
                        row TEXT NOT NULL,
                        col TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        PRIMARY KEY (tbl, row, col, kind)
                    ) WITHOUT ROWID;
                    -- Which sequence numbers of each origin are in the log: JSON [[first,last],...].
                    CREATE TABLE holdings (origin TEXT PRIMARY KEY NOT NULL, ranges TEXT NOT NULL) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2-arrivals") { db in
            try db.execute(
                sql: """
                    -- When each run of log positions arrived here (one row per committed write or import):
                    -- the operations from first_pos up to the next row's first_pos were recorded at recorded_ms
                    -- by this replica's clock. Local, never replicated; it answers "what did we hold on the 14th".
                    CREATE TABLE arrival (first_pos INTEGER PRIMARY KEY, recorded_ms INTEGER NOT NULL);
                    """)
        }
        migrator.registerMigration("v3-enrolment") { db in
            try db.execute(
                sql: """
                    -- The replicas a hub has enrolled: each one's role and Ed25519 public key (hex). Local, never
                    -- replicated; no secret is stored, so a copy of this table lets nobody sign as a replica.
                    CREATE TABLE enrolment (
                        replica TEXT PRIMARY KEY NOT NULL,
                        role TEXT NOT NULL,
                        public_key TEXT NOT NULL,
                        enrolled_ms INTEGER NOT NULL,
                        revoked_ms INTEGER
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v4-quarantine") { db in
            try db.execute(
                sql: """
                    -- At a hub: operations it refused because their writer's role may not write them. Their dots
                    -- are held (so that the origin's sequence goes on) but they are never applied nor relayed.
                    -- Local, never replicated.
                    CREATE TABLE quarantine (
                        origin TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        op TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        received_ms INTEGER NOT NULL,
                        PRIMARY KEY (origin, seq)
                    ) WITHOUT ROWID;
                    -- At a replica: its own operations a hub refused, as the hub said why. Local, never replicated.
                    CREATE TABLE refused (
                        origin TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        learned_ms INTEGER NOT NULL,
                        PRIMARY KEY (origin, seq)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v5-chain") { db in
            try db.execute(
                sql: """
                    -- The hash of the same origin's previous operation (hex SHA-256 of its canonical line):
                    -- every origin's operations form a chain, so a changed or removed operation is found.
                    ALTER TABLE oplog ADD COLUMN prev TEXT;
                    """)
        }
        migrator.registerMigration("v6-withdrawn-refusals") { db in
            try db.execute(
                sql: """
                    -- When this replica's person withdrew a refused operation: its effect is left out of
                    -- the row's state (as the hub never applied it) while it stays in the log and its chain.
                    ALTER TABLE refused ADD COLUMN withdrawn_ms INTEGER;
                    """)
        }
        migrator.registerMigration("v7-last-sync") { db in
            try db.execute(
                sql: """
                    -- At a hub: when each enrolled replica last finished a sync session (ms, the hub's clock).
                    ALTER TABLE enrolment ADD COLUMN last_sync_ms INTEGER;
                    """)
        }
        migrator.registerMigration("v8-files") { db in
            try db.execute(
                sql: """
                    -- File contents, content-addressed (local, never replicated): one row a file known here,
                    -- its chunk hashes concatenated, how many bytes of checked chunks are held, whether the
                    -- whole file checked (present), why it will not move (refusal), whether the hub holds it.
                    CREATE TABLE file (
                        sha256 TEXT PRIMARY KEY NOT NULL,
                        size INTEGER NOT NULL,
                        chunks TEXT NOT NULL,
                        held INTEGER NOT NULL,
                        present INTEGER NOT NULL,
                        failures INTEGER NOT NULL,
                        at_hub INTEGER NOT NULL,
                        updated_ms INTEGER NOT NULL,
                        refusal TEXT,
                        refusal_detail TEXT
                    ) WITHOUT ROWID;
                    -- The checked chunks (256 KiB each, the last shorter).
                    CREATE TABLE file_chunk (
                        sha256 TEXT NOT NULL,
                        idx INTEGER NOT NULL,
                        data BLOB NOT NULL,
                        UNIQUE (sha256, idx)
                    );
                    -- Who proved to hold each file's content: this replica itself (stored here, or imported
                    -- from a bundle), or a replica that uploaded it (at a hub); rights to fetch follow them.
                    CREATE TABLE file_source (
                        sha256 TEXT NOT NULL,
                        replica TEXT NOT NULL,
                        PRIMARY KEY (sha256, replica)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v9-checkpoints") { db in
            try db.execute(
                sql: """
                    -- Signed chain heads (local, never replicated): this replica's own, and those that came
                    -- with other origins' operations, kept to be carried on with them (relays) and, at a
                    -- hub, as proof of what each writer signed. Verified before they are stored at a hub.
                    CREATE TABLE checkpoint (
                        origin TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        key_id TEXT NOT NULL,
                        head TEXT NOT NULL,
                        signature TEXT NOT NULL,
                        PRIMARY KEY (origin, seq, key_id)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v10-enrolment-log") { db in
            try db.execute(
                sql: """
                    -- The district hub's signed enrolment log (local, never replicated as operations): at the
                    -- hub, every enrolment, renewal and revocation it wrote or took back; on a laptop, what
                    -- it received, to carry on (a restored hub takes back what it lost). One JSON line each.
                    CREATE TABLE enrolment_log (
                        hash TEXT PRIMARY KEY NOT NULL,
                        seq INTEGER NOT NULL,
                        replica TEXT NOT NULL,
                        record TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX enrolment_log_seq ON enrolment_log (seq);
                    CREATE INDEX enrolment_log_replica ON enrolment_log (replica);
                    -- At a hub: which key of each replica is current (serial), until where a revoked key's
                    -- work stands (revoked_seq), and the keys renewals retired, each valid for the
                    -- replica's operations up to through_seq.
                    ALTER TABLE enrolment ADD COLUMN serial INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE enrolment ADD COLUMN cutoff_seq INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE enrolment ADD COLUMN revoked_seq INTEGER;
                    ALTER TABLE enrolment ADD COLUMN revoked_head TEXT;
                    CREATE TABLE retired_key (
                        replica TEXT NOT NULL,
                        public_key TEXT NOT NULL,
                        through_seq INTEGER NOT NULL,
                        through_head TEXT NOT NULL,
                        PRIMARY KEY (replica, public_key)
                    ) WITHOUT ROWID;
                    -- At a hub: origins frozen by a proven fork (two signed heads at one seq: a copied
                    -- database), until the district renews the replica's credential.
                    CREATE TABLE frozen_origin (
                        origin TEXT PRIMARY KEY NOT NULL,
                        seq INTEGER NOT NULL,
                        frozen_ms INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v11-hierarchy") { db in
            try db.execute(
                sql: """
                    -- At a hub above hubs (a province): the unit each unit sits under (a commune under its
                    -- district), from enrolments made through a lower hub or with --district.
                    CREATE TABLE unit_parent (
                        unit TEXT PRIMARY KEY NOT NULL,
                        parent TEXT NOT NULL
                    ) WITHOUT ROWID;
                    -- The lower hubs enrolled here: the name and enrolment-log key each showed in its first
                    -- authenticated session (pinned: another key later is refused).
                    CREATE TABLE lower_hub (
                        replica TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        public_key TEXT NOT NULL
                    ) WITHOUT ROWID;
                    -- The replicas enrolled here through a lower hub's log: which one (by its name), and the
                    -- unit that hub stands for, beyond which the replica's writes are not taken; and the
                    -- entries of those logs already taken.
                    CREATE TABLE delegated (
                        replica TEXT PRIMARY KEY NOT NULL,
                        hub TEXT NOT NULL,
                        unit TEXT
                    ) WITHOUT ROWID;
                    CREATE TABLE delegated_entry (
                        hash TEXT PRIMARY KEY NOT NULL,
                        hub TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v12-row-history") { db in
            try db.execute(
                sql: """
                    -- The log by row: a row's history (`ntm log`) and the rows of a scope (what a hub sends a
                    -- replica in a pull) are found without reading the whole log.
                    CREATE INDEX oplog_row ON oplog (tbl, row);
                    """)
        }
        return migrator
    }()

    /// Creates the projection tables of `schema`, or rebuilds them from `row_state` when their shape
    /// changed since the database was last opened.
    static func ensureProjections(_ db: Database, schema: ReplicatedSchema) throws {
        let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'projection_fingerprint'")
        if stored == schema.fingerprint { return }
        let previous = try String.fetchAll(db, sql: "SELECT value FROM meta WHERE key LIKE 'projection_table:%'")
        for table in previous { try db.execute(sql: "DROP TABLE IF EXISTS \(quoted(table))") }
        try db.execute(sql: "DELETE FROM meta WHERE key LIKE 'projection_table:%'")
        for table in schema.tables {
            try db.execute(sql: "DROP TABLE IF EXISTS \(quoted(table.name))")
            try db.execute(sql: table.createSQL)
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES (?, ?)",
                arguments: ["projection_table:\(table.name)", table.name])
        }
        try db.execute(
            sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('projection_fingerprint', ?)",
            arguments: [schema.fingerprint])
        let projector = try Projector(db, schema: schema)
        let rows = try Row.fetchCursor(db, sql: "SELECT tbl, row, state FROM row_state")
        while let row = try rows.next() {
            let text: String = row["state"]
            let state = try RowState(stored: Array(text.utf8))
            try projector.project(table: row["tbl"], row: row["row"], state: state)
        }
    }
}
