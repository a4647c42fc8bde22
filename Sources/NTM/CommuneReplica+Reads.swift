import Crypto
import Foundation
import GRDB
import Replica
import SyncCore

/// One evidence document as listed.
public struct EvidenceRecord: Sendable, Hashable {
    /// The evidence id (12 hex digits).
    public var uid: String
    /// The indicator it supports.
    public var indicator: String
    /// Its kind (quyết định, biên bản, ảnh…).
    public var kind: String?
    /// Its title.
    public var title: String
    /// Its document number (số hiệu).
    public var number: String?
    /// Its date of issue.
    public var issued: CalendarDate?
    /// Who issued it.
    public var issuer: String?
    /// The attached file's name.
    public var fileName: String?
    /// The attached file's size in bytes.
    public var fileSize: Int64?
    /// The attached file's SHA-256 (64 hex digits).
    public var fileSHA256: String?
}

/// The short summary `ntm status` prints: the report figures of today plus the replica's own counts.
public struct CommuneStatus: Sendable, Hashable {
    /// Today's figures.
    public var figures: CommuneFigures
    /// This replica's id.
    public var replicaID: String
    /// Open conflicts.
    public var openConflicts: Int
    /// Operations in the log.
    public var operations: Int
    /// Operations written on this replica.
    public var localOperations: Int
}

/// One of the commune's own notes.
public struct NoteRecord: Sendable, Hashable {
    /// The note's id (12 hex digits).
    public var uid: String
    /// What it says.
    public var text: String
    /// The indicator it is about, if any.
    public var indicator: String?
    /// The day it was written.
    public var written: CalendarDate?
}

extension CommuneReplica {
    /// The commune's evidence documents (not removed), by indicator in catalogue order, then date and title.
    public func evidence(code: String? = nil) throws -> [EvidenceRecord] {
        let filterCode = try code.map { try indicator($0).code }
        let rows = try store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM evidence WHERE commune = ? AND coalesce(criteria_set, ?) = ?",
                arguments: [commune, catalogue.id, catalogue.id])
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

    /// The figures of `ntm status`.
    public func status() throws -> CommuneStatus {
        CommuneStatus(
            figures: try figures(), replicaID: store.replicaID, openConflicts: try store.conflictCount(),
            operations: try store.operationCount(), localOperations: try store.localOperationCount())
    }

    /// The commune's deadlines for this set (recorded ones, not indicators' own), by due date.
    public func deadlines() throws -> [DeadlineItem] {
        let rows = try store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM deadline WHERE commune = ? AND coalesce(criteria_set, ?) = ?",
                arguments: [commune, catalogue.id, catalogue.id])
        }
        return rows.compactMap { row -> DeadlineItem? in
            guard let due = (row["due"] as String?).flatMap(CalendarDate.init(parsing:)) else { return nil }
            return DeadlineItem(
                uid: row["uid"], commune: commune, title: row["title"], indicator: row["indicator"], due: due,
                owner: row["owner"] ?? "", ownerKind: row["owner_kind"] ?? "person",
                done: (row["done"] as String?).flatMap(CalendarDate.init(parsing:)))
        }.sorted { ($0.due, $0.uid ?? "") < ($1.due, $1.uid ?? "") }
    }

    /// The commune's own notes for this set, oldest first.
    public func notes() throws -> [NoteRecord] {
        let rows = try store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM note WHERE commune = ? AND coalesce(criteria_set, ?) = ?",
                arguments: [commune, catalogue.id, catalogue.id])
        }
        return rows.map { row in
            NoteRecord(
                uid: row["uid"], text: row["text"] ?? "", indicator: row["indicator"],
                written: (row["written"] as String?).flatMap(CalendarDate.init(parsing:)))
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
}
