import Foundation
import SyncCore

/// Prints report figures for people (Vietnamese or English text), for programs (JSON) and for
/// spreadsheets (CSV, UTF-8 with a byte-order mark so that Excel shows Vietnamese correctly).
public struct ReportRendering: Sendable {
    /// The language of text and CSV headers.
    public let language: Language
    /// The report date.
    public let date: CalendarDate

    /// Creates a renderer.
    public init(language: Language, date: CalendarDate) {
        self.language = language
        self.date = date
    }

    // MARK: Text

    /// The commune report as lines of text.
    public func text(_ figures: CommuneFigures) -> [String] {
        let f = figures
        var lines: [String] = []
        lines.append(
            language.pick(
                "BÁO CÁO TIẾN ĐỘ XÂY DỰNG NÔNG THÔN MỚI — \(f.catalogue.unit.label(language)) \(f.commune.name) (\(f.commune.slug))",
                "NEW RURAL DEVELOPMENT PROGRESS REPORT — \(f.catalogue.unit.label(language)) \(f.commune.name) (\(f.commune.slug))"
            ))
        lines.append(
            language.pick("Tính đến ngày \(date)", "As of \(date)") + " · " + targetLine(f))
        lines.append(
            language.pick(
                "Tiêu chí đạt: \(f.criteriaMet)/\(f.criteriaTotal) · chỉ tiêu đạt: \(f.indicatorsMet)/\(f.indicatorsTotal) (đã đánh giá \(f.indicatorsAssessed)/\(f.indicatorsTotal))",
                "Criteria met: \(f.criteriaMet)/\(f.criteriaTotal) · indicators met: \(f.indicatorsMet)/\(f.indicatorsTotal) (assessed \(f.indicatorsAssessed)/\(f.indicatorsTotal))"
            ))
        lines.append(
            language.pick(
                "Hồ sơ: \(f.dossiersComplete)/\(f.criteriaTotal) tiêu chí · hồ sơ chung: \(f.generalDossier ? "đã hoàn thiện" : "còn thiếu")",
                "Dossiers: \(f.dossiersComplete)/\(f.criteriaTotal) criteria · general dossier: \(f.generalDossier ? "complete" : "missing")"
            ))
        lines += conflictLines(f)
        lines.append(
            language.pick(
                "Thẩm tra của huyện: \(f.criteriaVerified)/\(f.criteriaTotal) tiêu chí đạt",
                "District verification: \(f.criteriaVerified)/\(f.criteriaTotal) criteria passed"))
        lines += owedLines(f)
        lines.append(evidenceLine(f))
        lines.append(
            language.pick(
                "Thẩm định của tỉnh: đã gửi \(f.sectorsSent)/\(f.sectorsTotal) ngành · \(f.sectorsInspected) ngành đã về kiểm tra · \(f.sectorsPassed)/\(f.sectorsTotal) ngành có văn bản đánh giá đạt",
                "Province appraisal: sent to \(f.sectorsSent)/\(f.sectorsTotal) sectors · \(f.sectorsInspected) inspected · \(f.sectorsPassed)/\(f.sectorsTotal) written verdicts \"met\""
            ))
        if !f.pendingSectors.isEmpty {
            lines.append(
                language.pick(
                    "Ngành chưa có văn bản đạt (\(f.pendingSectors.count)): ",
                    "Sectors without a \"met\" verdict (\(f.pendingSectors.count)): ")
                    + f.pendingSectors.joined(separator: ", "))
        }
        lines += deadlineLines(overdue: f.overdue, upcoming: f.upcoming, catalogue: f.catalogue)
        let missing = f.criteria.filter { !$0.met || !$0.dossierComplete }
        if missing.isEmpty {
            lines.append(
                language.pick("Tất cả tiêu chí đã đạt và đủ hồ sơ.", "Every criterion is met and its dossier complete.")
            )
        } else {
            lines.append(language.pick("Còn thiếu theo tiêu chí:", "Still missing, by criterion:"))
            for progress in missing {
                let dossier =
                    progress.dossierInConflict
                    ? language.pick("hồ sơ đang xung đột", "dossier in conflict")
                    : progress.dossierComplete
                        ? language.pick("hồ sơ đủ", "dossier complete")
                        : language.pick("hồ sơ chưa đủ", "dossier incomplete")
                lines.append(
                    "  \(language.pick("Tiêu chí", "Criterion")) \(progress.criterion.number) \(name(progress.criterion)) — \(progress.indicatorsMet)/\(progress.indicatorsTotal) \(language.pick("chỉ tiêu đạt", "indicators met")); \(dossier)"
                )
                for item in progress.missing { lines.append("    - " + missingLine(item)) }
            }
        }
        return lines
    }

    /// The district report as lines of text: a table of communes, then what each department still owes.
    public func text(_ district: DistrictFigures) -> [String] {
        var lines: [String] = []
        let place = district.district.map { language.pick(" — huyện \($0)", " — district \($0)") } ?? ""
        lines.append(
            language.pick("BÁO CÁO TIẾN ĐỘ NÔNG THÔN MỚI CẤP HUYỆN", "DISTRICT NEW RURAL DEVELOPMENT PROGRESS REPORT")
                + place)
        lines.append(language.pick("Tính đến ngày \(date)", "As of \(date)"))
        lines.append(
            language.pick(
                "Xã đạt chuẩn: \(district.communesMeeting)/\(district.communes.count) xã",
                "Communes meeting the standard: \(district.communesMeeting)/\(district.communes.count)"))
        for (commune, set) in district.unknownSets {
            lines.append(
                language.pick(
                    "Chưa tính xã \(commune): chưa có bộ tiêu chí \(set) (nhập bằng: ntm catalogue import)",
                    "Left out \(commune): set \(set) is not known here (import it with: ntm catalogue import)"))
        }
        let header = districtHeader
        var table = [header]
        for f in district.communes { table.append(districtRow(f).map { $0 }) }
        lines += Self.aligned(table)
        lines += deadlineLines(
            overdue: district.communes.flatMap(\.overdue) + district.overdue,
            upcoming: district.communes.flatMap(\.upcoming) + district.upcoming, catalogue: nil)
        if !district.departments.isEmpty {
            lines.append(
                language.pick(
                    "Theo phòng, ban — chỉ tiêu chưa đạt (không để nợ tiêu chí):",
                    "By department — indicators not yet met (no criterion left owing):"))
            for (department, gaps) in district.departments {
                lines.append("  \(department)")
                for gap in gaps {
                    let names = gap.communes.map { commune in
                        gap.inConflict.contains(commune)
                            ? commune + language.pick(" (đang xung đột)", " (in conflict)") : commune
                    }
                    lines.append(
                        "    - \(gap.indicator.code) \(name(gap.indicator)): \(gap.communes.count) \(language.pick("xã", "communes")) — \(names.joined(separator: ", "))"
                    )
                }
            }
        }
        return lines
    }

    /// The fields in conflict the figures leave out, one line each with the id `ntm conflicts` gives.
    private func conflictLines(_ f: CommuneFigures) -> [String] {
        guard !f.conflicts.isEmpty else { return [] }
        var lines = [
            language.pick(
                "Đang xung đột (\(f.conflicts.count)), không tính là đạt cho đến khi được giải quyết (xem: ntm conflicts):",
                "In conflict (\(f.conflicts.count)), not counted as met until resolved (see: ntm conflicts):")
        ]
        for conflict in f.conflicts {
            lines.append("  [\(conflict.id)] " + conflictSubject(conflict, catalogue: f.catalogue))
        }
        return lines
    }

    /// What a conflict is about, in words: `chỉ tiêu 17.1 · trạng thái` (the field in conflict after the dot).
    public func conflictSubject(_ conflict: ReportConflict, catalogue: Catalogue) -> String {
        var subject: String
        switch conflict.table {
        case NTMSchema.Table.assessment:
            subject = "\(language.pick("chỉ tiêu", "indicator")) \(conflict.indicator ?? "")"
        case NTMSchema.Table.verification:
            subject =
                "\(language.pick("thẩm tra tiêu chí", "verification of criterion")) \(conflict.criterion.map(String.init) ?? "")"
            if let department = conflict.department { subject += " (\(department))" }
        case NTMSchema.Table.appraisal:
            subject = "\(language.pick("thẩm định", "appraisal")): \(conflict.sector ?? "")"
        default:
            subject =
                conflict.criterion.map { "\(language.pick("hồ sơ tiêu chí", "dossier of criterion")) \($0)" }
                ?? language.pick("hồ sơ chung", "general dossier")
        }
        let presentation = Presentation(catalogue: catalogue, language: language)
        return subject + " · " + presentation.field(table: conflict.table, column: conflict.column)
    }

    /// The owning departments that have not verified yet, grouped by department.
    private func owedLines(_ f: CommuneFigures) -> [String] {
        let owed = f.verificationOwed
        guard !owed.isEmpty else { return [] }
        return [language.pick("Phòng còn phải thẩm tra:", "Departments still to verify:")]
            + owed.map { department, criteria in
                "  \(department): \(language.pick("tiêu chí", "criteria")) "
                    + criteria.map(String.init).joined(separator: ", ")
            }
    }

    /// The evidence attached, in all and per criterion.
    private func evidenceLine(_ f: CommuneFigures) -> String {
        let per = f.criteria.filter { $0.evidenceCount > 0 }.map {
            "\(language.pick("tiêu chí", "criterion")) \($0.criterion.number): \($0.evidenceCount)"
        }
        let detail = per.isEmpty ? "" : " (" + per.joined(separator: "; ") + ")"
        return language.pick("Minh chứng: \(f.evidenceCount) văn bản", "Evidence: \(f.evidenceCount) documents")
            + detail
    }

    private func targetLine(_ f: CommuneFigures) -> String {
        var text =
            language.pick("bộ tiêu chí \(f.catalogue.id)", "set \(f.catalogue.id)") + " · "
            + language.pick("mức \(f.target.level.label(language))", "level \(f.target.level.label(language))")
        if let year = f.target.year { text += language.pick(" · năm phấn đấu \(year)", " · target year \(year)") }
        if f.catalogue.synthetic {
            text += language.pick(" · (bộ tiêu chí tổng hợp để thử nghiệm)", " · (synthetic set)")
        }
        return text
    }

    private func deadlineLines(overdue: [DeadlineItem], upcoming: [DeadlineItem], catalogue: Catalogue?) -> [String] {
        var lines: [String] = []
        let overdue = overdue.sorted { ($0.due, $0.commune) < ($1.due, $1.commune) }
        let upcoming = upcoming.sorted { ($0.due, $0.commune) < ($1.due, $1.commune) }
        if overdue.isEmpty {
            lines.append(language.pick("Quá hạn: không có", "Overdue: none"))
        } else {
            lines.append(language.pick("Quá hạn (\(overdue.count)):", "Overdue (\(overdue.count)):"))
            for item in overdue {
                let late = item.due.days(until: date)
                lines.append(
                    "  - " + deadlineLine(item, showCommune: catalogue == nil)
                        + language.pick(" — quá \(late) ngày", " — \(late) days late"))
            }
        }
        if upcoming.isEmpty {
            lines.append(language.pick("Sắp đến hạn: không có", "Upcoming: none"))
        } else {
            lines.append(language.pick("Sắp đến hạn (\(upcoming.count)):", "Upcoming (\(upcoming.count)):"))
            for item in upcoming { lines.append("  - " + deadlineLine(item, showCommune: catalogue == nil)) }
        }
        return lines
    }

    /// What is due: the deadline's title, or "complete indicator 17.1" for an indicator's own deadline.
    private func task(_ item: DeadlineItem) -> String {
        item.title
            ?? language.pick(
                "hoàn thành chỉ tiêu \(item.indicator ?? "")", "complete indicator \(item.indicator ?? "")")
    }

    /// One deadline in words: `23/04/2020 Sở Công Thương: Văn bản đánh giá`.
    public func deadlineLine(_ item: DeadlineItem, showCommune: Bool = false) -> String {
        let what = task(item)
        let place = showCommune ? "[\(item.commune)] " : ""
        var text = "\(item.due) \(place)\(item.owner): \(what)"
        if item.title != nil, let code = item.indicator {
            text += language.pick(" (chỉ tiêu \(code))", " (indicator \(code))")
        }
        return text
    }

    private func missingLine(_ item: MissingIndicator) -> String {
        let indicator = item.indicator
        var text = "\(indicator.code) \(name(indicator)) — "
        text +=
            item.inConflict
            ? language.pick("đang xung đột", "in conflict")
            : item.status?.label(language) ?? language.pick("chưa đánh giá", "not assessed")
        if let value = item.value {
            text += ", \(formatNumber(value, language))\(indicator.unit == "%" ? "%" : "")"
        }
        if !indicator.target.isEmpty {
            text += language.pick(
                " / mục tiêu \(indicator.target(language))", " / target \(indicator.target(language))")
        }
        return text + " — \(indicator.department)"
    }

    private func name(_ criterion: Catalogue.Criterion) -> String {
        language == .vi ? criterion.nameVi : criterion.nameEn
    }

    private func name(_ indicator: Catalogue.Indicator) -> String {
        language == .vi ? indicator.nameVi : indicator.nameEn
    }

    private func yesNo(_ flag: Bool) -> String { flag ? language.pick("có", "yes") : language.pick("không", "no") }

    private var districtHeader: [String] {
        return [
            language.pick("Xã", "Commune"), language.pick("Bộ tiêu chí", "Set"), language.pick("Mức", "Level"),
            language.pick("Tiêu chí đạt", "Criteria met"),
            language.pick("Chỉ tiêu đạt", "Indicators met"), language.pick("Hồ sơ tiêu chí", "Criteria dossiers"),
            language.pick("Hồ sơ chung", "General dossier"), language.pick("Đã gửi", "Sent"),
            language.pick("Đã kiểm tra", "Inspected"),
            language.pick("Đạt", "Passed"), language.pick("Quá hạn", "Overdue"),
            // Added later, so at the end: spreadsheets made from earlier reports keep their columns.
            language.pick("Thẩm tra", "Verified"), language.pick("Minh chứng", "Evidence"),
            language.pick("Xung đột", "Conflicts"),
        ]
    }

    private func districtRow(_ f: CommuneFigures) -> [String] {
        [
            f.commune.name, f.catalogue.id, f.target.level.label(language), "\(f.criteriaMet)/\(f.criteriaTotal)",
            "\(f.indicatorsMet)/\(f.indicatorsTotal)", "\(f.dossiersComplete)/\(f.criteriaTotal)",
            yesNo(f.generalDossier),
            "\(f.sectorsSent)/\(f.sectorsTotal)", "\(f.sectorsInspected)", "\(f.sectorsPassed)/\(f.sectorsTotal)",
            "\(f.overdue.count)",
            "\(f.criteriaVerified)/\(f.criteriaTotal)", "\(f.evidenceCount)", "\(f.conflicts.count)",
        ]
    }

    // MARK: JSON

    /// The commune report as one JSON object.
    public func json(_ figures: CommuneFigures) -> JSONValue {
        var object = communeObject(figures)
        object["as_of"] = .string(date.iso)
        return .object(object)
    }

    /// The district report as one JSON object.
    public func json(_ district: DistrictFigures) -> JSONValue {
        .object([
            "as_of": .string(date.iso), "district": district.district.map(JSONValue.string) ?? .null,
            "communes_total": .int(Int64(district.communes.count)),
            "communes_meeting": .int(Int64(district.communesMeeting)),
            "communes": .array(district.communes.map { .object(communeObject($0)) }),
            "overdue": .array(district.overdue.map(deadlineObject)),
            "upcoming": .array(district.upcoming.map(deadlineObject)),
            "unknown_sets": .array(
                district.unknownSets.map { .object(["commune": .string($0.commune), "set": .string($0.set)]) }),
            "departments": .array(
                district.departments.map { department, gaps in
                    .object([
                        "department": .string(department),
                        "not_met": .array(
                            gaps.map { gap in
                                .object([
                                    "set": .string(gap.setID), "indicator": .string(gap.indicator.code),
                                    "name": .string(name(gap.indicator)),
                                    "communes": .array(gap.communes.map(JSONValue.string)),
                                    "in_conflict": .array(gap.inConflict.map(JSONValue.string)),
                                ])
                            }),
                    ])
                }),
        ])
    }

    private func communeObject(_ f: CommuneFigures) -> JSONObject {
        [
            "commune": .string(f.commune.slug), "name": .string(f.commune.name), "set": .string(f.catalogue.id),
            "level": .string(f.target.level.rawValue), "target_year": f.target.year.map { .int(Int64($0)) } ?? .null,
            "criteria_met": .int(Int64(f.criteriaMet)), "criteria_total": .int(Int64(f.criteriaTotal)),
            "indicators_met": .int(Int64(f.indicatorsMet)), "indicators_total": .int(Int64(f.indicatorsTotal)),
            "indicators_assessed": .int(Int64(f.indicatorsAssessed)),
            "dossiers_complete": .int(Int64(f.dossiersComplete)), "general_dossier": .bool(f.generalDossier),
            "criteria_verified": .int(Int64(f.criteriaVerified)), "sectors_total": .int(Int64(f.sectorsTotal)),
            "sectors_sent": .int(Int64(f.sectorsSent)), "sectors_inspected": .int(Int64(f.sectorsInspected)),
            "sectors_passed": .int(Int64(f.sectorsPassed)),
            "pending_sectors": .array(f.pendingSectors.map(JSONValue.string)),
            "meets_standard": .bool(f.meetsStandard), "overdue": .array(f.overdue.map(deadlineObject)),
            "upcoming": .array(f.upcoming.map(deadlineObject)), "evidence": .int(Int64(f.evidenceCount)),
            "conflicts": .array(
                f.conflicts.map { conflict in
                    .object([
                        "id": .string(conflict.id), "table": .string(conflict.table), "field": .string(conflict.column),
                        "criterion": conflict.criterion.map { .int(Int64($0)) } ?? .null,
                        "indicator": conflict.indicator.map(JSONValue.string) ?? .null,
                        "sector": conflict.sector.map(JSONValue.string) ?? .null,
                        "department": conflict.department.map(JSONValue.string) ?? .null,
                    ])
                }),
            "criteria": .array(
                f.criteria.map { progress in
                    .object([
                        "criterion": .int(Int64(progress.criterion.number)), "met": .bool(progress.met),
                        "indicators_met": .int(Int64(progress.indicatorsMet)),
                        "indicators_total": .int(Int64(progress.indicatorsTotal)),
                        "dossier_complete": .bool(progress.dossierComplete),
                        "dossier_in_conflict": .bool(progress.dossierInConflict),
                        "verified": .bool(progress.verified),
                        "verification_owed": .array(progress.verificationOwed.map(JSONValue.string)),
                        "verifications": .array(
                            progress.verifications.map { record in
                                .object([
                                    "department": .string(record.department),
                                    "result": record.result.map { .string($0.rawValue) } ?? .null,
                                    "date": record.date.map { .string($0.iso) } ?? .null,
                                    "document": record.document.map(JSONValue.string) ?? .null,
                                    "in_conflict": .bool(record.inConflict),
                                ])
                            }),
                        "evidence": .int(Int64(progress.evidenceCount)),
                    ])
                }),
            "missing": .array(
                f.criteria.flatMap { progress in
                    progress.missing.map { item in
                        .object([
                            "criterion": .int(Int64(progress.criterion.number)),
                            "indicator": .string(item.indicator.code),
                            "name": .string(name(item.indicator)),
                            "status": item.status.map { .string($0.rawValue) } ?? .null,
                            "value": item.value.map(JSONValue.double) ?? .null,
                            "in_conflict": .bool(item.inConflict),
                            "target": .string(item.indicator.target), "department": .string(item.indicator.department),
                        ])
                    }
                }),
        ]
    }

    private func deadlineObject(_ item: DeadlineItem) -> JSONValue {
        .object([
            "id": item.uid.map(JSONValue.string) ?? .null, "commune": .string(item.commune),
            "title": .string(task(item)),
            "indicator": item.indicator.map(JSONValue.string) ?? .null, "due": .string(item.due.iso),
            "owner": .string(item.owner), "owner_kind": .string(item.ownerKind),
            "days_late": .int(Int64(max(0, item.due.days(until: date)))),
        ])
    }

    // MARK: CSV

    /// The commune report as CSV: one row per criterion.
    public func csv(_ f: CommuneFigures) -> String {
        var rows: [[String]] = [
            [
                language.pick("Tiêu chí", "Criterion"), language.pick("Tên tiêu chí", "Name"),
                language.pick("Chỉ tiêu đạt", "Indicators met"),
                language.pick("Số chỉ tiêu", "Indicators"), language.pick("Đạt", "Met"),
                language.pick("Hồ sơ đủ", "Dossier complete"),
                language.pick("Huyện thẩm tra đạt", "District verified"),
                language.pick("Chỉ tiêu còn thiếu", "Indicators missing"),
                language.pick("Phòng phụ trách", "Departments"),
                language.pick("Phòng chưa thẩm tra", "Verification owed by"),
                language.pick("Minh chứng", "Evidence"), language.pick("Đang xung đột", "In conflict"),
            ]
        ]
        for progress in f.criteria {
            rows.append([
                String(progress.criterion.number), name(progress.criterion), String(progress.indicatorsMet),
                String(progress.indicatorsTotal), yesNo(progress.met), yesNo(progress.dossierComplete),
                yesNo(progress.verified), progress.missing.map(\.indicator.code).joined(separator: "; "),
                unique(progress.missing.map(\.indicator.department)).joined(separator: "; "),
                progress.verificationOwed.joined(separator: "; "), String(progress.evidenceCount),
                f.conflicts.filter { $0.criterion == progress.criterion.number }.map { conflict in
                    [conflict.id, conflict.indicator ?? conflict.department, conflict.column].compactMap { $0 }
                        .joined(separator: " ")
                }.joined(separator: "; "),
            ])
        }
        return Self.csvText(rows)
    }

    /// The district report as CSV: one row per commune.
    public func csv(_ district: DistrictFigures) -> String {
        var rows = [
            [language.pick("Mã xã", "Slug")] + districtHeader + [
                language.pick("Ngành chưa có văn bản đạt", "Sectors pending"),
                language.pick("Đạt chuẩn", "Meets standard"),
            ]
        ]
        for f in district.communes {
            rows.append(
                [f.commune.slug] + districtRow(f) + [f.pendingSectors.joined(separator: "; "), yesNo(f.meetsStandard)])
        }
        return Self.csvText(rows)
    }

    /// Rows as RFC 4180 CSV with CRLF line ends, preceded by a UTF-8 byte-order mark.
    ///
    /// A text cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return: a commune name or note typed as `=HYPERLINK(…)`) is neutralised as OWASP
    /// recommends, by a leading `'`. A cell that is a plain number (`-3`, `96,5`) is left as it is, so
    /// that a negative figure stays a number.
    static func csvText(_ rows: [[String]]) -> String {
        "\u{FEFF}"
            + rows.map { row in
                row.map(neutralised).map { cell in
                    cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" })
                        ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
                }.joined(separator: ",")
            }.joined(separator: "\r\n") + "\r\n"
    }

    /// The cell, with a leading `'` when a spreadsheet would take it for a formula (see ``csvText(_:)``).
    public static func neutralised(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        let digits = cell.dropFirst()
        let isNumber =
            (first == "-" || first == "+") && !digits.isEmpty && digits.first!.isNumber
            && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "," || $0 == ".") }
        return isNumber ? cell : "'" + cell
    }
}

extension ReportRendering {
    /// The report of any subject as lines of text.
    public func text(_ subject: ReportSubject) -> [String] {
        switch subject {
        case .commune(let figures): text(figures)
        case .district(let figures): text(figures)
        case .province(let figures): text(figures)
        }
    }

    /// The report of any subject as JSON (the `--json` output).
    public func json(_ subject: ReportSubject) -> JSONValue {
        switch subject {
        case .commune(let figures): json(figures)
        case .district(let figures): json(figures)
        case .province(let figures): json(figures)
        }
    }

    /// The report of any subject as CSV.
    public func csv(_ subject: ReportSubject) -> String {
        switch subject {
        case .commune(let figures): csv(figures)
        case .district(let figures): csv(figures)
        case .province(let figures): csv(figures)
        }
    }
}
