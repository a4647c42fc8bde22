import Foundation
import Replica
import SyncCore

/// Computes report figures from a snapshot of the replicated state. Pure: the same snapshot, sets and
/// date always give the same figures, whether the snapshot is today's or one rebuilt from the log.
///
/// A field in conflict in the snapshot (an assessment's status or value, a verification's result, a
/// dossier flag, an appraisal's dates or verdict) is never counted and is listed in
/// ``CommuneFigures/conflicts``. Writes a hub refused are not in the snapshot at all
/// (``NTMDatabase`` leaves them out when it takes it).
public struct ReportBuilder: Sendable {
    /// The state reported on.
    public let snapshot: StateSnapshot
    /// The known sets.
    public let library: CatalogueLibrary
    /// The report date: deadlines before it are overdue.
    public let date: CalendarDate
    /// Deadlines due within this many days of the report date are upcoming.
    public let lookAheadDays: Int
    private let byCommune: [String: [String: [String: [String: FieldValue]]]]

    /// Creates a builder.
    public init(snapshot: StateSnapshot, library: CatalogueLibrary, date: CalendarDate, lookAheadDays: Int = 30) {
        self.snapshot = snapshot
        self.library = library
        self.date = date
        self.lookAheadDays = lookAheadDays
        var grouped: [String: [String: [String: [String: FieldValue]]]] = [:]
        for (table, rows) in snapshot.tables {
            for (row, values) in rows {
                guard let slash = row.firstIndex(of: "/") else { continue }
                grouped[String(row[..<slash]), default: [:]][table, default: [:]][row] = values
            }
        }
        byCommune = grouped
    }

    /// The figures of a commune against a target.
    public func figures(_ commune: CommuneRecord, target: CommuneTarget) throws -> CommuneFigures {
        let catalogue = try library.catalogue(target.setID)
        let slug = commune.slug
        let set = catalogue.id
        let rows = byCommune[slug] ?? [:]
        func row(_ table: String, _ id: String) -> [String: FieldValue]? { rows[table]?[id] }
        var conflicts: [ReportConflict] = []
        /// The columns among `columns` (or the deletion of the row) in conflict in a row; each is
        /// recorded once in `conflicts`.
        func disputed(
            _ table: String, _ id: String, _ columns: Set<String>, criterion: Int? = nil, indicator: String? = nil,
            sector: String? = nil, department: String? = nil
        ) -> Set<String> {
            var found: Set<String> = []
            for conflict in snapshot.conflicts[RowKey(table: table, row: id)] ?? []
            where columns.contains(conflict.column) || conflict.column == tombstoneColumn {
                found.insert(conflict.column)
                conflicts.append(
                    ReportConflict(
                        id: ConflictView.id(
                            of: FieldKey(table: table, row: id, column: conflict.column), kind: conflict.kind),
                        table: table, column: conflict.column, criterion: criterion, indicator: indicator,
                        sector: sector, department: department))
            }
            // A deleted row in an edit-delete conflict: every column of it is in doubt.
            if found.contains(tombstoneColumn) { found.formUnion(columns) }
            return found
        }
        var evidenceByIndicator: [String: Int] = [:]
        for values in (rows[NTMSchema.Table.evidence] ?? [:]).values where Self.belongs(values, to: set) {
            if let code = values["indicator"]?.text { evidenceByIndicator[code, default: 0] += 1 }
        }
        var assessed = 0
        var metCodes: Set<String> = []
        var criteria: [CriterionProgress] = []
        var assessmentDeadlines: [DeadlineItem] = []
        for criterion in catalogue.criteria {
            var met = 0
            var missing: [MissingIndicator] = []
            let indicators = catalogue.indicators(of: criterion.number)
            for indicator in indicators {
                let id = NTMSchema.assessmentRow(commune: slug, set: set, code: indicator.code)
                let values = row(NTMSchema.Table.assessment, id)
                let inConflict = disputed(
                    NTMSchema.Table.assessment, id, ["status", "value"], criterion: criterion.number,
                    indicator: indicator.code)
                let status =
                    inConflict.contains("status")
                    ? nil : values?["status"]?.text.flatMap(AssessmentStatus.init(rawValue:))
                if status != nil { assessed += 1 }
                if status == .met, inConflict.isEmpty {
                    met += 1
                    metCodes.insert(indicator.code)
                    continue
                }
                missing.append(
                    MissingIndicator(
                        indicator: indicator, status: status,
                        value: inConflict.contains("value") ? nil : values?["value"]?.number,
                        inConflict: !inConflict.isEmpty))
                // A deadline an older version kept in the assessment, unless the indicator's own
                // deadline row replaced it.
                let replaced =
                    rows[NTMSchema.Table.deadline]?[
                        NTMSchema.row(slug, CommuneReplica.indicatorDeadlineID(set: set, code: indicator.code))] != nil
                if !replaced, let due = values?["deadline"]?.text.flatMap(CalendarDate.init(parsing:)) {
                    assessmentDeadlines.append(
                        DeadlineItem(
                            uid: nil, commune: slug, title: nil, indicator: indicator.code, due: due,
                            owner: indicator.department, ownerKind: "department", done: nil))
                }
            }
            var verification: [String: Verdict] = [:]
            var records: [VerificationRecord] = []
            var verificationInConflict: [String] = []
            let prefix = "\(slug)/\(set)/\(criterion.number)/"
            for (id, values) in (rows[NTMSchema.Table.verification] ?? [:]).sorted(by: { $0.key < $1.key })
            where id.hasPrefix(prefix) {
                guard let department = values["department_name"]?.text else { continue }
                let inConflict = !disputed(
                    NTMSchema.Table.verification, id, ["result", "department_name"], criterion: criterion.number,
                    department: department
                ).isEmpty
                let result = inConflict ? nil : values["result"]?.text.flatMap(Verdict.init(rawValue:))
                if let result { verification[department] = result }
                if inConflict { verificationInConflict.append(department) }
                if result != nil || inConflict {
                    records.append(
                        VerificationRecord(
                            department: department, result: result, date: Self.date(values["verified"]),
                            document: values["document"]?.text, inConflict: inConflict))
                }
            }
            let dossierID = NTMSchema.dossierRow(commune: slug, set: set, part: String(criterion.number))
            let dossierInConflict = !disputed(
                NTMSchema.Table.dossier, dossierID, ["complete"], criterion: criterion.number
            )
            .isEmpty
            criteria.append(
                CriterionProgress(
                    criterion: criterion, indicatorsMet: met, indicatorsTotal: indicators.count,
                    dossierComplete: !dossierInConflict
                        && row(NTMSchema.Table.dossier, dossierID)?["complete"]?.bool == true,
                    verifiers: catalogue.departments(of: criterion.number), verification: verification,
                    verifications: records, verificationInConflict: verificationInConflict,
                    dossierInConflict: dossierInConflict, missing: missing,
                    evidenceCount: indicators.reduce(0) { $0 + (evidenceByIndicator[$1.code] ?? 0) }))
        }
        var sent = 0
        var inspected = 0
        var passed = 0
        var pending: [String] = []
        var sectorsInConflict: [String] = []
        var appraisals: [SectorAppraisal] = []
        for sector in catalogue.sectors {
            let id = NTMSchema.appraisalRow(commune: slug, set: set, sector: sector)
            let values = row(NTMSchema.Table.appraisal, id)
            let inConflict = disputed(NTMSchema.Table.appraisal, id, ["sent", "inspected", "verdict"], sector: sector)
            if !inConflict.isEmpty { sectorsInConflict.append(sector) }
            let appraisal = SectorAppraisal(
                sector: sector, sent: !inConflict.contains("sent") && Self.date(values?["sent"]) != nil,
                inspected: !inConflict.contains("inspected") && Self.date(values?["inspected"]) != nil,
                passed: !inConflict.contains("verdict") && values?["verdict"]?.text == Verdict.met.rawValue,
                inConflict: !inConflict.isEmpty)
            appraisals.append(appraisal)
            if appraisal.sent { sent += 1 }
            if appraisal.inspected { inspected += 1 }
            if appraisal.passed { passed += 1 } else { pending.append(sector) }
        }
        let generalID = NTMSchema.dossierRow(commune: slug, set: set, part: NTMSchema.generalDossierPart)
        let generalInConflict = !disputed(NTMSchema.Table.dossier, generalID, ["complete"]).isEmpty
        let general = generalInConflict ? nil : row(NTMSchema.Table.dossier, generalID)
        // An indicator's own deadline (no title) is over once the indicator is met.
        let deadlines =
            recordedDeadlines(of: slug, set: set).filter { $0.title != nil || !metCodes.contains($0.indicator ?? "") }
            + assessmentDeadlines
        let evidence = (rows[NTMSchema.Table.evidence] ?? [:]).values.filter { Self.belongs($0, to: set) }.count
        let notes = (rows[NTMSchema.Table.note] ?? [:]).values.filter { Self.belongs($0, to: set) }.count
        return CommuneFigures(
            commune: commune, target: target, catalogue: catalogue, criteria: criteria, indicatorsAssessed: assessed,
            generalDossier: general?["complete"]?.bool == true, sectorsSent: sent, sectorsInspected: inspected,
            sectorsPassed: passed, pendingSectors: pending, overdue: overdue(deadlines), upcoming: upcoming(deadlines),
            evidenceCount: evidence, noteCount: notes, conflicts: conflicts, sectorsInConflict: sectorsInConflict,
            appraisals: appraisals)
    }

    /// The figures of every commune with a target at `level` (each commune's latest target when nil),
    /// the district's own deadlines, and the view by department.
    public func district(
        _ communes: [CommuneRecord], targets: [String: [CommuneTarget]], level: Level?, district: String?
    )
        throws -> DistrictFigures
    {
        var figures: [CommuneFigures] = []
        var unknownSets: [(commune: String, set: String)] = []
        // A commune recorded in another district is not this district's (it may arrive through sync).
        for commune in communes where district == nil || commune.district == nil || commune.district == district {
            let held = targets[commune.slug] ?? []
            let chosen = level.map { wanted in held.last { $0.level == wanted } } ?? held.last
            guard let target = chosen else { continue }
            guard let catalogue = try? library.catalogue(target.setID) else {
                unknownSets.append((commune.name, target.setID))
                continue
            }
            if catalogue.unit == .commune { figures.append(try self.figures(commune, target: target)) }
        }
        var order: [String] = []
        var gaps: [String: [DistrictFigures.Gap]] = [:]
        for commune in figures {
            for criterion in commune.criteria {
                for missing in criterion.missing {
                    let department = missing.indicator.department
                    if gaps[department] == nil {
                        order.append(department)
                        gaps[department] = []
                    }
                    if let index = gaps[department]!.firstIndex(where: {
                        $0.indicator.code == missing.indicator.code && $0.setID == commune.catalogue.id
                    }) {
                        gaps[department]![index].communes.append(commune.commune.name)
                        if missing.inConflict { gaps[department]![index].inConflict.append(commune.commune.name) }
                    } else {
                        gaps[department]!.append(
                            .init(
                                indicator: missing.indicator, setID: commune.catalogue.id,
                                communes: [commune.commune.name],
                                inConflict: missing.inConflict ? [commune.commune.name] : []))
                    }
                }
            }
        }
        let own = district.map { recordedDeadlines(of: $0, set: nil) } ?? []
        return DistrictFigures(
            district: district, communes: figures, departments: order.map { ($0, gaps[$0]!) }, overdue: overdue(own),
            upcoming: upcoming(own), unknownSets: unknownSets)
    }

    private func recordedDeadlines(of slug: String, set: String?) -> [DeadlineItem] {
        (byCommune[slug]?[NTMSchema.Table.deadline] ?? [:]).compactMap { id, values -> DeadlineItem? in
            guard set == nil || Self.belongs(values, to: set!),
                let due = values["due"]?.text.flatMap(CalendarDate.init(parsing:))
            else { return nil }
            return DeadlineItem(
                uid: String(id.dropFirst(slug.count + 1)), commune: slug, title: values["title"]?.text,
                indicator: values["indicator"]?.text, due: due, owner: values["owner"]?.text ?? "",
                ownerKind: values["owner_kind"]?.text ?? "person",
                done: values["done"]?.text.flatMap(CalendarDate.init(parsing:)))
        }
    }

    private func overdue(_ items: [DeadlineItem]) -> [DeadlineItem] {
        items.filter { $0.isOverdue(on: date) }.sorted(by: Self.order)
    }

    private func upcoming(_ items: [DeadlineItem]) -> [DeadlineItem] {
        items.filter { $0.isOpen(on: date) && $0.due >= date && date.days(until: $0.due) <= lookAheadDays }.sorted(
            by: Self.order)
    }

    private static func order(_ a: DeadlineItem, _ b: DeadlineItem) -> Bool {
        (a.due, a.commune, a.owner, a.title ?? a.indicator ?? "") < (
            b.due, b.commune, b.owner, b.title ?? b.indicator ?? ""
        )
    }

    /// A stored date; nil for anything else (a replicated value can be of any type).
    static func date(_ value: FieldValue?) -> CalendarDate? { value?.text.flatMap(CalendarDate.init(parsing:)) }

    /// Rows written before sets were recorded on them belong to every set.
    private static func belongs(_ values: [String: FieldValue], to set: String) -> Bool {
        values["criteria_set"]?.text.map { $0 == set } ?? true
    }
}
