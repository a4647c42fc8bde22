import Crypto
import Foundation
import Replica
import SyncCore

extension CommuneReplica {
    /// Records an indicator's assessment. Only the given fields are written.
    ///
    /// A percentage must lie between 0 and 100. An indicator whose measured value (given now or
    /// recorded before) misses a numeric target cannot be marked met without a note saying why.
    @discardableResult
    public func assess(
        code: String, status: String, value: String? = nil, note: String? = nil, deadline: String? = nil, author: String
    ) throws -> [SyncOperation] {
        let indicator = try indicator(code)
        guard let parsed = AssessmentStatus(parsing: status) else { throw NTMError.unknownStatus(status) }
        let row = NTMSchema.assessmentRow(commune: commune, set: catalogue.id, code: indicator.code)
        let current = try store.rowState(table: NTMSchema.Table.assessment, row: row)?.projection ?? [:]
        var values: [String: FieldValue] = ["status": .text(parsed.rawValue)]
        if let value {
            guard let number = parseMeasuredValue(value) else { throw NTMError.badNumber(value) }
            if indicator.unit == "%", !(0...100).contains(number) { throw NTMError.percentOutOfRange(value) }
            values["value"] = .double(number)
        }
        if let note {
            let clean = Text.normalized(note)
            values["note"] = clean.isEmpty ? .null : .text(clean)
        }
        let due = try Self.date(deadline, option: "--deadline")
        let measured = values["value"]?.number ?? current["value"]?.number
        let reason = (values["note"] ?? current["note"])?.text
        if parsed == .met, let measured, indicator.meets(measured) == false, reason == nil {
            throw NTMError.metBelowTarget(code: indicator.code, value: measured, target: indicator.target)
        }
        var changes = [RowChange(table: NTMSchema.Table.assessment, row: row, values: values)]
        if let due {
            // The indicator's own deadline is a deadline like the others (listed, done, edited, removed
            // by `ntm deadline`); a value left in the assessment by an older version is cleared so that
            // it cannot come back when this deadline is removed.
            if current["deadline"] != nil, current["deadline"] != .null { changes[0].values["deadline"] = .null }
            changes.append(try indicatorDeadline(indicator, due: due))
        }
        return try writeRows(changes, author: author)
    }

    /// The id of an indicator's own completion deadline (`ntm assess CODE STATUS --deadline D`),
    /// derived from the set and the indicator so that every laptop setting it writes the same row (two
    /// different dates set apart are then a conflict to review, not two deadlines).
    public static func indicatorDeadlineID(set: String, code: String) -> String {
        SHA256.hash(data: Data("indicator-deadline/\(set)/\(code)".utf8)).prefix(6).hexString
    }

    /// The change that sets an indicator's completion deadline, owned by the indicator's department; a
    /// deadline done or removed before is open again.
    func indicatorDeadline(_ indicator: Catalogue.Indicator, due: CalendarDate) throws -> RowChange {
        let row = NTMSchema.row(commune, Self.indicatorDeadlineID(set: catalogue.id, code: indicator.code))
        let state = try store.rowState(table: NTMSchema.Table.deadline, row: row)
        var values: [String: FieldValue] = [
            "due": .text(due.iso), "owner": .text(indicator.department), "owner_kind": .text("department"),
            "criteria_set": .text(catalogue.id), "indicator": .text(indicator.code),
        ]
        if let state, state.isDeleted { values[tombstoneColumn] = .bool(false) }
        if let done = state?.projection?["done"], done != .null { values["done"] = .null }
        return RowChange(table: NTMSchema.Table.deadline, row: row, values: values)
    }

    /// Adds an evidence document to an indicator; returns its id. With a file, its content is stored in
    /// the replica (checked against its SHA-256 as it is stored) and its name, size and SHA-256 are
    /// recorded in the row; a file that cannot be read, or no room for it on the disk, writes nothing.
    @discardableResult
    public func addEvidence(
        code: String, title: String, kind: String? = nil, number: String? = nil, date: String? = nil,
        issuer: String? = nil, file: String? = nil, author: String
    ) throws -> String {
        let indicator = try indicator(code)
        let cleanTitle = Text.normalized(title)
        guard !cleanTitle.isEmpty else { throw NTMError.emptyTitle }
        var values: [String: FieldValue] = [
            "criteria_set": .text(catalogue.id), "indicator": .text(indicator.code), "title": .text(cleanTitle),
        ]
        if let kind { values["kind"] = .text(Text.normalized(kind)) }
        if let number { values["number"] = .text(Text.normalized(number)) }
        if let issued = try Self.date(date, option: "--date") { values["issued"] = .text(issued.iso) }
        if let issuer { values["issuer"] = .text(Text.normalized(issuer)) }
        if let file { values.merge(try storeFile(file)) { $1 } }
        let uid = makeID()
        try writeRow(
            NTMSchema.Table.evidence, NTMSchema.evidenceRow(commune: commune, uid: uid), values, author: author)
        return uid
    }

    /// Corrects an evidence document's description (by id or unique prefix): only the given fields are
    /// written. With a file, its content replaces the document's file (stored as ``addEvidence(code:title:kind:number:date:issuer:file:author:)``
    /// stores it); the old content stays in the replica for the history and past reports. Editing a
    /// document someone removed meanwhile is an edit-delete conflict, shown for review.
    /// - Returns: the full id.
    @discardableResult
    public func editEvidence(
        _ id: String, title: String? = nil, kind: String? = nil, number: String? = nil, date: String? = nil,
        issuer: String? = nil, file: String? = nil, author: String
    ) throws -> String {
        let uid = try resolveEvidence(id, among: try evidence().map(\.uid))
        var values: [String: FieldValue] = [:]
        if let title {
            let clean = Text.normalized(title)
            guard !clean.isEmpty else { throw NTMError.emptyTitle }
            values["title"] = .text(clean)
        }
        if let kind { values["kind"] = .text(Text.normalized(kind)) }
        if let number { values["number"] = .text(Text.normalized(number)) }
        if let issued = try Self.date(date, option: "--date") { values["issued"] = .text(issued.iso) }
        if let issuer { values["issuer"] = .text(Text.normalized(issuer)) }
        guard !values.isEmpty || file != nil else { throw NTMError.nothingToChange }
        if let file { values.merge(try storeFile(file)) { $1 } }
        try writeRow(
            NTMSchema.Table.evidence, NTMSchema.evidenceRow(commune: commune, uid: uid), values, author: author)
        return uid
    }

    /// Stores the content of the file at `path` in the replica and returns the evidence columns that
    /// reference it (its name, size and SHA-256, from the manifest of what was stored).
    ///
    /// Storing the content and writing the row that references it are two transactions: a crash
    /// between them leaves a stored file no row references, which ``ReplicaStore/collectFileGarbage(olderThan:)``
    /// removes later. That is accepted: nothing committed is lost, and the row never names a file that
    /// is not stored.
    func storeFile(_ path: String) throws -> [String: FieldValue] {
        let manifest: FileManifest
        do {
            manifest = try store.storeFile(at: path)
        } catch FileError.unreadable(let path, _) {
            // The domain's sentence says why in the person's words (no such file, a folder, no permission).
            throw NTMError.fileUnreadable(path)
        }
        return [
            "file_name": .text(Text.normalized((path as NSString).lastPathComponent)),
            "file_size": .int(manifest.size), "file_sha256": .text(manifest.sha256),
        ]
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

    /// Records a province sector's appraisal: when the dossier was sent, when the sector inspected, its
    /// verdict and the number of its written verdict (văn bản đánh giá).
    @discardableResult
    public func appraisal(
        sector text: String, sent: String?, inspected: String?, verdict: String?, document: String? = nil,
        note: String? = nil, author: String
    ) throws -> String {
        let sector = try sector(text)
        var values: [String: FieldValue] = [:]
        if let date = try Self.date(sent, option: "--sent") { values["sent"] = .text(date.iso) }
        if let date = try Self.date(inspected, option: "--inspected") { values["inspected"] = .text(date.iso) }
        if let verdict {
            guard let parsed = Verdict(parsing: verdict) else { throw NTMError.unknownVerdict(verdict) }
            values["verdict"] = .text(parsed.rawValue)
        }
        if let document { values["document"] = .text(Text.normalized(document)) }
        if let note { values["note"] = .text(Text.normalized(note)) }
        guard !values.isEmpty else { throw NTMError.nothingToChange }
        let row = NTMSchema.appraisalRow(commune: commune, set: catalogue.id, sector: sector)
        // A sector inspects a dossier it was sent: the inspection cannot come before the sending
        // (either date given now or recorded before).
        let current = try store.rowState(table: NTMSchema.Table.appraisal, row: row)?.projection ?? [:]
        if let sentOn = ReportBuilder.date(values["sent"] ?? current["sent"]),
            let inspectedOn = ReportBuilder.date(values["inspected"] ?? current["inspected"]), inspectedOn < sentOn
        {
            throw NTMError.inspectedBeforeSent(inspected: inspectedOn, sent: sentOn)
        }
        values["sector_name"] = .text(sector)
        try writeRow(NTMSchema.Table.appraisal, row, values, author: author)
        return sector
    }

    /// Records the district's verification (thẩm tra) of a criterion by one of the departments that own
    /// it; `department` may be omitted when the criterion has a single owner.
    /// - Returns: the department.
    @discardableResult
    public func verify(
        criterion text: String, result: String, department: String? = nil, date: String? = nil,
        document: String? = nil, note: String? = nil, author: String
    ) throws -> String {
        let criterion = try criterion(text)
        let owners = catalogue.departments(of: criterion.number)
        let chosen: String
        if let department {
            do {
                chosen = try self.department(department, among: owners)
            } catch NTMError.unknownDepartment {
                // A department of the set that does not own this criterion is named as such.
                if let other = Self.match(department, among: catalogue.departments) {
                    throw NTMError.departmentNotOwner(other, criterion: criterion.number, owners: owners)
                }
                throw NTMError.unknownDepartment(department, known: owners)
            }
        } else if owners.count == 1 {
            chosen = owners[0]
        } else {
            throw NTMError.departmentRequired(criterion: criterion.number, owners: owners)
        }
        guard let verdict = Verdict(parsing: result) else { throw NTMError.unknownVerdict(result) }
        var values: [String: FieldValue] = ["department_name": .text(chosen), "result": .text(verdict.rawValue)]
        if let day = try Self.date(date, option: "--date") { values["verified"] = .text(day.iso) }
        if let document { values["document"] = .text(Text.normalized(document)) }
        if let note { values["note"] = .text(Text.normalized(note)) }
        try writeRow(
            NTMSchema.Table.verification,
            NTMSchema.verificationRow(
                commune: commune, set: catalogue.id, criterion: criterion.number, department: chosen),
            values, author: author)
        return chosen
    }

    /// Records a target: the commune works towards `level` with this set by `year`. A commune may hold
    /// several targets (NTM first, NTM nâng cao later); the latest is worked on by default.
    @discardableResult
    public func setTarget(set setID: String, level: String?, year: String?, author: String) throws -> CommuneTarget {
        let catalogue = try database.library().catalogue(setID)
        let change = try Self.targetChange(
            commune: commune, catalogue: catalogue, level: level, year: year, isDistrict: commune == database.district)
        try checkRole(change)
        try store.write([change], author: author)
        return CommuneTarget(
            level: catalogue.level, setID: catalogue.id, year: CommuneTarget.year(change.values["year"]))
    }

    /// Adds a deadline owned by a district department (or office), a province sector, or a person.
    /// - Returns: the deadline's id.
    @discardableResult
    public func addDeadline(
        title: String, due: String, owner: DeadlineOwner, indicator code: String? = nil, author: String
    ) throws -> String {
        let clean = Text.normalized(title)
        guard !clean.isEmpty else { throw NTMError.emptyTitle }
        guard let day = try Self.date(due, option: "--due") else { throw NTMError.badDate(due, option: "--due") }
        let (kind, name) = try self.owner(owner)
        var values: [String: FieldValue] = [
            "title": .text(clean), "due": .text(day.iso), "owner": .text(name), "owner_kind": .text(kind),
            "criteria_set": .text(catalogue.id),
        ]
        if let code { values["indicator"] = .text(try indicator(code).code) }
        let uid = makeID()
        try writeRow(NTMSchema.Table.deadline, NTMSchema.row(commune, uid), values, author: author)
        return uid
    }

    /// Marks a deadline done on a date (today when nil), or not done again with `undo`.
    @discardableResult
    public func completeDeadline(_ id: String, on date: String?, undo: Bool = false, author: String) throws -> String {
        let items = try deadlines()
        let uid = try resolveID(id, among: items.compactMap(\.uid), unknown: NTMError.unknownDeadline(id))
        // Done already, and no other day given: nothing to write (a second write would only add history).
        if !undo, date == nil, let done = items.first(where: { $0.uid == uid })?.done {
            throw NTMError.deadlineAlreadyDone(uid, on: done.description)
        }
        let value: FieldValue
        if undo {
            value = .null
        } else {
            let today = CalendarDate.today(store.clock())
            let day = try Self.date(date, option: "--date") ?? today
            guard day <= today else { throw NTMError.futureDate(day.description, option: "--date") }
            value = .text(day.iso)
        }
        try writeRow(NTMSchema.Table.deadline, NTMSchema.row(commune, uid), ["done": value], author: author)
        return uid
    }

    /// Corrects a deadline (by id or unique prefix): only the given fields are written; `owner` replaces
    /// the owner.
    @discardableResult
    public func editDeadline(
        _ id: String, title: String? = nil, due: String? = nil, owner: DeadlineOwner? = nil, author: String
    ) throws -> String {
        let uid = try resolveID(id, among: try deadlines().compactMap(\.uid), unknown: NTMError.unknownDeadline(id))
        var values: [String: FieldValue] = [:]
        if let title {
            let clean = Text.normalized(title)
            guard !clean.isEmpty else { throw NTMError.emptyTitle }
            values["title"] = .text(clean)
        }
        if let due {
            guard let day = try Self.date(due, option: "--due") else { throw NTMError.badDate(due, option: "--due") }
            values["due"] = .text(day.iso)
        }
        if let owner {
            let (kind, name) = try self.owner(owner)
            values["owner"] = .text(name)
            values["owner_kind"] = .text(kind)
        }
        guard !values.isEmpty else { throw NTMError.nothingToChange }
        try writeRow(NTMSchema.Table.deadline, NTMSchema.row(commune, uid), values, author: author)
        return uid
    }

    /// Removes a deadline (by id or unique prefix). Someone editing it meanwhile makes an edit-delete
    /// conflict, shown for review.
    @discardableResult
    public func removeDeadline(_ id: String, author: String) throws -> String {
        let uid = try resolveID(id, among: try deadlines().compactMap(\.uid), unknown: NTMError.unknownDeadline(id))
        try writeRow(
            NTMSchema.Table.deadline, NTMSchema.row(commune, uid), [tombstoneColumn: .bool(true)], author: author)
        return uid
    }

    /// Rewrites one of the commune's notes (by id or unique prefix).
    @discardableResult
    public func editNote(_ id: String, text: String, author: String) throws -> String {
        let uid = try resolveID(id, among: try notes().map(\.uid), unknown: NTMError.unknownNote(id))
        let clean = Text.normalized(text)
        guard !clean.isEmpty else { throw NTMError.emptyNote }
        try writeRow(NTMSchema.Table.note, NTMSchema.row(commune, uid), ["text": .text(clean)], author: author)
        return uid
    }

    /// Removes one of the commune's notes (by id or unique prefix).
    @discardableResult
    public func removeNote(_ id: String, author: String) throws -> String {
        let uid = try resolveID(id, among: try notes().map(\.uid), unknown: NTMError.unknownNote(id))
        try writeRow(NTMSchema.Table.note, NTMSchema.row(commune, uid), [tombstoneColumn: .bool(true)], author: author)
        return uid
    }

    /// Adds one of the commune's own notes, about an indicator or in general.
    @discardableResult
    public func addNote(_ text: String, indicator code: String? = nil, author: String) throws -> String {
        let clean = Text.normalized(text)
        guard !clean.isEmpty else { throw NTMError.emptyNote }
        var values: [String: FieldValue] = [
            "text": .text(clean), "criteria_set": .text(catalogue.id),
            "written": .text(CalendarDate.today(store.clock()).iso),
        ]
        if let code { values["indicator"] = .text(try indicator(code).code) }
        let uid = makeID()
        try writeRow(NTMSchema.Table.note, NTMSchema.row(commune, uid), values, author: author)
        return uid
    }

    /// Whether a dossier part names the general dossier: `general`, `chung` or `ho-so-chung` (`hồ sơ
    /// chung`), in any case and with or without accents; anything else names a criterion.
    public static func isGeneralDossier(_ text: String) -> Bool {
        [NTMSchema.generalDossierPart, "chung", "ho-so-chung"].contains(Text.slug(text))
    }

    /// Marks a criterion's dossier (or the general dossier, see ``isGeneralDossier(_:)``) complete or not.
    public func dossier(part text: String, complete: Bool, author: String) throws {
        let part: String
        if Self.isGeneralDossier(text) {
            part = NTMSchema.generalDossierPart
        } else {
            part = String(try criterion(text).number)
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
        let removed = try store.rowsWithState(table: NTMSchema.Table.evidence, prefix: prefix).filter {
            (try? store.rowState(table: NTMSchema.Table.evidence, row: $0))??.isDeleted == true
        }
        let uid = try resolveEvidence(id, among: removed.compactMap { evidenceID(ofRow: $0) })
        try writeRow(
            NTMSchema.Table.evidence, NTMSchema.evidenceRow(commune: commune, uid: uid),
            [tombstoneColumn: .bool(false)], author: author)
        return uid
    }

    /// Who owns a deadline.
    public enum DeadlineOwner: Sendable, Hashable {
        /// A district department or programme office, matched against the known names.
        case department(String)
        /// A province sector of the set.
        case sector(String)
        /// A named person.
        case person(String)
    }

    /// The kind and the name of a deadline's owner, checked.
    func owner(_ owner: DeadlineOwner) throws -> (kind: String, name: String) {
        switch owner {
        case .department(let text): return ("department", try department(text))
        case .sector(let text): return ("sector", try sector(text))
        case .person(let text):
            let person = Text.normalized(text)
            guard !person.isEmpty else { throw NTMError.emptyOwner }
            return ("person", person)
        }
    }

    /// Writes some columns of several rows in one transaction; returns the operations written.
    @discardableResult
    func writeRows(_ changes: [RowChange], author: String) throws -> [SyncOperation] {
        for change in changes { try checkRole(change) }
        return try store.write(changes, author: author)
    }

    /// Writes some columns of one row; returns the operations written.
    @discardableResult
    func writeRow(_ table: String, _ row: String, _ values: [String: FieldValue], author: String) throws
        -> [SyncOperation]
    {
        let change = RowChange(table: table, row: row, values: values)
        try checkRole(change)
        return try store.write([change], author: author)
    }

    /// A replica enrolled with a role writes only what the role may: the hub would refuse the rest, and
    /// the value would stay on this laptop alone. A replica without a credential is not checked here.
    /// At a hub below another, the hub's own writes are checked by the role the hub above gave it, with
    /// the commune worked on placed under the hub's unit: a district office does not type a verdict its
    /// province's sector owns.
    func checkRole(_ change: RowChange) throws {
        var parents: [String: String] = [:]
        let role: Role
        if let own = database.role {
            role = own
        } else if let upper = database.upperRole {
            role = upper
            if let unit = database.unit, commune != unit { parents[commune] = unit }
        } else {
            return
        }
        for column in change.values.keys.sorted() {
            let key = FieldKey(table: change.table, row: change.row, column: column)
            guard NTMSchema.writePolicy.rule(allowing: key, to: role, parents: parents) != nil else {
                throw NTMError.roleMayNotWrite(table: change.table, column: column, role: role.description)
            }
        }
    }

    func evidenceID(ofRow row: String) -> String? {
        let prefix = "\(commune)/"
        return row.hasPrefix(prefix) ? String(row.dropFirst(prefix.count)) : nil
    }

    func resolveEvidence(_ id: String, among candidates: [String]) throws -> String {
        try resolveID(id, among: candidates, unknown: NTMError.unknownEvidence(id))
    }

    /// An id typed in full or as a unique prefix of at least 4 characters.
    func resolveID(_ id: String, among candidates: [String], unknown: NTMError) throws -> String {
        let key = id.trimmingCharacters(in: .whitespaces).lowercased()
        let ids = Array(Set(candidates)).sorted()
        if ids.contains(key) { return key }
        // A prefix shorter than 4 characters is refused as such, not as an unknown id.
        if key.count < 4, ids.contains(where: { $0.hasPrefix(key) }) { throw NTMError.idTooShort(id) }
        let matches = key.count >= 4 ? ids.filter { $0.hasPrefix(key) } : []
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 { throw NTMError.ambiguousID(id, matches: matches) }
        throw unknown
    }
}
