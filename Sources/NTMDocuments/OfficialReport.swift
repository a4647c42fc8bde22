import Foundation
import NTM
import SyncCore

/// The report as an official document (Nghị định 30/2020/NĐ-CP), made from the report's figures.
///
/// The layout follows the decree's appendix: a header of two columns (the issuing body and the
/// document's number on the left; the national name, the motto and the place and date on the right),
/// the document's kind and subject centred, a justified body in 14 pt Times New Roman with tables, and
/// the recipients and the signer side by side at the end; A4 with margins of 20 mm at the top and the
/// bottom, 30 mm on the left and 15 mm on the right; the page number centred at the top from page 2.
/// Every figure printed comes from `subject`'s figures, worded as the text report words them.
public struct OfficialReport: Sendable {
    /// What the report is about, with its figures.
    public let subject: ReportSubject
    /// Who issues and signs it, its number and recipients (defaults, settings and options merged).
    public let settings: DocumentSettings
    /// The language of the text.
    public let language: Language
    /// The report's date: the figures are as of its end.
    public let date: CalendarDate
    /// The day the document is issued (the date beside the place): today, even for a report as of an
    /// earlier day, which the subject and the body name.
    public let issued: CalendarDate

    /// Creates the document.
    public init(
        subject: ReportSubject, settings: DocumentSettings, language: Language, date: CalendarDate,
        issued: CalendarDate? = nil
    ) {
        self.issued = issued ?? date
        self.subject = subject
        self.settings = settings
        self.language = language
        self.date = date
    }

    /// The .docx file's bytes.
    public func docx() throws -> Data {
        let package = DocxPackage(
            blocks: blocks, section: Self.page,
            title: language.pick("BÁO CÁO", "REPORT") + " — " + documentSubject,
            creator: settings[.office] ?? settings[.issuer] ?? "ntm", date: issued,
            language: language.pick("vi-VN", "en-GB"))
        return try package.data()
    }

    /// The document's subject (trích yếu): the one set, or the progress of the unit up to the date.
    public var documentSubject: String {
        if let subject = settings[.subject] { return subject }
        let unit = unitPhrase.map { language.pick(" của \($0)", " in \($0)") } ?? ""
        return language.pick(
            "Tiến độ xây dựng nông thôn mới\(unit) đến ngày \(date)",
            "Progress of new rural development\(unit) as of \(date)")
    }

    // MARK: Layout

    private typealias ML = WordprocessingML

    /// A4 portrait, margins 20 mm top and bottom, 30 mm left, 15 mm right.
    static let page = WordprocessingML.Section(
        page: (width: 11906, height: 16838),
        margins: (
            top: ML.twips(millimetres: 20), right: ML.twips(millimetres: 15), bottom: ML.twips(millimetres: 20),
            left: ML.twips(millimetres: 30)
        ), headerDistance: ML.twips(millimetres: 10))

    /// Sizes in half-points.
    private enum Size {
        static let body = 28
        static let table = 26
        static let wideHeader = 24
        static let heading = 26
        static let nationalName = 24
        static let motto = 26
        static let recipientsLabel = 24
        static let recipients = 22
    }

    private static let firstLineIndent = 567

    private var blocks: [ML.Block] {
        var blocks = [heading()] + title()
        blocks.append(body(introduction))
        switch subject {
        case .commune(let figures): blocks += communeBody(figures)
        case .district(let figures): blocks += districtBody(figures)
        case .province(let figures): blocks += provinceBody(figures)
        }
        blocks.append(.paragraph(ML.Paragraph()))
        blocks.append(signature())
        return blocks
    }

    /// The two columns at the top: the issuing body and the number; the national name, the motto, the
    /// place and the date.
    private func heading() -> ML.Block {
        let left = 3600
        let right = Self.page.textWidth - left
        var issuing: [ML.Paragraph] = []
        if let issuer = settings[.issuer] {
            issuing.append(ML.Paragraph(upper(issuer), size: Size.heading, alignment: .center))
        }
        var office = settings[.office].map(upper) ?? ""
        // "ỦY BAN NHÂN DÂN XÃ DÂN LÝ" too wide for one line is broken after the body's kind, as the
        // decree's forms write it, rather than wherever the line runs out.
        for kind in ["ỦY BAN NHÂN DÂN ", "PEOPLE'S COMMITTEE OF "]
        where office.hasPrefix(kind) && estimatedWidth(office, size: Size.heading, bold: true) > left {
            office = kind.dropLast() + "\n" + office.dropFirst(kind.count)
        }
        issuing.append(ML.Paragraph(office, bold: true, size: Size.heading, alignment: .center))
        // A rule a third to a half of the issuing body's (longest) line, centred under it.
        let longest = office.split(separator: "\n").map(String.init).max { $0.count < $1.count } ?? office
        let officeWidth = min(left - 200, estimatedWidth(longest, size: Size.heading, bold: true))
        issuing.append(rule(width: max(officeWidth * 2 / 5, 900), in: left))
        var national = [
            ML.Paragraph(
                language.pick("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"), bold: true,
                size: Size.nationalName, alignment: .center),
            ML.Paragraph(
                language.pick("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"), bold: true,
                size: Size.motto, alignment: .center),
        ]
        // A rule as long as the motto.
        national.append(rule(width: estimatedWidth(national[1].runs[0].text, size: Size.motto, bold: true), in: right))
        var number = ML.Paragraph(numberLine, size: Size.heading, alignment: .center)
        number.spacing = (before: 120, after: 0)
        var placeAndDate = ML.Paragraph(placeAndDateLine, italic: true, size: Size.body, alignment: .center)
        placeAndDate.spacing = (before: 120, after: 0)
        return .table(
            ML.Table(
                columns: [left, right],
                rows: [
                    ML.Row(cells: [ML.Cell(issuing), ML.Cell(national)]),
                    ML.Row(cells: [ML.Cell([number]), ML.Cell([placeAndDate])]),
                ], borders: false))
    }

    /// `BÁO CÁO` and the subject, centred and bold.
    private func title() -> [ML.Block] {
        var kind = ML.Paragraph(language.pick("BÁO CÁO", "REPORT"), bold: true, size: Size.body, alignment: .center)
        kind.spacing = (before: 480, after: 0)
        kind.keepWithNext = true
        var about = ML.Paragraph(documentSubject, bold: true, size: Size.body, alignment: .center)
        about.spacing = (before: 0, after: 0)
        about.keepWithNext = true
        // A short rule under the subject.
        return [.paragraph(kind), .paragraph(about), .paragraph(rule(width: 2400, in: Self.page.textWidth))]
    }

    /// The recipients on the left, the signer on the right.
    private func signature() -> ML.Block {
        let left = 4300
        let right = Self.page.textWidth - left
        var recipients = [
            ML.Paragraph(
                runs: [
                    ML.Run(
                        text: language.pick("Nơi nhận:", "Recipients:"), bold: true, italic: true,
                        size: Size.recipientsLabel)
                ])
        ]
        let list = settings.recipientList
        for (index, recipient) in list.enumerated() {
            let end = index == list.count - 1 ? "." : ";"
            recipients.append(ML.Paragraph("- " + recipient + end, size: Size.recipients, alignment: .left))
        }
        var signer: [ML.Paragraph] = []
        if let authority = settings[.authority] {
            signer.append(ML.Paragraph(upper(authority), bold: true, size: Size.body, alignment: .center))
        }
        if let title = settings[.title] {
            signer.append(ML.Paragraph(upper(title), bold: true, size: Size.body, alignment: .center))
        }
        // Room for the signature and the seal.
        signer += Array(repeating: ML.Paragraph(), count: 4)
        if let name = settings[.signer] {
            signer.append(ML.Paragraph(name, bold: true, size: Size.body, alignment: .center))
        }
        return .table(
            ML.Table(
                columns: [left, right], rows: [ML.Row(cells: [ML.Cell(recipients), ML.Cell(signer)])],
                borders: false))
    }

    /// An empty paragraph drawing a rule `width` twips wide, centred in a column `column` twips wide.
    private func rule(width: Int, in column: Int) -> ML.Paragraph {
        var rule = ML.Paragraph()
        let side = max(0, (column - width) / 2)
        rule.indent = (left: side, right: side)
        rule.ruleBelow = true
        rule.markSize = 4
        rule.spacing = (before: 40, after: 0)
        return rule
    }

    /// A rough width of `text` in Times New Roman, in twips (for the rules' lengths).
    private func estimatedWidth(_ text: String, size: Int, bold: Bool) -> Int {
        let isUpper = text == upper(text)
        let em = isUpper ? (bold ? 0.68 : 0.64) : (bold ? 0.5 : 0.46)
        return Int(Double(text.count) * em * Double(size) * 10)
    }

    private func upper(_ text: String) -> String { text.uppercased(with: Locale(identifier: "vi_VN")) }

    /// `Số: 125/BC-VPĐP`, or `Số:      /BC-VPĐP` for the clerk to fill in.
    private var numberLine: String {
        let number = settings[.number].map { " " + $0 } ?? "      "
        return language.pick("Số:", "No.:") + number + "/" + (settings[.code] ?? "BC")
    }

    /// `Triệu Sơn, ngày 14 tháng 11 năm 2018` (days below 10 and the months January and February with a
    /// leading zero, as the decree writes them).
    private var placeAndDateLine: String {
        let date = issued
        let day = date.day < 10 ? "0\(date.day)" : "\(date.day)"
        let month = date.month < 3 ? "0\(date.month)" : "\(date.month)"
        let words = language.pick(
            "ngày \(day) tháng \(month) năm \(date.year)",
            "\(date.day) \(Self.months[date.month - 1]) \(date.year)")
        guard let place = settings[.place] else {
            return language == .vi ? "Ngày \(day) tháng \(month) năm \(date.year)" : words
        }
        return place + ", " + words
    }

    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    // MARK: Words

    /// `huyện Triệu Sơn` / `Triệu Sơn district`: the unit the report speaks for, named from the figures.
    private var unitPhrase: String? {
        switch subject {
        case .commune(let figures):
            return named(figures.catalogue.unit.label(language), figures.commune.name)
        case .district(let figures):
            return (figures.district ?? settings[.place]).map { named(language.pick("huyện", "district"), $0) }
        case .province(let figures):
            return (figures.province ?? settings[.place]).map { named(language.pick("tỉnh", "province"), $0) }
        }
    }

    /// `xã Dân Lý` in Vietnamese, `Dân Lý commune` in English.
    private func named(_ kind: String, _ name: String) -> String {
        language.pick("\(kind) \(name)", "\(name) \(kind)")
    }

    private func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    private var introduction: String {
        let unit = unitPhrase.map { language.pick(" của \($0)", " in \($0)") } ?? ""
        return language.pick(
            "Tình hình, kết quả xây dựng nông thôn mới\(unit) tính đến ngày \(date) như sau:",
            "The progress of new rural development\(unit) as of \(date) is as follows:")
    }

    private func levelName(_ level: Level) -> String {
        switch level {
        case .ntm: language.pick("nông thôn mới", "new rural area")
        case .advanced: language.pick("nông thôn mới nâng cao", "advanced new rural area")
        case .model: language.pick("nông thôn mới kiểu mẫu", "model new rural area")
        case .modelVillage: language.pick("thôn kiểu mẫu", "model village")
        }
    }

    /// `đạt chuẩn nông thôn mới` when every commune works towards one level, else `đạt chuẩn`.
    private func meetingPhrase(_ communes: [CommuneFigures]) -> String {
        let levels = Set(communes.map(\.target.level))
        let standard = language.pick("đạt chuẩn", "meeting the standard")
        guard levels.count == 1, let level = levels.first else { return standard }
        return standard + language.pick(" ", " of ") + levelName(level)
    }

    private func yesNo(_ flag: Bool) -> String { flag ? language.pick("có", "yes") : language.pick("không", "no") }

    /// `đã gửi hồ sơ đến 8/17 sở, ngành; 5 ngành đã về kiểm tra; 3/17 ngành có văn bản đánh giá đạt`.
    private func sectorsPhrase(_ f: CommuneFigures) -> String {
        language.pick(
            "đã gửi hồ sơ đến \(f.sectorsSent)/\(f.sectorsTotal) sở, ngành; \(f.sectorsInspected) ngành đã về kiểm tra; \(f.sectorsPassed)/\(f.sectorsTotal) ngành có văn bản đánh giá đạt",
            "sent its dossier to \(f.sectorsSent)/\(f.sectorsTotal) sectors; \(f.sectorsInspected) sectors inspected; \(f.sectorsPassed)/\(f.sectorsTotal) sectors gave a written verdict \"met\""
        )
    }

    // MARK: Blocks

    /// A body paragraph: justified, first line indented.
    private func body(_ text: String, bold: Bool = false, italic: Bool = false) -> ML.Block {
        var paragraph = ML.Paragraph(text, bold: bold, italic: italic, alignment: .both)
        paragraph.firstLineIndent = Self.firstLineIndent
        paragraph.spacing = (before: 60, after: 60)
        paragraph.lineSpacing = 264
        return .paragraph(paragraph)
    }

    /// A numbered heading in bold, kept with what follows.
    private func section(_ text: String) -> ML.Block {
        var paragraph = ML.Paragraph(text, bold: true, alignment: .both)
        paragraph.firstLineIndent = Self.firstLineIndent
        paragraph.spacing = (before: 120, after: 60)
        paragraph.keepWithNext = true
        return .paragraph(paragraph)
    }

    /// A bordered table: a bold header repeated on every page, then the rows; the columns in `left`
    /// aligned left, the others centred; the rows in `bold` in bold. A nil cell is merged into the one
    /// above it. The header is `headerSize` half-points. With `groups` (a title and the number of columns it spans, covering every column) the
    /// header has two rows: the groups, and under a group of several columns their own titles.
    private func table(
        _ columns: [Int], headerSize: Int = Size.table, header: [String], groups: [(title: String, span: Int)] = [],
        rows: [[String?]], left: Set<Int> = [], bold: Set<Int> = []
    ) -> ML.Block {
        var lines: [ML.Row] = []
        if groups.isEmpty {
            lines.append(ML.Row(cells: header.map { ML.Cell($0, bold: true, size: headerSize) }, isHeader: true))
        } else {
            var top: [ML.Cell] = []
            var below: [ML.Cell] = []
            var column = 0
            for (title, span) in groups {
                if span == 1 {
                    top.append(ML.Cell(title, bold: true, size: headerSize, merge: .restart))
                    below.append(ML.Cell("", size: headerSize, merge: .proceed))
                } else {
                    top.append(ML.Cell(title, bold: true, size: headerSize, span: span))
                    below += header[column..<column + span].map { ML.Cell($0, bold: true, size: headerSize) }
                }
                column += span
            }
            lines += [ML.Row(cells: top, isHeader: true), ML.Row(cells: below, isHeader: true)]
        }
        for (index, row) in rows.enumerated() {
            var cells: [ML.Cell] = []
            for (column, value) in row.enumerated() {
                let alignment: ML.Alignment = left.contains(column) ? .left : .center
                let mergedBelow = index + 1 < rows.count && rows[index + 1][column] == nil
                let merge: ML.Cell.Merge? = value == nil ? .proceed : mergedBelow ? .restart : nil
                cells.append(
                    ML.Cell(
                        value ?? "", bold: bold.contains(index), size: Size.table, alignment: alignment, merge: merge))
            }
            lines.append(ML.Row(cells: cells))
        }
        return .table(ML.Table(columns: columns, rows: lines))
    }

    /// A table's columns: fixed widths, and the remaining text width to `flexible`.
    private func columns(_ widths: [Int], flexible: Int) -> [Int] {
        var widths = widths
        widths[flexible] =
            Self.page.textWidth
            - widths.enumerated().filter { $0.offset != flexible }.map(\.element)
            .reduce(0, +)
        return widths
    }

    /// A paragraph above a table, kept with it.
    private func caption(_ text: String) -> ML.Block {
        guard case .paragraph(var paragraph) = body(text, italic: false) else { return body(text) }
        paragraph.keepWithNext = true
        return .paragraph(paragraph)
    }

    // MARK: Commune

    private func communeBody(_ f: CommuneFigures) -> [ML.Block] {
        var blocks: [ML.Block] = [section(language.pick("1. Kết quả chung", "1. Overall results"))]
        let unit = named(f.catalogue.unit.label(language), f.commune.name)
        let year = f.target.year.map { language.pick(" năm \($0)", " by \($0)") } ?? ""
        blocks.append(
            body(
                language.pick(
                    "\(capitalized(unit)) phấn đấu đạt chuẩn \(levelName(f.target.level))\(year) theo bộ tiêu chí \(f.catalogue.id).",
                    "\(capitalized(unit)) works towards the standard of \(levelName(f.target.level))\(year) with the set \(f.catalogue.id)."
                )))
        blocks.append(
            body(
                language.pick(
                    "Đến ngày \(date), \(unit) đạt \(f.criteriaMet)/\(f.criteriaTotal) tiêu chí, \(f.indicatorsMet)/\(f.indicatorsTotal) chỉ tiêu (đã đánh giá \(f.indicatorsAssessed)/\(f.indicatorsTotal) chỉ tiêu); hồ sơ đã hoàn thiện \(f.dossiersComplete)/\(f.criteriaTotal) tiêu chí, hồ sơ chung \(f.generalDossier ? "đã hoàn thiện" : "còn thiếu"); huyện thẩm tra đạt \(f.criteriaVerified)/\(f.criteriaTotal) tiêu chí; minh chứng: \(f.evidenceCount) văn bản.",
                    "As of \(date), \(unit) meets \(f.criteriaMet)/\(f.criteriaTotal) criteria and \(f.indicatorsMet)/\(f.indicatorsTotal) indicators (assessed \(f.indicatorsAssessed)/\(f.indicatorsTotal)); dossiers complete for \(f.dossiersComplete)/\(f.criteriaTotal) criteria, general dossier \(f.generalDossier ? "complete" : "missing"); the district verified \(f.criteriaVerified)/\(f.criteriaTotal) criteria as met; evidence: \(f.evidenceCount) documents."
                )))
        blocks.append(body(capitalized(unit) + " " + sectorsPhrase(f) + "."))
        if !f.pendingSectors.isEmpty {
            blocks.append(
                body(
                    language.pick(
                        "Ngành chưa có văn bản đạt (\(f.pendingSectors.count)): ",
                        "Sectors without a \"met\" verdict (\(f.pendingSectors.count)): ")
                        + f.pendingSectors.joined(separator: ", ") + "."))
        }
        blocks.append(section(language.pick("2. Kết quả theo tiêu chí", "2. Results by criterion")))
        blocks.append(
            table(
                columns([600, 0, 1200, 1300, 1700], flexible: 1),
                header: [
                    language.pick("TT", "No."), language.pick("Tiêu chí", "Criterion"),
                    language.pick("Chỉ tiêu đạt", "Indicators met"), language.pick("Hồ sơ", "Dossier"),
                    language.pick("Huyện thẩm tra", "District verification"),
                ],
                rows: f.criteria.map { progress in
                    [
                        "\(progress.criterion.number)", name(progress.criterion),
                        "\(progress.indicatorsMet)/\(progress.indicatorsTotal)", dossierWord(progress),
                        verificationWord(progress),
                    ]
                }, left: [1]))
        blocks += owedBlocks(f)
        let missing = f.criteria.flatMap(\.missing)
        blocks.append(section(language.pick("3. Chỉ tiêu chưa đạt", "3. Indicators not yet met")))
        if missing.isEmpty {
            blocks.append(
                body(language.pick("Tất cả chỉ tiêu đã đạt.", "Every indicator is met.")))
        } else {
            blocks.append(
                table(
                    columns([900, 0, 1900, 2300], flexible: 1),
                    header: [
                        language.pick("Mã", "Code"), language.pick("Chỉ tiêu", "Indicator"),
                        language.pick("Tình trạng", "Status"), language.pick("Phòng phụ trách", "Department"),
                    ],
                    rows: missing.map { item in
                        [item.indicator.code, name(item.indicator), statusWord(item), item.indicator.department]
                    }, left: [1, 3]))
        }
        blocks += deadlineBlocks(number: 4, overdue: f.overdue, upcoming: f.upcoming, names: [:], showCommune: false)
        blocks += conflictBlocks(number: 5, [f])
        return blocks
    }

    private func name(_ criterion: Catalogue.Criterion) -> String {
        language == .vi ? criterion.nameVi : criterion.nameEn
    }

    private func name(_ indicator: Catalogue.Indicator) -> String {
        language == .vi ? indicator.nameVi : indicator.nameEn
    }

    private func dossierWord(_ progress: CriterionProgress) -> String {
        progress.dossierInConflict
            ? language.pick("đang xung đột", "in conflict")
            : progress.dossierComplete ? language.pick("đủ", "complete") : language.pick("chưa đủ", "incomplete")
    }

    private func verificationWord(_ progress: CriterionProgress) -> String {
        if progress.verified { return language.pick("đạt", "met") }
        if !progress.verificationInConflict.isEmpty { return language.pick("đang xung đột", "in conflict") }
        if progress.verification.values.contains(.notMet) { return Verdict.notMet.label(language) }
        return language.pick("chưa thẩm tra", "not verified")
    }

    private func statusWord(_ item: MissingIndicator) -> String {
        if item.inConflict { return language.pick("đang xung đột", "in conflict") }
        var text = item.status?.label(language) ?? language.pick("chưa đánh giá", "not assessed")
        if let value = item.value {
            text += " (\(formatNumber(value, language))\(item.indicator.unit == "%" ? "%" : ""))"
        }
        return text
    }

    /// The departments that still have to verify, with their criteria.
    private func owedBlocks(_ f: CommuneFigures) -> [ML.Block] {
        let owed = f.verificationOwed
        guard !owed.isEmpty else { return [] }
        let list = owed.map { department, criteria in
            "\(department) (\(language.pick("tiêu chí", "criteria")) "
                + criteria.map(String.init).joined(separator: ", ") + ")"
        }
        return [
            body(
                language.pick("Phòng còn phải thẩm tra: ", "Departments still to verify: ")
                    + list.joined(separator: "; ")
                    + ".")
        ]
    }

    // MARK: District

    private func districtBody(_ d: DistrictFigures) -> [ML.Block] {
        var blocks: [ML.Block] = [section(language.pick("1. Kết quả chung", "1. Overall results"))]
        blocks.append(
            body(
                language.pick(
                    "Toàn huyện có \(d.communesMeeting)/\(d.communes.count) xã \(meetingPhrase(d.communes)).",
                    "\(d.communesMeeting)/\(d.communes.count) communes of the district are \(meetingPhrase(d.communes))."
                )))
        for f in d.communes where f.sectorsSent > 0 || f.sectorsInspected > 0 {
            blocks.append(
                body(
                    capitalized(named(f.catalogue.unit.label(language), f.commune.name)) + " " + sectorsPhrase(f) + ".")
            )
        }
        blocks += unknownSetBlocks(d.unknownSets)
        blocks.append(section(language.pick("2. Tiến độ của từng xã", "2. Progress of each commune")))
        if d.communes.isEmpty {
            blocks.append(body(language.pick("Chưa có xã nào.", "No commune yet.")))
        } else {
            blocks.append(communeTable(d.communes))
        }
        blocks.append(
            section(
                language.pick(
                    "3. Chỉ tiêu chưa đạt theo phòng, ban (không để nợ tiêu chí)",
                    "3. Indicators not yet met, by department (no criterion left owing)")))
        if d.departments.isEmpty {
            blocks.append(body(language.pick("Không có chỉ tiêu nào chưa đạt.", "No indicator left unmet.")))
        } else {
            var rows: [[String?]] = []
            for (department, gaps) in d.departments {
                for (index, gap) in gaps.enumerated() {
                    let names = gap.communes.map { commune in
                        gap.inConflict.contains(commune)
                            ? commune + language.pick(" (đang xung đột)", " (in conflict)") : commune
                    }
                    rows.append([
                        index == 0 ? department : nil, "\(gap.indicator.code) \(name(gap.indicator))",
                        "\(gap.communes.count)", names.joined(separator: ", "),
                    ])
                }
            }
            blocks.append(
                table(
                    columns([2300, 0, 900, 2800], flexible: 1),
                    header: [
                        language.pick("Phòng, ban", "Department"), language.pick("Chỉ tiêu", "Indicator"),
                        language.pick("Số xã", "Count"), language.pick("Xã chưa đạt", "Communes not meeting it"),
                    ], rows: rows, left: [0, 1, 3]))
        }
        var names: [String: String] = [:]
        for f in d.communes { names[f.commune.slug] = f.commune.name }
        blocks += deadlineBlocks(
            number: 4, overdue: d.communes.flatMap(\.overdue) + d.overdue,
            upcoming: d.communes.flatMap(\.upcoming) + d.upcoming, names: names, showCommune: true)
        blocks += conflictBlocks(number: 5, d.communes)
        return blocks
    }

    /// One row per commune: criteria, indicators, dossiers, the district's verification, the sectors'
    /// appraisal, and whether it meets the standard.
    private func communeTable(_ communes: [CommuneFigures]) -> ML.Block {
        table(
            columns([480, 0, 760, 800, 760, 900, 880, 760, 800, 760, 860], flexible: 1), headerSize: Size.wideHeader,
            header: [
                "", "", "", "", language.pick("Tiêu chí", "Crit."), language.pick("Chung", "Gen."), "",
                language.pick("Đã gửi", "Sent"), language.pick("Đã kiểm tra", "Insp."), language.pick("Đạt", "Met"),
                "",
            ],
            groups: [
                (language.pick("TT", "No."), 1), (language.pick("Xã", "Commune"), 1),
                // Short English words: the columns are narrow and English words long.
                (language.pick("Tiêu chí đạt", "Crit. met"), 1), (language.pick("Chỉ tiêu đạt", "Ind. met"), 1),
                (language.pick("Hồ sơ", "Dossiers"), 2), (language.pick("Huyện thẩm tra đạt", "Dist. verif."), 1),
                (language.pick("Sở, ngành thẩm định", "Province sectors"), 3),
                (language.pick("Đạt chuẩn", "Meets std."), 1),
            ],
            rows: communes.enumerated().map { index, f in
                [
                    "\(index + 1)", f.commune.name, "\(f.criteriaMet)/\(f.criteriaTotal)",
                    "\(f.indicatorsMet)/\(f.indicatorsTotal)", "\(f.dossiersComplete)/\(f.criteriaTotal)",
                    yesNo(f.generalDossier), "\(f.criteriaVerified)/\(f.criteriaTotal)",
                    "\(f.sectorsSent)/\(f.sectorsTotal)", "\(f.sectorsInspected)",
                    "\(f.sectorsPassed)/\(f.sectorsTotal)",
                    f.meetsStandard ? language.pick("đạt", "yes") : language.pick("chưa", "no"),
                ]
            }, left: [1])
    }

    private func unknownSetBlocks(_ sets: [(commune: String, set: String)]) -> [ML.Block] {
        sets.map { commune, set in
            body(
                language.pick(
                    "Chưa tính xã \(commune): chưa có bộ tiêu chí \(set).",
                    "Left out \(commune): set \(set) is not known here."), italic: true)
        }
    }

    // MARK: Deadlines and conflicts

    private func deadlineBlocks(
        number: Int, overdue: [DeadlineItem], upcoming: [DeadlineItem], names: [String: String], showCommune: Bool
    ) -> [ML.Block] {
        var blocks = [section(language.pick("\(number). Thời hạn", "\(number). Deadlines"))]
        let order: (DeadlineItem, DeadlineItem) -> Bool = { ($0.due, $0.commune) < ($1.due, $1.commune) }
        for (items, late) in [(overdue.sorted(by: order), true), (upcoming.sorted(by: order), false)] {
            let label =
                late ? language.pick("Quá hạn", "Overdue") : language.pick("Sắp đến hạn", "Upcoming")
            guard !items.isEmpty else {
                blocks.append(body(label + language.pick(": không có.", ": none.")))
                continue
            }
            blocks.append(caption(label + " (\(items.count)):"))
            var header = [language.pick("TT", "No."), language.pick("Hạn", "Due")]
            var widths = [500, 1500]
            if showCommune {
                header.append(language.pick("Đơn vị", "Unit"))
                widths.append(1500)
            }
            header += [language.pick("Nội dung", "Task"), language.pick("Phụ trách", "Owner")]
            widths += [0, 2200]
            if late {
                header.append(language.pick("Số ngày quá hạn", "Days late"))
                widths.append(1100)
            }
            let rows: [[String?]] = items.enumerated().map { index, item in
                var row: [String?] = ["\(index + 1)", "\(item.due)"]
                if showCommune { row.append(names[item.commune] ?? item.commune) }
                row += [task(item), item.owner]
                if late { row.append("\(item.due.days(until: date))") }
                return row
            }
            let flexible = showCommune ? 3 : 2
            blocks.append(
                table(columns(widths, flexible: flexible), header: header, rows: rows, left: [flexible, flexible + 1]))
        }
        return blocks
    }

    /// What is due: the deadline's title (with its indicator), or "hoàn thành chỉ tiêu 17.1".
    private func task(_ item: DeadlineItem) -> String {
        guard let title = item.title else {
            return language.pick(
                "hoàn thành chỉ tiêu \(item.indicator ?? "")", "complete indicator \(item.indicator ?? "")")
        }
        return title + (item.indicator.map { language.pick(" (chỉ tiêu \($0))", " (indicator \($0))") } ?? "")
    }

    /// The open conflicts that keep figures from being counted, when there are any.
    private func conflictBlocks(number: Int, _ communes: [CommuneFigures]) -> [ML.Block] {
        let all = communes.flatMap { f in f.conflicts.map { (f, $0) } }
        guard !all.isEmpty else { return [] }
        let rendering = ReportRendering(language: language, date: date)
        return [
            section(
                language.pick(
                    "\(number). Số liệu đang xung đột (chưa được tính)", "\(number). Figures in conflict (not counted)")
            ),
            caption(
                language.pick(
                    "Các số liệu sau đang xung đột, không tính là đạt cho đến khi được giải quyết (xem: ntm conflicts):",
                    "These figures are in conflict, not counted as met until resolved (see: ntm conflicts):")),
            table(
                columns([1700, 1300, 0], flexible: 2),
                header: [
                    language.pick("Đơn vị", "Unit"), language.pick("Mã", "Id"), language.pick("Nội dung", "Subject"),
                ],
                rows: all.map { f, conflict in
                    [f.commune.name, conflict.id, rendering.conflictSubject(conflict, catalogue: f.catalogue)]
                }, left: [0, 2]),
        ]
    }

    // MARK: Province

    private func provinceBody(_ p: ProvinceFigures) -> [ML.Block] {
        let communes = p.districts.flatMap(\.figures.communes)
        var blocks: [ML.Block] = [section(language.pick("1. Kết quả chung", "1. Overall results"))]
        blocks.append(
            body(
                language.pick(
                    "Toàn tỉnh có \(p.communesMeeting)/\(p.communes) xã \(meetingPhrase(communes)); \(p.backlog) hồ sơ chờ sở, ngành kiểm tra; \(p.overdue) việc quá hạn.",
                    "\(p.communesMeeting)/\(p.communes) communes of the province are \(meetingPhrase(communes)); \(p.backlog) dossiers are waiting for a sector's inspection; \(p.overdue) deadlines are overdue."
                )))
        blocks += unknownSetBlocks(p.districts.flatMap(\.figures.unknownSets))
        blocks.append(section(language.pick("2. Tiến độ theo huyện", "2. Progress by district")))
        guard !p.districts.isEmpty else {
            blocks.append(body(language.pick("Chưa có xã nào.", "No commune yet.")))
            return blocks
        }
        var rows: [[String?]] = p.districts.enumerated().map { index, district in
            [
                "\(index + 1)",
                district.slug.map { district.name ?? $0 } ?? language.pick("Chưa rõ huyện", "No district"),
                "\(district.communes)", "\(district.communesMeeting)/\(district.communes)", "\(district.backlog)",
                "\(district.overdue)",
            ]
        }
        rows.append([
            "", language.pick("Toàn tỉnh", "Province"), "\(p.communes)", "\(p.communesMeeting)/\(p.communes)",
            "\(p.backlog)", "\(p.overdue)",
        ])
        blocks.append(
            table(
                columns([600, 0, 1200, 1500, 1700, 1200], flexible: 1),
                header: [
                    language.pick("TT", "No."), language.pick("Huyện", "District"), language.pick("Số xã", "Communes"),
                    language.pick("Xã đạt chuẩn", "Meeting the standard"),
                    language.pick("Hồ sơ chờ sở, ngành", "Waiting for sectors"), language.pick("Quá hạn", "Overdue"),
                ], rows: rows, left: [1], bold: [rows.count - 1]))
        return blocks
    }
}
