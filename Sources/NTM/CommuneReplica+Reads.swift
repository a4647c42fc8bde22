import Crypto
import Foundation
import Replica
import SyncCore

extension CommuneReplica {
    /// The commune's evidence documents (not removed), by indicator in catalogue order, then date and title.
    public func evidence(code: String? = nil) throws -> [EvidenceRecord] {
        let filterCode = try code.map { try indicator($0).code }
        let rows = try rowsOfThisSet(NTMSchema.Table.evidence)
        let order = Dictionary(uniqueKeysWithValues: catalogue.indicators.enumerated().map { ($1.code, $0) })
        return
            try rows.map { row in
                var record = EvidenceRecord(
                    uid: row["uid"]?.text ?? "", indicator: row["indicator"]?.text ?? "", kind: row["kind"]?.text,
                    title: row["title"]?.text ?? "", number: row["number"]?.text,
                    issued: row["issued"]?.text.flatMap(CalendarDate.init(parsing:)), issuer: row["issuer"]?.text,
                    fileName: row["file_name"]?.text, fileSize: row["file_size"]?.integer,
                    fileSHA256: row["file_sha256"]?.text)
                if let sha = record.fileSHA256 {
                    (record.fileState, record.fileAtDistrict) = try fileStanding(sha)
                }
                return record
            }
            .filter { filterCode == nil || $0.indicator == filterCode }
            .sorted {
                (order[$0.indicator] ?? .max, $0.issued?.iso ?? "", $0.title, $0.uid) < (
                    order[$1.indicator] ?? .max, $1.issued?.iso ?? "", $1.title, $1.uid
                )
            }
    }

    /// The report figures of this commune and target: now, or as the database held them at the end
    /// of `asOf` (then also the date deadlines are measured against).
    public func figures(asOf: CalendarDate? = nil, lookAheadDays: Int = 30) throws -> CommuneFigures {
        let snapshot = try database.reportSnapshot(asOf: asOf)
        let date = asOf ?? CalendarDate.today(store.clock())
        let builder = ReportBuilder(
            snapshot: snapshot, library: try database.library(snapshot), date: date, lookAheadDays: lookAheadDays)
        let record =
            try database.communes(snapshot).first { $0.slug == commune }
            ?? CommuneRecord(slug: commune, name: commune)
        // The target as it was held then: the same set if it was already a target, else the latest then.
        let held = try database.targets(of: commune, in: snapshot)
        guard let then = held.first(where: { $0.setID == target.setID }) ?? held.last else {
            throw NTMError.nothingHeld(commune: commune, date: date)
        }
        return try builder.figures(record, target: then)
    }

    /// Where a file stands on this database, and whether the district holds it (see
    /// ``EvidenceRecord/fileAtDistrict``). A file this database knows nothing of is missing.
    func fileStanding(_ sha256: String) throws -> (state: FileState, atDistrict: Bool) {
        let status = try store.fileStatus(sha256)
        let state = status?.state ?? .missing
        return (state, status?.atHub == true || (database.isHub && state == .present))
    }

    /// How the files the commune's live rows reference stand here (each file once), for `ntm status`.
    public func fileCounts() throws -> FileCounts {
        let prefix = "\(commune)/"
        let files = Set(try store.referencedFiles().filter { $0.row.hasPrefix(prefix) }.map(\.sha256))
        var counts = FileCounts()
        for sha in files.sorted() {
            let standing = try fileStanding(sha)
            counts.add(standing.state, atDistrict: standing.atDistrict)
        }
        return counts
    }

    /// The figures of `ntm status`.
    public func status() throws -> CommuneStatus {
        CommuneStatus(
            figures: try figures(), replicaID: store.replicaID, openConflicts: try store.conflictCount(),
            operations: try store.operationCount(), localOperations: try store.localOperationCount())
    }

    /// The commune's deadlines for this set (recorded ones, not indicators' own), by due date.
    public func deadlines() throws -> [DeadlineItem] {
        return try rowsOfThisSet(NTMSchema.Table.deadline).compactMap { row -> DeadlineItem? in
            guard let due = row["due"]?.text.flatMap(CalendarDate.init(parsing:)) else { return nil }
            return DeadlineItem(
                uid: row["uid"]?.text, commune: commune, title: row["title"]?.text, indicator: row["indicator"]?.text,
                due: due, owner: row["owner"]?.text ?? "", ownerKind: row["owner_kind"]?.text ?? "person",
                done: row["done"]?.text.flatMap(CalendarDate.init(parsing:)))
        }.sorted { ($0.due, $0.uid ?? "") < ($1.due, $1.uid ?? "") }
    }

    /// The commune's own notes for this set, oldest first.
    public func notes() throws -> [NoteRecord] {
        return try rowsOfThisSet(NTMSchema.Table.note).map { row in
            NoteRecord(
                uid: row["uid"]?.text ?? "", text: row["text"]?.text ?? "", indicator: row["indicator"]?.text,
                written: row["written"]?.text.flatMap(CalendarDate.init(parsing:)))
        }.sorted { ($0.written?.iso ?? "", $0.uid) < ($1.written?.iso ?? "", $1.uid) }
    }

    /// The history of an indicator (its assessment and every evidence document ever attached to it), or
    /// of everything of this commune when `code` is nil; oldest first.
    public func history(code: String?) throws -> [HistoryEntry] {
        if let code {
            let indicator = try indicator(code)
            let assessment = try store.history(
                table: NTMSchema.Table.assessment,
                rows: [NTMSchema.assessmentRow(commune: commune, set: catalogue.id, code: indicator.code)])
            // This commune's evidence only (a hub holds every commune's), found through the log's row index.
            let evidenceRows = try store.rows(
                table: NTMSchema.Table.evidence, everWritten: "indicator", value: .text(indicator.code),
                prefix: NTMSchema.row(commune, ""))
            let evidence = try store.history(table: NTMSchema.Table.evidence, rows: evidenceRows)
            return (assessment + evidence).sorted { $0.operation.position < $1.operation.position }
        }
        var all: [HistoryEntry] = []
        for table in store.schema.tables.map(\.name) {
            all += try store.history(table: table, rows: try store.rows(table: table))
        }
        return all.sorted { $0.operation.position < $1.operation.position }
    }

    /// The projected rows of `table` (evidence, deadlines, notes) of this commune that belong to this
    /// criteria set, or that name no set.
    func rowsOfThisSet(_ table: String) throws -> [[String: FieldValue]] {
        try store.projectionRows(table: table, where: ["commune": .text(commune)]).filter { row in
            row["criteria_set"]?.text.map { bytesEqual($0, catalogue.id) } ?? true
        }
    }
}

extension FieldValue {
    /// The integer, if this is one (a projected integer column reads back as one), or a real number
    /// that is exactly an integer (as SQLite may hand back a column of REAL affinity).
    fileprivate var integer: Int64? {
        switch self {
        case .int(let number): return number
        case .double(let number): return Int64(exactly: number)
        default: return nil
        }
    }
}
