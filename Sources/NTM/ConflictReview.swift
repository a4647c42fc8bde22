import Crypto
import Foundation
import Replica
import SyncCore

/// The reviewer's desk: lists a database's open conflicts in domain words, shows where they came from,
/// and turns a person's decision into writes that close them on every replica after sync.
public struct ConflictReview: Sendable {
    /// The database reviewed.
    public let database: NTMDatabase
    /// The language of subjects, fields and values.
    public let language: Language

    /// Creates a review of a database.
    public init(database: NTMDatabase, language: Language) {
        self.database = database
        self.language = language
    }

    /// The open conflicts that pass the filter: by commune, criterion, indicator, then field.
    /// - Throws: ``NTMError/unknownCommune(_:known:)``, ``NTMError/unknownCriterion(_:count:)`` or
    ///   ``NTMError/unknownDepartment(_:known:)`` for a filter that names nothing known.
    public func open(_ filter: ConflictFilter = ConflictFilter()) throws -> [ConflictView] {
        let snapshot = try database.store.snapshot(
            tables: [NTMSchema.Table.commune, NTMSchema.Table.target, NTMSchema.Table.catalogue])
        let library = try database.library(snapshot)
        let communes = try database.communes(snapshot)
        let commune = try filter.commune.map { text -> String in
            let slug = Text.slug(text)
            if let found = communes.first(where: { $0.slug == slug || Text.folded($0.name) == Text.folded(text) }) {
                return found.slug
            }
            throw NTMError.unknownCommune(text, known: communes.map(\.slug))
        }
        let criterion = try filter.criterion.map { text -> Int in
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)), (1...99).contains(number) else {
                throw NTMError.unknownCriterion(text, count: library.all.map(\.criteria.count).max() ?? 19)
            }
            return number
        }
        let department = try filter.department.map { text -> String in
            let known = unique(library.all.flatMap(\.departments) + CommuneReplica.programmeOffices)
            guard let found = CommuneReplica.match(text, among: known) else {
                throw NTMError.unknownDepartment(text, known: known)
            }
            return found
        }
        let names = Dictionary(communes.map { ($0.slug, $0.name) }, uniquingKeysWith: { first, _ in first })
        let fallbackSet = try? database.commune(database.homeCommune ?? database.unit).catalogue.id
        var views: [ConflictView] = []
        for record in try database.store.conflicts() {
            let view = try describe(record, library: library, names: names, fallbackSet: fallbackSet)
            if let commune, view.commune != commune { continue }
            if let criterion, view.criterion != criterion { continue }
            if let department, !view.departments.contains(department) { continue }
            if filter.mine, !view.writtenHere { continue }
            views.append(view)
        }
        return views.sorted { order($0).lexicographicallyPrecedes(order($1)) }
    }

    /// The open conflict with this id, typed in full or as a unique prefix of at least 4 characters.
    /// - Throws: ``NTMError/unknownConflict(_:)`` when no open conflict has it (it may have been
    ///   resolved since it was listed), ``NTMError/ambiguousID(_:matches:)``.
    public func conflict(_ id: String) throws -> ConflictView {
        let key = id.trimmingCharacters(in: .whitespaces).lowercased()
        let all = try open()
        let exact = all.filter { $0.id == key }
        let matches = exact.isEmpty && key.count >= 4 ? all.filter { $0.id.hasPrefix(key) } : exact
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw NTMError.ambiguousID(id, matches: matches.map { "\($0.id) (\($0.subject) · \($0.field))" })
        }
        throw NTMError.unknownConflict(id)
    }

    /// The conflict as it is now (after a decision elsewhere, a new value, or a sync), or nil when it is
    /// no longer open; reads only that field.
    public func current(_ view: ConflictView) throws -> ConflictView? {
        guard let record = try database.store.conflict(view.record.key, kind: view.kind) else { return nil }
        let snapshot = try database.store.snapshot(
            tables: [NTMSchema.Table.commune, NTMSchema.Table.target, NTMSchema.Table.catalogue])
        let names = Dictionary(
            try database.communes(snapshot).map { ($0.slug, $0.name) }, uniquingKeysWith: { first, _ in first })
        return try describe(
            record, library: try database.library(snapshot), names: names, fallbackSet: view.setID)
    }

    /// What the field held before the competing values: usually one value both writers started from;
    /// none when it was first written concurrently.
    public func ancestors(of view: ConflictView) throws -> [ConflictView.Value] {
        let presentation = try presentation(setID: view.setID)
        return try database.store.ancestors(of: view.record).map { value($0, presentation: presentation) }
    }

    /// The decision that keeps value number `pick` (from 1, as listed).
    /// - Throws: ``NTMError/pickOutOfRange(_:count:)``.
    public func decision(_ view: ConflictView, pick: Int) throws -> ConflictDecision {
        guard (1...view.values.count).contains(pick) else {
            throw NTMError.pickOutOfRange(pick, count: view.values.count)
        }
        let chosen = view.values[pick - 1]
        return ConflictDecision(
            key: view.record.key, kind: view.kind, expected: view.record.dots,
            outcome: chosen.isDeletion ? .delete : .value(chosen.raw))
    }

    /// The decision that writes a new value, typed as for the command that normally writes the field
    /// (a status as `dat` or `chưa đạt`, a date as dd/mm/yyyy, a number with a decimal comma…).
    /// - Throws: an ``NTMError`` naming what the field takes, when the text is not such a value.
    public func decision(_ view: ConflictView, value text: String) throws -> ConflictDecision {
        let catalogue = try view.setID.map { try database.library().catalogue($0) }
        let value = try FieldInput.parse(
            text, table: view.table, column: view.column, field: view.field,
            indicator: view.indicator.flatMap { catalogue?.indicator($0) }, catalogue: catalogue)
        return ConflictDecision(
            key: view.record.key, kind: view.kind, expected: view.record.dots, outcome: .value(value))
    }

    /// Writes decisions in one transaction, with the reviewer's note; nothing is written if any of the
    /// conflicts was resolved or changed since it was shown.
    /// - Throws: ``NTMError/conflictClosed(_:)`` or ``NTMError/conflictChanged(_:)`` naming the conflict.
    @discardableResult
    public func write(_ decisions: [ConflictDecision], author: String, note: String? = nil) throws -> [SyncOperation] {
        let cleanNote = note.map(Text.normalized).flatMap { $0.isEmpty ? nil : $0 }
        // A replica enrolled with a role decides only what it may write: the hub would refuse the rest.
        if let role = database.role {
            for decision in decisions {
                var columns = [decision.key.column]
                if decision.kind == .editDelete || decision.outcome == .delete { columns.append(tombstoneColumn) }
                for column in columns {
                    let key = FieldKey(table: decision.key.table, row: decision.key.row, column: column)
                    guard NTMSchema.writePolicy.rule(allowing: key, to: role) != nil else {
                        throw NTMError.notAllowed(
                            ConflictView.id(of: decision.key, kind: decision.kind), role: role.description)
                    }
                }
            }
        }
        do {
            return try database.store.resolve(decisions, author: author, note: cleanNote)
        } catch ReplicaError.conflictNotOpen(let table, let row, let column, let kind) {
            throw NTMError.conflictClosed(
                ConflictView.id(of: FieldKey(table: table, row: row, column: column), kind: kind))
        } catch ReplicaError.conflictChanged(let table, let row, let column, let kind) {
            throw NTMError.conflictChanged(
                ConflictView.id(of: FieldKey(table: table, row: row, column: column), kind: kind))
        }
    }

    /// What a decision keeps, as people read it: "đạt (Lan, 12/11/2026 08:10)", "xóa bản ghi", or a
    /// new value.
    public func outcome(_ decision: ConflictDecision, of view: ConflictView) -> String {
        switch decision.outcome {
        case .delete:
            return language.pick("xóa bản ghi", "delete the record")
        case .value(let value):
            if let match = view.values.first(where: { !$0.isDeletion && $0.raw == value }) {
                return "\(match.display) (\(match.author), \(Presentation.time(match.wallMs)))"
            }
            let presentation = (try? presentation(setID: view.setID))
            let display = presentation?.value(value, table: view.table, column: view.column) ?? value.description
            return language.pick("giá trị mới: ", "new value: ") + display
        }
    }

    // MARK: - Description

    private func describe(
        _ record: ConflictRecord, library: CatalogueLibrary, names: [String: String], fallbackSet: String?
    ) throws -> ConflictView {
        let key = record.key
        let parts = key.row.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let fields = try database.store.rowState(table: key.table, row: key.row)?.fields ?? [:]
        func field(_ column: String) -> String? { fields[column]?.provisional?.text }
        let commune: String? = key.table == NTMSchema.Table.catalogue ? nil : RowScope.owner(of: key.row)
        var setID: String?
        var indicator: String?
        var criterion: Int?
        var departments: [String] = []
        switch key.table {
        case NTMSchema.Table.assessment:
            setID = parts.count > 1 ? parts[1] : nil
            indicator = parts.count > 2 ? parts[2] : nil
        case NTMSchema.Table.dossier:
            setID = parts.count > 1 ? parts[1] : nil
            criterion = parts.count > 2 ? Int(parts[2]) : nil
        case NTMSchema.Table.verification:
            setID = parts.count > 1 ? parts[1] : nil
            criterion = parts.count > 2 ? Int(parts[2]) : nil
            if let name = field("department_name") { departments = [name] }
        case NTMSchema.Table.appraisal, NTMSchema.Table.target:
            setID = parts.count > 1 ? parts[1] : nil
        case NTMSchema.Table.evidence, NTMSchema.Table.deadline, NTMSchema.Table.note:
            setID = field("criteria_set")
            indicator = field("indicator")
            if key.table == NTMSchema.Table.deadline, field("owner_kind") == "department", let owner = field("owner") {
                departments = [owner]
            }
        default:
            break
        }
        let catalogue = (setID ?? fallbackSet).flatMap { try? library.catalogue($0) }
        let presentation = Presentation(
            catalogue: catalogue ?? CatalogueLibrary.shipped[0], language: language)
        if let code = indicator, let found = catalogue?.indicator(code) {
            criterion = found.criterion
            departments = unique(departments + [found.department])
        } else if let code = indicator {
            criterion = Int(code.split(separator: ".").first ?? "")
        }
        if let criterion, departments.isEmpty, let catalogue {
            departments = catalogue.departments(of: criterion)
        }
        return ConflictView(
            id: ConflictView.id(of: key, kind: record.kind), table: key.table, row: key.row, column: key.column,
            kind: record.kind, commune: commune, communeName: commune.flatMap { names[$0] }, setID: setID,
            criterion: criterion, indicator: indicator,
            indicatorName: indicator.flatMap { code in
                catalogue?.indicator(code).map { language == .vi ? $0.nameVi : $0.nameEn }
            },
            departments: departments,
            subject: presentation.subject(
                table: key.table, row: key.row,
                indicatorOfEvidence: key.table == NTMSchema.Table.evidence ? indicator : nil),
            field: presentation.field(table: key.table, column: key.column),
            values: record.values.map { value($0, presentation: presentation) },
            openSinceMs: record.openSinceMs, writtenHere: record.vector[database.store.replicaID] > 0,
            record: record)
    }

    private func value(_ op: SyncOperation, presentation: Presentation) -> ConflictView.Value {
        let isDeletion = op.key.column == tombstoneColumn && op.value == .bool(true)
        // The note of the write, or else the note column typed with it (`ntm assess … --note`).
        var note = op.note
        if note == nil, op.key.column != "note", NTMSchema.tablesWithNotes.contains(op.key.table) {
            note = (try? database.store.companion(of: op, column: "note"))??.value.text
        }
        return ConflictView.Value(
            display: isDeletion
                ? language.pick("xóa bản ghi", "delete the record")
                : presentation.value(op.value, table: op.key.table, column: op.key.column),
            raw: op.value, isDeletion: isDeletion, author: op.author, replica: op.dot.origin, seq: op.dot.seq,
            wallMs: op.wallMs, note: note)
    }

    private func presentation(setID: String?) throws -> Presentation {
        let catalogue = setID.flatMap { try? database.library().catalogue($0) } ?? CatalogueLibrary.shipped[0]
        return Presentation(catalogue: catalogue, language: language)
    }

    private func order(_ view: ConflictView) -> [String] {
        let code = (view.indicator ?? "").split(separator: ".").map {
            String(repeating: "0", count: max(0, 4 - $0.count)) + $0
        }
        return [
            view.commune ?? "", view.setID ?? "", String(format: "%04d", view.criterion ?? 9999),
            code.joined(separator: "."), view.table, view.row, view.column, view.kind.rawValue,
        ]
    }
}

/// Reads a value typed by a person for a given field, with the same rules as the command that
/// normally writes it.
enum FieldInput {
    /// Columns whose value says what a row is or where a file came from: settled by picking one of the
    /// competing values, not typed.
    static let pickOnly: Set<String> = [
        tombstoneColumn, "criteria_set", "file_sha256", "file_size", "file_name", "owner_kind", "data", "digest",
        "department_name", "sector_name",
    ]

    static func parse(
        _ text: String, table: String, column: String, field: String, indicator: Catalogue.Indicator?,
        catalogue: Catalogue?
    ) throws -> FieldValue {
        let clean = Text.normalized(text)
        guard !pickOnly.contains(column), table != NTMSchema.Table.catalogue else {
            throw NTMError.valueNotTypable(field: field)
        }
        if clean.isEmpty {
            // Only fields a command can empty take an empty value: an indicator's note, a deadline's done date.
            if (table, column) == (NTMSchema.Table.assessment, "note")
                || (table, column) == (NTMSchema.Table.deadline, "done")
            {
                return .null
            }
            throw NTMError.emptyValue(field: field)
        }
        switch (table, column) {
        case (NTMSchema.Table.assessment, "status"):
            guard let status = AssessmentStatus(parsing: clean) else { throw NTMError.unknownStatus(clean) }
            return .text(status.rawValue)
        case (NTMSchema.Table.assessment, "value"):
            guard let number = parseMeasuredValue(clean) else { throw NTMError.badNumber(clean) }
            if indicator?.unit == "%", !(0...100).contains(number) { throw NTMError.percentOutOfRange(clean) }
            return .double(number)
        case (NTMSchema.Table.appraisal, "verdict"), (NTMSchema.Table.verification, "result"):
            guard let verdict = Verdict(parsing: clean) else { throw NTMError.unknownVerdict(clean) }
            return .text(verdict.rawValue)
        case (NTMSchema.Table.dossier, "complete"):
            guard let flag = parseYesNo(clean) else { throw NTMError.badYesNo(clean) }
            return .bool(flag)
        case (NTMSchema.Table.target, "year"):
            guard let year = Int(clean), (2000...2100).contains(year) else { throw NTMError.badYear(clean) }
            return .int(Int64(year))
        case (NTMSchema.Table.target, "level"):
            guard let level = Level(parsing: clean) else { throw NTMError.unknownLevel(clean) }
            return .text(level.rawValue)
        case (_, "indicator"):
            guard let catalogue, let found = catalogue.indicator(clean) else {
                throw NTMError.unknownIndicator(
                    clean, set: catalogue?.id ?? "", sameCriterion: [], criteria: catalogue?.criteria.count ?? 0)
            }
            return .text(found.code)
        case (_, "deadline"), (_, "issued"), (_, "sent"), (_, "inspected"), (_, "due"), (_, "done"), (_, "verified"),
            (_, "written"):
            guard let date = CalendarDate(parsing: clean) else { throw NTMError.badDate(clean, option: "--value") }
            return .text(date.iso)
        default:
            return .text(clean)
        }
    }
}
