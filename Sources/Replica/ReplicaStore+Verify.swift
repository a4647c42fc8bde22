import GRDB
import SyncCore

/// What ``ReplicaStore/verifyIntegrity()`` found: the problems (none when the database is sound) and
/// how much it looked at.
public struct IntegrityReport: Sendable, Equatable {
    /// Everything found wrong, in the order the checks ran: SQLite's own check, the held dots, the row
    /// states, the conflicts, the stored files.
    public var problems: [IntegrityProblem]
    /// The operations in the log.
    public var operations: Int
    /// The rows with a stored state (`row_state`).
    public var rows: Int
    /// The origins held (in `holdings` or in the log).
    public var origins: Int
    /// The rows of the `conflict` table.
    public var conflicts: Int

    /// Creates a report.
    public init(problems: [IntegrityProblem], operations: Int, rows: Int, origins: Int, conflicts: Int) {
        self.problems = problems
        self.operations = operations
        self.rows = rows
        self.origins = origins
        self.conflicts = conflicts
    }

    /// Whether nothing is wrong.
    public var isClean: Bool { problems.isEmpty }
}

extension ReplicaStore {
    /// Checks, in one read transaction, that the database is sound and agrees with itself:
    ///
    /// 1. SQLite's `PRAGMA integrity_check`;
    /// 2. `holdings` is exactly the set of dots in the log, per origin;
    /// 3. every row's stored state is what replaying its logged operations gives (the merge rule
    ///    `RowState.apply`, as the applier uses it; refused operations whose refusal was withdrawn
    ///    left out, see ``withdrawRefusals(_:)``), and every row written has a state;
    /// 4. the `conflict` table lists exactly the conflicts the stored row states show;
    /// 5. every file held whole still hashes to its SHA-256 (its chunks were not altered).
    ///
    /// The log is read row by row, ordered by (table, row, position), so memory holds one row's state
    /// at a time (SQLite sorts the log for that, on a temporary file: about 100 MB peak for 1,000,000
    /// operations). A row's state depends only on that row's operations, and they are folded in log
    /// order, so the result is the one the applier reached.
    ///
    /// Besides, every origin's hash chain is walked (`prev` of each operation against the hash of the
    /// one before), which finds an altered operation that no state shows (its value replaced by a later
    /// write). What it cannot see: an origin's last operation altered together with its row's state, or
    /// a whole chain rewritten consistently; compare with another replica or the hub for that.
    public func verifyIntegrity() throws -> IntegrityReport {
        try queue.inDatabase { db in
            // Sorting the log by row is SQLite's work: on a temporary file, not in memory (the replica
            // keeps temporary storage in memory, which for a sort of 1,000,000 operations is ~80 MB more).
            // It cannot change inside a transaction, so it is set around it and put back.
            let previous = try Int.fetchOne(db, sql: "PRAGMA temp_store") ?? 0
            try db.execute(sql: "PRAGMA temp_store = FILE")
            defer { try? db.execute(sql: "PRAGMA temp_store = \(previous)") }
            var report: IntegrityReport?
            try db.readOnly {
                try db.inTransaction(.deferred) {
                    var verifier = IntegrityVerifier(db)
                    report = try verifier.run()
                    return .commit
                }
            }
            return report!
        }
    }
}

/// The checks of ``ReplicaStore/verifyIntegrity()`` over one open read transaction.
private struct IntegrityVerifier {
    let db: Database
    var problems: [IntegrityProblem] = []
    var operations = 0
    var rows = 0
    var origins = 0
    var conflicts = 0

    init(_ db: Database) { self.db = db }

    mutating func run() throws -> IntegrityReport {
        for line in try String.fetchAll(db, sql: "PRAGMA integrity_check") where line != "ok" {
            problems.append(.sqlite(line))
        }
        try checkHoldings()
        try checkChains()
        try checkRows()
        problems += try ReplicaStore.damagedFiles(db).map { IntegrityProblem.damagedFile(sha256: $0) }
        return IntegrityReport(
            problems: problems, operations: operations, rows: rows, origins: origins, conflicts: conflicts)
    }

    // MARK: Hash chains

    /// Walks each origin's operations in sequence order (the log's unique index, plus a hub's
    /// quarantined ones) and checks that each names the hash of the one before it. An operation whose
    /// predecessor is not held here cannot be checked (a replica may hold an origin with gaps).
    private mutating func checkChains() throws {
        var quarantined: [Dot: SyncOperation] = [:]
        for text in try String.fetchAll(db, sql: "SELECT op FROM quarantine") {
            if let op = try? SyncOperation(json: try JSONParser.parse(Array(text.utf8))) { quarantined[op.dot] = op }
        }
        var previous: SyncOperation?
        func check(_ op: SyncOperation, after before: SyncOperation?) -> IntegrityProblem? {
            guard op.dot.seq > 1, let before, before.dot.seq == op.dot.seq - 1 else { return nil }
            guard let prev = op.prev else { return before.prev == nil ? nil : .chainCut(dot: op.dot) }
            return prev == before.hash ? nil : .brokenChain(dot: op.dot, previous: before.dot)
        }
        let log = try Row.fetchCursor(db, sql: "SELECT \(LoggedOperation.columns) FROM oplog ORDER BY origin, seq")
        while let row = try log.next() {
            guard let op = Self.chainOperation(row) else {
                previous = nil
                continue
            }
            if previous.map({ $0.dot.origin != op.dot.origin || $0.dot.seq + 1 != op.dot.seq }) ?? true {
                previous = quarantined[Dot(origin: op.dot.origin, seq: op.dot.seq - 1)]
            }
            if let problem = check(op, after: previous) { problems.append(problem) }
            previous = op
        }
        for op in quarantined.values.sorted(by: { ($0.dot.origin, $0.dot.seq) < ($1.dot.origin, $1.dot.seq) }) {
            let before = Dot(origin: op.dot.origin, seq: op.dot.seq - 1)
            let logged = try Row.fetchOne(
                db,
                sql: "SELECT \(LoggedOperation.columns) FROM oplog WHERE origin = ? AND seq = ?",
                arguments: [before.origin, Int64(clamping: before.seq)]
            ).flatMap(Self.chainOperation)
            if let problem = check(op, after: logged ?? quarantined[before]) { problems.append(problem) }
        }
    }

    /// An operation read back whole for hashing, or nil when its row cannot be read (reported by the
    /// row check).
    private static func chainOperation(_ row: Row) -> SyncOperation? {
        try? LoggedOperation.reading(row).operation.get()
    }

    // MARK: Held dots

    /// Compares `holdings` with the dots of the log, one origin at a time (the log's unique index on
    /// (origin, seq) gives them in order without a sort).
    private mutating func checkHoldings() throws {
        var held: [String: SeqRanges] = [:]
        var unreadable = Set<String>()
        for row in try Row.fetchAll(db, sql: "SELECT origin, ranges FROM holdings ORDER BY origin") {
            let origin = text(row[0])
            do {
                guard let ranges = String.fromDatabaseValue(row[1]) else {
                    throw JSONParseError("ranges are not text", at: 0)
                }
                let summary = try Summary(json: .object([origin: try JSONParser.parse(ranges)]))
                held[origin] = summary.origins[origin] ?? SeqRanges()
            } catch {
                problems.append(.unreadableHoldings(origin: origin, reason: "\(error)"))
                unreadable.insert(origin)
            }
        }
        let logged = try dots(sql: "SELECT origin, seq FROM oplog ORDER BY origin, seq")
        // A hub holds the dots of the operations it quarantined without logging them.
        let quarantined =
            try db.tableExists("quarantine")
            ? try dots(sql: "SELECT origin, seq FROM quarantine ORDER BY origin, seq") : [:]
        let all = Set(held.keys).union(logged.keys).union(unreadable)
        origins = all.count
        for origin in all.sorted(by: bytesLess) where !unreadable.contains(origin) {
            let holding = held[origin]?.ranges ?? []
            let log = logged[origin]?.ranges ?? []
            let missing = Self.subtract(log, from: holding)
            for seqs in Self.subtract(quarantined[origin]?.ranges ?? [], from: missing) {
                problems.append(.operationsMissingFromLog(origin: origin, seqs: seqs))
            }
            for seqs in Self.subtract(holding, from: log) {
                problems.append(.operationsNotInHoldings(origin: origin, seqs: seqs))
            }
        }
    }

    /// The dots an `SELECT origin, seq … ORDER BY origin, seq` gives, as ranges per origin, built in
    /// one pass (a seq that is not a positive integer shows as 0, a dot no holdings can list).
    private func dots(sql: String) throws -> [String: SeqRanges] {
        var found: [String: SeqRanges] = [:]
        let cursor = try Row.fetchCursor(db, sql: sql)
        var origin: String?
        var ranges: [ClosedRange<UInt64>] = []
        while let row = try cursor.next() {
            let current = text(row[0])
            if origin.map({ !bytesEqual($0, current) }) ?? true {
                if let origin { found[origin] = SeqRanges(ranges) }
                ranges.removeAll()
                origin = current
            }
            let seq = UInt64(max(0, Int64.fromDatabaseValue(row[1]) ?? 0))
            if let last = ranges.last, last.upperBound >= seq {
                continue
            } else if let last = ranges.last, last.upperBound + 1 == seq {
                ranges[ranges.count - 1] = last.lowerBound...seq
            } else {
                ranges.append(seq...seq)
            }
        }
        if let origin { found[origin] = SeqRanges(ranges) }
        return found
    }

    /// The numbers in `ranges` that are not in `removed` (both sorted and disjoint), as ranges.
    static func subtract(_ removed: [ClosedRange<UInt64>], from ranges: [ClosedRange<UInt64>]) -> [ClosedRange<
        UInt64
    >] {
        var result: [ClosedRange<UInt64>] = []
        var first = 0
        for range in ranges {
            var low = range.lowerBound
            while first < removed.count, removed[first].upperBound < low { first += 1 }
            var index = first
            var covered = false
            while index < removed.count, removed[index].lowerBound <= range.upperBound {
                if removed[index].lowerBound > low { result.append(low...(removed[index].lowerBound - 1)) }
                if removed[index].upperBound >= range.upperBound {
                    covered = true
                    break
                }
                low = removed[index].upperBound + 1
                index += 1
            }
            if !covered { result.append(low...range.upperBound) }
        }
        return result
    }

    // MARK: Row states and conflicts

    /// One `row_state` row.
    private struct StateRow {
        var key: RowKey
        var state: RowState?
        var reason: String?
    }

    /// One `conflict` row.
    private struct ConflictRow {
        var key: RowKey
        var column: String
        var kind: String
    }

    /// Walks the log (ordered by table, row, position), `row_state` and `conflict` (both in key order)
    /// side by side, one row key at a time.
    private mutating func checkRows() throws {
        // Read defensively: a damaged log row is reported, never a crash.
        let log = try Row.fetchCursor(db, sql: "SELECT \(LoggedOperation.columns) FROM oplog ORDER BY tbl, row, pos")
        let states = try Row.fetchCursor(db, sql: "SELECT tbl, row, state FROM row_state ORDER BY tbl, row")
        let conflictRows = try Row.fetchCursor(
            db, sql: "SELECT tbl, row, col, kind FROM conflict ORDER BY tbl, row, col, kind")
        // Withdrawn refusals are left out of the replay, as withdrawing took them out of the state.
        let withdrawn = try ReplicaStore.withdrawnDots(db)
        var nextOperation = try log.next().map(LoggedOperation.reading)
        var nextState = try states.next().map(Self.stateRow)
        var nextConflict = try conflictRows.next().map(Self.conflictRow)
        if nextOperation != nil { operations += 1 }
        if nextState != nil { rows += 1 }
        if nextConflict != nil { conflicts += 1 }

        while nextOperation != nil || nextState != nil {
            let key = [nextOperation?.key, nextState?.key].compactMap { $0 }.min()!
            // Replay the row's operations in log order into a fresh state.
            var replayed = RowState()
            var written = 0
            var damaged = false
            while let entry = nextOperation, entry.key == key {
                written += 1
                switch entry.operation {
                case .success(let operation):
                    if !withdrawn.contains(entry.dot) { replayed.apply(operation) }
                case .failure(let error):
                    damaged = true
                    problems.append(.unreadableOperation(position: entry.position, dot: entry.dot, reason: "\(error)"))
                }
                nextOperation = try log.next().map(LoggedOperation.reading)
                if nextOperation != nil { operations += 1 }
            }
            var stored: StateRow?
            if let entry = nextState, entry.key == key {
                stored = entry
                nextState = try states.next().map(Self.stateRow)
                if nextState != nil { rows += 1 }
            }
            if let reason = stored?.reason {
                problems.append(.unreadableRowState(table: key.table, row: key.row, reason: reason))
            }
            let state = stored?.state
            if stored == nil, !damaged, replayed.isEmpty, written > 0 {
                // Every operation of the row was withdrawn: no state, as withdrawing left it.
            } else if stored == nil {
                problems.append(.operationsWithoutRowState(table: key.table, row: key.row, operations: written))
            } else if written == 0 {
                problems.append(.rowStateWithoutOperations(table: key.table, row: key.row))
            } else if let state, !damaged, state != replayed {
                compare(key, stored: state, replayed: replayed)
            }

            // The conflict table, up to and including this row. Rows before it have no state at all.
            var listed: [ConflictRow] = []
            while let entry = nextConflict, entry.key < key || entry.key == key {
                if entry.key == key {
                    listed.append(entry)
                } else {
                    problems.append(
                        .conflictNotInRowState(
                            table: entry.key.table, row: entry.key.row, column: entry.column, kind: entry.kind))
                }
                nextConflict = try conflictRows.next().map(Self.conflictRow)
                if nextConflict != nil { conflicts += 1 }
            }
            // An unreadable state cannot say which conflicts it has: that was reported above.
            if stored?.reason == nil { compareConflicts(key, expected: state?.conflicts ?? [], listed: listed) }
        }
        while let entry = nextConflict {
            problems.append(
                .conflictNotInRowState(
                    table: entry.key.table, row: entry.key.row, column: entry.column, kind: entry.kind))
            nextConflict = try conflictRows.next().map(Self.conflictRow)
            if nextConflict != nil { conflicts += 1 }
        }
    }

    /// Names every column where the stored state and the replayed one differ.
    private mutating func compare(_ key: RowKey, stored: RowState, replayed: RowState) {
        let columns = Set(stored.fields.keys).union(replayed.fields.keys).sorted(by: bytesLess)
        for column in columns {
            let have = stored.fields[column]
            let want = replayed.fields[column]
            guard have != want else { continue }
            let difference: FieldDifference
            if let have, let want {
                let haveDots = have.siblings.map(\.dot).sorted()
                let wantDots = want.siblings.map(\.dot).sorted()
                if haveDots != wantDots {
                    difference = .siblings(stored: haveDots, replayed: wantDots)
                } else if have.siblings != want.siblings {
                    let logged = Dictionary(want.siblings.map { ($0.dot, $0) }, uniquingKeysWith: { first, _ in first })
                    difference = .values(have.siblings.filter { logged[$0.dot] != $0 }.map(\.dot).sorted())
                } else {
                    difference = .vector(stored: have.vector, replayed: want.vector)
                }
            } else {
                difference = have == nil ? .missingFromRowState : .notInLog
            }
            problems.append(.rowStateDiffers(table: key.table, row: key.row, column: column, difference: difference))
        }
    }

    /// Compares the conflicts a stored state shows with the rows the `conflict` table lists for it.
    private mutating func compareConflicts(_ key: RowKey, expected: [Conflict], listed: [ConflictRow]) {
        let shown = Set(listed.map { "\($0.column)\u{0}\($0.kind)" })
        for conflict in expected where !shown.contains("\(conflict.column)\u{0}\(conflict.kind.rawValue)") {
            problems.append(
                .conflictMissing(table: key.table, row: key.row, column: conflict.column, kind: conflict.kind))
        }
        let derived = Set(expected.map { "\($0.column)\u{0}\($0.kind.rawValue)" })
        for entry in listed where !derived.contains("\(entry.column)\u{0}\(entry.kind)") {
            problems.append(
                .conflictNotInRowState(table: key.table, row: key.row, column: entry.column, kind: entry.kind))
        }
    }

    // MARK: Reading rows defensively

    /// A text column, or a readable rendering of whatever else is stored there.
    private func text(_ value: DatabaseValue) -> String { Self.text(value) }

    private static func text(_ value: DatabaseValue) -> String { LoggedOperation.text(value) }

    private static func stateRow(_ row: Row) -> StateRow {
        let key = RowKey(table: text(row[0]), row: text(row[1]))
        guard let stored = String.fromDatabaseValue(row[2]) else {
            return StateRow(key: key, state: nil, reason: "the state is not text")
        }
        do {
            return StateRow(key: key, state: try RowState(stored: Array(stored.utf8)), reason: nil)
        } catch {
            return StateRow(key: key, state: nil, reason: "\(error)")
        }
    }

    private static func conflictRow(_ row: Row) -> ConflictRow {
        ConflictRow(key: RowKey(table: text(row[0]), row: text(row[1])), column: text(row[2]), kind: text(row[3]))
    }
}
