import Foundation
import GRDB
import GRDBSQLite
import Replica
import SyncCore

/// `ntm-bench`: the benchmark driver behind `scripts/bench.sh`. Each figure runs in its own process so
/// that its peak memory is its own. Prints one JSON line per figure.
@main
enum Bench {
    static let schema = ReplicatedSchema(
        tag: "bench-1",
        tables: [
            ReplicatedTable(
                name: "t", keyColumns: ["grp", "item"],
                columns: [.init("a", .text), .init("b", .integer), .init("c", .text), .init("d", .text)]),
            // Rows that reference a file (the file figures); the other figures never write them.
            ReplicatedTable(
                name: "doc", keyColumns: ["grp", "item"],
                columns: [.init("name", .text), .init("file_size", .integer), .init("file_sha256", .text)],
                file: FileColumns(sha256: "file_sha256", size: "file_size")),
        ])

    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let verb = arguments.first else { usage() }
        func option(_ name: String) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
            return arguments[index + 1]
        }
        func required(_ name: String) -> String {
            guard let value = option(name) else { usage() }
            return value
        }
        guard let operations = Int(option("--ops") ?? "1000000"), operations > 0,
            let origins = Int(option("--origins") ?? "500"), origins > 0,
            let share = Double(option("--concurrent") ?? "0.1"), (0...1).contains(share)
        else { usage() }
        let generator = BenchGenerator(operations: operations, origins: origins, concurrentShare: share, seed: 42)
        switch verb {
        case "gen":
            try generator.writeBundle(to: required("--out"), schemaTag: schema.tag)
        case "apply":
            let db = required("--db")
            let replica = try ReplicaStore.create(at: db, replicaID: "bench-receiver", schema: schema)
            // The baseline of what the log's row index costs the import: the same import without it.
            let withoutIndex = arguments.contains("--no-row-index")
            if withoutIndex { try BenchScale.dropRowIndex(at: db) }
            let started = Date()
            let stats = try replica.importBundle(from: required("--bundle"))
            let seconds = Date().timeIntervalSince(started)
            let conflicts = try replica.conflictCount()
            report(
                withoutIndex ? "apply_no_row_index" : "apply", operations: stats.operations, seconds: seconds,
                extra: [
                    "conflicts": .int(Int64(conflicts)),
                    "bundle_mb": .double((Double(stats.bytes) / 1_048_576 * 10).rounded() / 10),
                ])
        case "raw":
            try raw(generator: generator, db: required("--db"))
        case "review":
            try review(db: required("--db"))
        case "field-log":
            try BenchScale.fieldLog(db: required("--db"))
        case "district-morning":
            guard let communes = Int(option("--communes") ?? "250"), communes > 0,
                let perCommune = Int(option("--per-commune") ?? "4000"), perCommune > 0
            else { usage() }
            try BenchDistrict.morning(folder: required("--folder"), communes: communes, perCommune: perCommune)
        case "night":
            let atOnce = Int(option("--at-once") ?? "0") ?? -1
            guard atOnce >= 0 else { usage() }
            try BenchSync.night(
                folder: required("--folder"), communes: Int(option("--communes") ?? "32") ?? 32,
                perCommune: Int(option("--per-commune") ?? "2000") ?? 2000, signed: !arguments.contains("--unsigned"),
                clearOnly: arguments.contains("--clear"), atOnce: atOnce)
        case "noop":
            try BenchSync.noop(folder: required("--folder"), bundle: required("--bundle"))
        case "province-night":
            let sizes = BenchProvince.Sizes(
                districts: Int(option("--districts") ?? "10") ?? 0, communes: Int(option("--communes") ?? "30") ?? 0,
                perCommune: Int(option("--per-commune") ?? "2000") ?? 0,
                districtOps: Int(option("--district-ops") ?? "100") ?? -1)
            guard sizes.districts > 0, sizes.communes > 0, sizes.perCommune > 0, sizes.districtOps >= 0 else { usage() }
            try BenchProvince.night(folder: required("--folder"), sizes: sizes)
        case "province-noop":
            try BenchProvince.noop(folder: required("--folder"), operations: operations, origins: origins)
        case "province-serve":
            try BenchProvince.serve(
                db: required("--db"), unit: arguments.contains("--single") ? nil : BenchProvince.unit)
        case "hub-import":
            try BenchCheckpoints.hubImport(
                generator: generator, schema: schema, db: required("--db"), bundle: required("--bundle"))
        case "checkpoints":
            try BenchCheckpoints.run(count: Int(option("--count") ?? "2000") ?? 2000)
        case "files-store":
            try BenchFiles.store(folder: required("--folder"), megabytes: Int(option("--mb") ?? "200") ?? 200)
        case "files-sync", "files-resume", "files-memory":
            let setup = BenchFiles.Setup(
                folder: required("--folder"),
                files: verb == "files-memory" ? 1 : Int(option("--files") ?? "100") ?? 100,
                megabytes: Int(option("--mb") ?? (verb == "files-memory" ? "" : "2")) ?? 0)
            guard setup.files > 0, setup.megabytes > 0 else { usage() }
            switch verb {
            case "files-sync": try BenchFiles.sync(setup)
            case "files-resume": try BenchFiles.resume(setup, cuts: Int(option("--cuts") ?? "20") ?? 20)
            default: try BenchFiles.memory(setup)
            }
        default:
            usage()
        }
    }

    /// The ceiling: the same operation rows inserted into a plain table with one prepared statement in
    /// one transaction. The rows are generated before the clock starts.
    static func raw(generator: BenchGenerator, db: String) throws {
        var rows: [(String, Int64, String, String, String, String)] = []
        rows.reserveCapacity(generator.operations)
        generator.forEach { op in
            rows.append(
                (op.dot.origin, Int64(op.dot.seq), op.key.table, op.key.row, op.key.column, op.value.description))
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let queue = try DatabaseQueue(path: db, configuration: configuration)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE ops (origin TEXT, seq INTEGER, tbl TEXT, row TEXT, col TEXT, value TEXT)")
        }
        let started = Date()
        try queue.write { db in
            let statement = try db.makeStatement(sql: "INSERT INTO ops VALUES (?, ?, ?, ?, ?, ?)")
            let handle = statement.sqliteStatement
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            for row in rows {
                sqlite3_bind_text(handle, 1, row.0, -1, transient)
                sqlite3_bind_int64(handle, 2, row.1)
                sqlite3_bind_text(handle, 3, row.2, -1, transient)
                sqlite3_bind_text(handle, 4, row.3, -1, transient)
                sqlite3_bind_text(handle, 5, row.4, -1, transient)
                sqlite3_bind_text(handle, 6, row.5, -1, transient)
                guard sqlite3_step(handle) == SQLITE_DONE else { throw DatabaseError(message: "insert failed") }
                sqlite3_reset(handle)
            }
        }
        report("sqlite_raw", operations: rows.count, seconds: Date().timeIntervalSince(started), extra: [:])
    }

    /// What conflict review costs on a replica that applied a large log: listing every open conflict
    /// with its competing writes, and finding each one's common ancestor by indexed lookups. The
    /// baseline is the same ancestor found from the field's whole history (a scan of the log), on a
    /// sample of the conflicts.
    static func review(db: String) throws {
        let replica = try ReplicaStore.open(at: db, schema: schema)
        var started = Date()
        let records = try replica.conflicts()
        let listSeconds = Date().timeIntervalSince(started)
        started = Date()
        var found = 0
        for record in records { found += try replica.ancestors(of: record).count }
        let lookupSeconds = Date().timeIntervalSince(started)
        let sample = Array(records.prefix(20))
        started = Date()
        var scanned = 0
        for record in sample {
            let history = try replica.history(table: record.key.table, rows: [record.key.row])
                .map(\.operation.operation).filter { $0.key == record.key }
            scanned += SyncOperation.commonAncestors(of: record.values, in: history).count
        }
        let scanSeconds = Date().timeIntervalSince(started)
        let operations = try replica.operationCount()
        print(
            JSONWriter.string(
                .object([
                    "name": .string("conflict_review"), "log_ops": .int(Int64(operations)),
                    "conflicts": .int(Int64(records.count)),
                    "list_all_seconds": .double((listSeconds * 1000).rounded() / 1000),
                    "ancestor_ms_per_conflict": .double(
                        (lookupSeconds / Double(max(1, records.count)) * 1000 * 1000).rounded() / 1000),
                    "baseline_scan_ms_per_conflict": .double(
                        (scanSeconds / Double(max(1, sample.count)) * 1000 * 1000).rounded() / 1000),
                    "ancestors_found": .int(Int64(found)), "baseline_sample": .int(Int64(sample.count)),
                ])))
    }

    static func report(_ name: String, operations: Int, seconds: Double, extra: [String: JSONValue]) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        var object: JSONObject = [
            "name": .string(name), "ops": .int(Int64(operations)),
            "seconds": .double((seconds * 1000).rounded() / 1000),
            "ops_per_s": .int(Int64(Double(operations) / seconds)), "peak_rss_mb": .int(Int64(usage.ru_maxrss / 1024)),
        ]
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) { object[key] = value }
        print(JSONWriter.string(.object(object)))
    }

    static func usage() -> Never {
        FileHandle.standardError.write(
            Data(
                "usage: ntm-bench gen --out FILE | apply --bundle FILE --db DB [--no-row-index] | raw --db DB | review --db DB  [--ops N --origins N --concurrent F]\n       ntm-bench field-log --db DB | district-morning --folder DIR [--communes 250 --per-commune 4000]\n       ntm-bench night --folder DIR [--communes 32 --per-commune 2000 --unsigned --clear --at-once K] | noop --folder DIR --bundle FILE\n       ntm-bench files-store --folder DIR [--mb 200] | files-sync --folder DIR [--files 100 --mb 2]\n       ntm-bench files-resume --folder DIR [--files 100 --mb 2 --cuts 20] | files-memory --folder DIR --mb N\n       ntm-bench checkpoints [--count 2000] | hub-import --db DB --bundle FILE [--ops N --origins N]\n       ntm-bench province-night --folder DIR [--districts 10 --communes 30 --per-commune 2000 --district-ops 100]\n       ntm-bench province-noop --folder DIR [--ops N --origins N] | province-serve --db DB [--single]\n"
                    .utf8))
        exit(2)
    }
}
