import Crypto
import Foundation
import GRDB
import Replica
import SyncCore

extension CommuneReplica {
    /// Records an indicator's assessment. Only the given fields are written.
    @discardableResult
    public func assess(
        code: String, status: String, value: String? = nil, note: String? = nil, deadline: String? = nil, author: String
    ) throws -> [SyncOperation] {
        let indicator = try indicator(code)
        guard let parsed = AssessmentStatus(parsing: status) else { throw NTMError.unknownStatus(status) }
        var values: [String: FieldValue] = ["status": .text(parsed.rawValue)]
        if let value {
            guard let number = parseMeasuredValue(value) else { throw NTMError.badNumber(value) }
            values["value"] = .double(number)
        }
        if let note { values["note"] = .text(Text.normalized(note)) }
        if let date = try Self.date(deadline, option: "--deadline") { values["deadline"] = .text(date.iso) }
        let row = NTMSchema.assessmentRow(commune: commune, set: catalogue.id, code: indicator.code)
        return try writeRow(NTMSchema.Table.assessment, row, values, author: author)
    }

    /// Adds an evidence document to an indicator; returns its id. With a file, its name, size and
    /// SHA-256 are recorded (the file itself stays where it is).
    @discardableResult
    public func addEvidence(
        code: String, title: String, kind: String? = nil, number: String? = nil, date: String? = nil,
        issuer: String? = nil, file: String? = nil, author: String
    ) throws -> String {
        let indicator = try indicator(code)
        let cleanTitle = Text.normalized(title)
        guard !cleanTitle.isEmpty else { throw NTMError.emptyTitle }
        var values: [String: FieldValue] = ["indicator": .text(indicator.code), "title": .text(cleanTitle)]
        if let kind { values["kind"] = .text(Text.normalized(kind)) }
        if let number { values["number"] = .text(Text.normalized(number)) }
        if let issued = try Self.date(date, option: "--date") { values["issued"] = .text(issued.iso) }
        if let issuer { values["issuer"] = .text(Text.normalized(issuer)) }
        if let file {
            let (size, digest) = try Self.fingerprint(file: file)
            values["file_name"] = .text(Text.normalized((file as NSString).lastPathComponent))
            values["file_size"] = .int(size)
            values["file_sha256"] = .text(digest)
        }
        let uid = makeID()
        try writeRow(
            NTMSchema.Table.evidence, NTMSchema.evidenceRow(commune: commune, uid: uid), values, author: author)
        return uid
    }

    /// Renames the commune (the name shown everywhere); also how a conflict over the name is settled.
    public func rename(_ name: String, author: String) throws {
        let clean = Text.normalized(name)
        guard !clean.isEmpty else { throw NTMError.emptyName }
        try writeRow(NTMSchema.Table.commune, commune, ["name": .text(clean)], author: author)
    }

    /// Removes an evidence document by id or by a unique prefix of it (at least 4 characters). A
    /// document already removed while someone else edited it (an edit-delete conflict) can be removed
    /// again, which confirms the removal and settles the conflict.
    /// - Returns: the full id removed.
    @discardableResult
    public func removeEvidence(_ id: String, author: String) throws -> String {
        let disputed = try store.conflicts().filter {
            $0.kind == .editDelete && $0.key.table == NTMSchema.Table.evidence
        }
        .compactMap { evidenceID(ofRow: $0.key.row) }
        let uid = try resolveEvidence(id, among: try evidence().map(\.uid) + disputed)
        try writeRow(
            NTMSchema.Table.evidence, NTMSchema.evidenceRow(commune: commune, uid: uid), [tombstoneColumn: .bool(true)],
            author: author)
        return uid
    }

    /// Records a province sector's appraisal: when the dossier was sent, when the sector inspected, its verdict.
    @discardableResult
    public func appraisal(sector text: String, sent: String?, inspected: String?, verdict: String?, author: String)
        throws
        -> String
    {
        let sector = try sector(text)
        var values: [String: FieldValue] = [:]
        if let date = try Self.date(sent, option: "--sent") { values["sent"] = .text(date.iso) }
        if let date = try Self.date(inspected, option: "--inspected") { values["inspected"] = .text(date.iso) }
        if let verdict {
            guard let parsed = Verdict(parsing: verdict) else { throw NTMError.unknownVerdict(verdict) }
            values["verdict"] = .text(parsed.rawValue)
        }
        guard !values.isEmpty else { throw NTMError.nothingToChange }
        values["sector_name"] = .text(sector)
        try writeRow(
            NTMSchema.Table.appraisal, NTMSchema.appraisalRow(commune: commune, sector: sector), values, author: author)
        return sector
    }

    /// Marks a criterion's dossier (or the general dossier, `general`) complete or not.
    public func dossier(part text: String, complete: Bool, author: String) throws {
        let folded = Text.slug(text)
        let part: String
        if ["general", "chung", "ho-so-chung"].contains(folded) {
            part = "general"
        } else if let number = Int(folded), catalogue.criteria.contains(where: { $0.number == number }) {
            part = String(number)
        } else {
            throw NTMError.unknownCriterion(text, count: catalogue.criteria.count)
        }
        try writeRow(
            NTMSchema.Table.dossier, NTMSchema.dossierRow(commune: commune, set: catalogue.id, part: part),
            ["complete": .bool(complete)], author: author)
    }

    /// Restores a removed evidence document (by id or unique prefix); its fields are kept, including
    /// edits made while it was removed.
    @discardableResult
    public func restoreEvidence(_ id: String, author: String) throws -> String {
        let prefix = "\(commune)/"
        let removed = try store.read { db in
            try String.fetchAll(
                db, sql: "SELECT row FROM row_state WHERE tbl = ? AND substr(row, 1, ?) = ?",
                arguments: [NTMSchema.Table.evidence, prefix.utf8.count, prefix])
        }.filter { (try? store.rowState(table: NTMSchema.Table.evidence, row: $0))??.isDeleted == true }
        let uid = try resolveEvidence(id, among: removed.compactMap { evidenceID(ofRow: $0) })
        try writeRow(
            NTMSchema.Table.evidence, NTMSchema.evidenceRow(commune: commune, uid: uid),
            [tombstoneColumn: .bool(false)], author: author)
        return uid
    }

    /// Writes some columns of one row; returns the operations written.
    @discardableResult
    func writeRow(_ table: String, _ row: String, _ values: [String: FieldValue], author: String) throws
        -> [SyncOperation]
    {
        try store.write([RowChange(table: table, row: row, values: values)], author: author)
    }

    func evidenceID(ofRow row: String) -> String? {
        let prefix = "\(commune)/"
        return row.hasPrefix(prefix) ? String(row.dropFirst(prefix.count)) : nil
    }

    func resolveEvidence(_ id: String) throws -> String { try resolveEvidence(id, among: try evidence().map(\.uid)) }

    func resolveEvidence(_ id: String, among candidates: [String]) throws -> String {
        let key = id.trimmingCharacters(in: .whitespaces).lowercased()
        let ids = Array(Set(candidates)).sorted()
        if ids.contains(key) { return key }
        let matches = key.count >= 4 ? ids.filter { $0.hasPrefix(key) } : []
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 { throw NTMError.ambiguousEvidence(id, matches: matches) }
        throw NTMError.unknownEvidence(id)
    }

    static func fingerprint(file path: String) throws -> (Int64, String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw NTMError.fileUnreadable(path) }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch { throw NTMError.fileUnreadable(path) }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (size, hasher.finalize().hexString)
    }
}
