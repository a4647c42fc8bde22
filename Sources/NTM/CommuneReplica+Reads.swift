import Crypto
import Foundation
import GRDB
import Replica
import SyncCore

/// One evidence document as listed.
public struct EvidenceRecord: Sendable, Hashable {
    public var uid: String
    public var indicator: String
    public var kind: String?
    public var title: String
    public var number: String?
    public var issued: CalendarDate?
    public var issuer: String?
    public var fileName: String?
    public var fileSize: Int64?
    public var fileSHA256: String?
}

/// The short summary `ntm status` prints.
public struct CommuneStatus: Sendable, Hashable {
    public var commune: String
    public var communeName: String
    public var setID: String
    public var replicaID: String
    public var criteriaTotal: Int
    public var criteriaMet: Int
    public var indicatorsTotal: Int
    public var indicatorsAssessed: Int
    public var indicatorsMet: Int
    public var dossiersComplete: Int
    public var generalDossier: Bool
    public var sectorsTotal: Int
    public var sectorsSent: Int
    public var sectorsInspected: Int
    public var sectorsPassed: Int
    public var evidenceCount: Int
    public var openConflicts: Int
    public var operations: Int
    public var localOperations: Int
}

/// An open conflict described in domain words.
public struct ConflictView: Sendable, Hashable {
    /// One competing value.
    public struct Value: Sendable, Hashable {
        public var display: String
        public var raw: FieldValue
        public var author: String
        public var replica: String
        public var seq: UInt64
        public var wallMs: Int64
        public var note: String?
    }

    /// A short stable id, the same on every replica: the first 8 hex digits of SHA-256 of the field and kind.
    public var id: String
    public var table: String
    public var row: String
    public var column: String
    public var kind: Conflict.Kind
    public var subject: String
    public var field: String
    /// The indicator code the conflict concerns, when there is one.
    public var indicator: String?
    /// The competing values; the first is the one shown while the conflict is open.
    public var values: [Value]
}

extension CommuneReplica {
    /// The commune's evidence documents (not removed), by indicator in catalogue order, then date and title.
    public func evidence(code: String? = nil) throws -> [EvidenceRecord] {
        let filterCode = try code.map { try indicator($0).code }
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM evidence WHERE commune = ?", arguments: [commune])
        }
        let order = Dictionary(uniqueKeysWithValues: catalogue.indicators.enumerated().map { ($1.code, $0) })
        return
            rows.map { row in
                EvidenceRecord(
                    uid: row["uid"], indicator: row["indicator"] ?? "", kind: row["kind"], title: row["title"] ?? "",
                    number: row["number"], issued: (row["issued"] as String?).flatMap(CalendarDate.init(parsing:)),
                    issuer: row["issuer"], fileName: row["file_name"], fileSize: row["file_size"],
                    fileSHA256: row["file_sha256"])
            }
            .filter { filterCode == nil || $0.indicator == filterCode }
            .sorted {
                (order[$0.indicator] ?? .max, $0.issued?.iso ?? "", $0.title, $0.uid) < (
                    order[$1.indicator] ?? .max, $1.issued?.iso ?? "", $1.title, $1.uid
                )
            }
    }

    /// The figures of `ntm status`.
    public func status() throws -> CommuneStatus {
        let set = catalogue.id
        let (statuses, dossiers, appraisals, evidenceCount) = try store.read { db in
            let statuses = Dictionary(
                try Row.fetchAll(
                    db, sql: "SELECT indicator, status FROM assessment WHERE commune = ? AND criteria_set = ?",
                    arguments: [commune, set]
                ).map { ($0["indicator"] as String, ($0["status"] as String?) ?? "") }, uniquingKeysWith: { a, _ in a })
            let dossiers = Dictionary(
                try Row.fetchAll(
                    db, sql: "SELECT part, complete FROM dossier WHERE commune = ? AND criteria_set = ?",
                    arguments: [commune, set]
                ).map { ($0["part"] as String, ($0["complete"] as Bool?) ?? false) }, uniquingKeysWith: { a, _ in a })
            let appraisals = try Row.fetchAll(
                db, sql: "SELECT sent, inspected, verdict FROM appraisal WHERE commune = ?", arguments: [commune])
            let evidenceCount =
                try Int.fetchOne(db, sql: "SELECT count(*) FROM evidence WHERE commune = ?", arguments: [commune]) ?? 0
            return (statuses, dossiers, appraisals, evidenceCount)
        }
        let met = Set(statuses.filter { $0.value == AssessmentStatus.met.rawValue }.keys)
        let criteriaMet = catalogue.criteria.filter { criterion in
            let codes = catalogue.indicators(of: criterion.number).map(\.code)
            return !codes.isEmpty && codes.allSatisfy(met.contains)
        }.count
        return CommuneStatus(
            commune: commune, communeName: communeName, setID: set, replicaID: store.replicaID,
            criteriaTotal: catalogue.criteria.count, criteriaMet: criteriaMet,
            indicatorsTotal: catalogue.indicators.count,
            indicatorsAssessed: statuses.keys.filter { catalogue.indicator($0) != nil }.count,
            indicatorsMet: met.filter { catalogue.indicator($0) != nil }.count,
            dossiersComplete: catalogue.criteria.filter { dossiers[String($0.number)] == true }.count,
            generalDossier: dossiers["general"] == true, sectorsTotal: catalogue.sectors.count,
            sectorsSent: appraisals.filter { ($0["sent"] as String?) != nil }.count,
            sectorsInspected: appraisals.filter { ($0["inspected"] as String?) != nil }.count,
            sectorsPassed: appraisals.filter { ($0["verdict"] as String?) == Verdict.met.rawValue }.count,
            evidenceCount: evidenceCount, openConflicts: try store.conflictCount(),
            operations: try store.operationCount(), localOperations: try store.localOperationCount())
    }

    /// The history of an indicator (its assessment and every evidence document ever attached to it), or
    /// of everything of this commune when `code` is nil; oldest first.
    public func history(code: String?) throws -> [HistoryEntry] {
        if let code {
            let indicator = try indicator(code)
            let assessment = try store.history(
                table: NTMSchema.Table.assessment,
                rows: [NTMSchema.assessmentRow(commune: commune, set: catalogue.id, code: indicator.code)])
            let evidenceRows = try store.rows(
                table: NTMSchema.Table.evidence, everWritten: "indicator", value: .text(indicator.code))
            let evidence = try store.history(table: NTMSchema.Table.evidence, rows: evidenceRows)
            return (assessment + evidence).sorted { $0.operation.position < $1.operation.position }
        }
        var all: [HistoryEntry] = []
        for table in store.schema.tables.map(\.name) {
            let rows = try store.read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT row FROM oplog WHERE tbl = ?", arguments: [table])
            }
            all += try store.history(table: table, rows: rows)
        }
        return all.sorted { $0.operation.position < $1.operation.position }
    }

    /// The open conflicts in domain words.
    public func conflictViews(_ language: Language) throws -> [ConflictView] {
        let presentation = Presentation(catalogue: catalogue, language: language)
        return try store.conflicts().map { record in
            let key = record.key
            var indicator: String?
            if key.table == NTMSchema.Table.assessment {
                indicator = key.row.split(separator: "/").last.map(String.init)
            }
            if key.table == NTMSchema.Table.evidence {
                indicator = try store.rowState(table: key.table, row: key.row)?.fields["indicator"]?.provisional?.text
            }
            let digest = SHA256.hash(data: Data("\(key.table)/\(key.row)#\(key.column):\(record.kind.rawValue)".utf8))
            return ConflictView(
                id: digest.prefix(4).hexString, table: key.table, row: key.row,
                column: key.column, kind: record.kind,
                subject: presentation.subject(
                    table: key.table, row: key.row,
                    indicatorOfEvidence: key.table == NTMSchema.Table.evidence ? indicator : nil),
                field: presentation.field(table: key.table, column: key.column), indicator: indicator,
                values: record.values.map { op in
                    ConflictView.Value(
                        display: presentation.value(op.value, table: key.table, column: op.key.column), raw: op.value,
                        author: op.author, replica: op.dot.origin, seq: op.dot.seq, wallMs: op.wallMs, note: op.note)
                })
        }
    }
}
