import Foundation
import NTM
import NTMDocuments
import Replica
import SyncCore
import TestSupport
import Testing
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A district office and its communes on 14/11/2018, each commune on its own replica, the office holding
/// what they sent it by bundle: Dân Lý meets the standard and has sent its dossier to 8 sectors (5
/// inspected, 3 "đạt"); Tân Ninh meets 10 indicators, has sent to every sector, has an overdue and an
/// upcoming deadline, and two laptops that disagree on one indicator (a conflict); Thọ Thế has nothing yet.
struct TrieuSon {
    static let date = CalendarDate(year: 2018, month: 11, day: 14)!
    let folder = TemporaryDirectory("official-report")
    let office: NTMDatabase
    private(set) var communes: [NTMDatabase] = []
    private let clock: @Sendable () -> Int64

    init(communeName: String = "Thọ Thế") throws {
        var components = DateComponents(year: 2018, month: 11, day: 14, hour: 5)
        components.timeZone = TimeZone(identifier: "UTC")
        let ms = Int64(Calendar(identifier: .gregorian).date(from: components)!.timeIntervalSince1970 * 1000)
        clock = { ms }
        office = try NTMDatabase.create(
            at: folder.file("trieu-son.sqlite"), replicaID: "huyen-trieu-son",
            home: .district(slug: "trieu-son", name: "Triệu Sơn"), author: "Văn phòng Điều phối NTM", clock: clock)
        let sectors = try CatalogueLibrary().catalogue("qd1980-2016").sectors

        let danLy = try laptop("Dân Lý", replica: "xa-dan-ly-1")
        for indicator in danLy.catalogue.indicators {
            try danLy.assess(code: indicator.code, status: "dat", author: "Cán bộ xã")
        }
        for number in 1...19 { try danLy.dossier(part: String(number), complete: true, author: "Văn thư") }
        try danLy.dossier(part: "general", complete: true, author: "Văn thư")
        for (index, sector) in sectors.prefix(8).enumerated() {
            try danLy.appraisal(
                sector: sector, sent: "20/10/2018", inspected: index < 5 ? "30/10/2018" : nil,
                verdict: index < 3 ? "dat" : nil, author: "Văn thư")
        }
        for criterion in danLy.catalogue.criteria.prefix(2) {
            for department in danLy.catalogue.departments(of: criterion.number) {
                try danLy.verify(
                    criterion: String(criterion.number), result: "dat", department: department, author: "Phòng")
            }
        }

        let tanNinh = try laptop("Tân Ninh", replica: "xa-tan-ninh-1")
        for indicator in tanNinh.catalogue.indicators.prefix(10) {
            try tanNinh.assess(code: indicator.code, status: "dat", author: "Cán bộ xã")
        }
        for sector in sectors {
            try tanNinh.appraisal(sector: sector, sent: "01/11/2018", inspected: nil, verdict: nil, author: "Văn thư")
        }
        try tanNinh.addDeadline(title: "Nộp hồ sơ", due: "05/11/2018", owner: .department("UBND xã"), author: "Văn thư")
        try tanNinh.addDeadline(
            title: "Báo cáo huyện", due: "20/11/2018", owner: .department("UBND xã"), author: "Văn thư")
        // A second laptop of Tân Ninh, from the first's bundle, disagrees on an indicator.
        let second = try NTMDatabase.create(
            at: folder.file("tan-ninh-2.sqlite"), replicaID: "xa-tan-ninh-2",
            home: .commune(
                .init(slug: "tan-ninh", name: nil, district: "trieu-son", setID: "qd1980-2016", year: "2018")),
            author: "Cán bộ xã", setupWrites: false, clock: clock)
        try second.store.importBundle(from: try bundle(communes[1], "tan-ninh-first"))
        let disputed = tanNinh.catalogue.indicators[10].code
        try communes[1].commune().assess(code: disputed, status: "dat", author: "Cán bộ xã")
        try second.commune().assess(code: disputed, status: "chua-dat", author: "Cán bộ khác")
        communes.append(second)

        try laptop(communeName, replica: "xa-3")
        for commune in communes { try office.store.importBundle(from: try bundle(commune, commune.store.replicaID)) }
    }

    /// A commune's first laptop.
    @discardableResult
    private mutating func laptop(_ name: String, replica: String) throws -> CommuneReplica {
        let database = try NTMDatabase.create(
            at: folder.file("\(replica).sqlite"), replicaID: replica,
            home: .commune(
                .init(slug: Text.slug(name), name: name, district: "trieu-son", setID: "qd1980-2016", year: "2018")),
            author: "Cán bộ xã \(name)", clock: clock)
        communes.append(database)
        return try database.commune()
    }

    private func bundle(_ database: NTMDatabase, _ name: String) throws -> String {
        let path = folder.file("\(name).ndjson")
        try database.store.exportBundle(to: path)
        return path
    }

    /// The district's figures on the report date.
    func district() throws -> DistrictFigures { try office.districtFigures(asOf: Self.date) }

    /// The province's figures, from a province database that received the office's bundle.
    func province() throws -> ProvinceFigures {
        let province = try NTMDatabase.create(
            at: folder.file("thanh-hoa.sqlite"), replicaID: "tinh-thanh-hoa",
            home: .province(slug: "thanh-hoa", name: "Thanh Hóa"), author: "Văn phòng tỉnh", clock: clock)
        try province.store.importBundle(from: try bundle(office, "office"))
        return try province.provinceFigures(asOf: Self.date)
    }
}

/// A .docx opened: its parts' text by path.
struct OpenedDocx {
    var parts: [String: String] = [:]

    init(_ data: Data) throws {
        let archive = try Archive(data: data, accessMode: .read)
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            parts[entry.path] = String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The document's text, run by run (no markup), paragraphs on their own lines.
    var text: String {
        let xml = parts["word/document.xml"] ?? ""
        let paragraphs = xml.components(separatedBy: "</w:p>")
        return paragraphs.map { paragraph in
            var text = ""
            var rest = Substring(paragraph)
            while let start = rest.range(of: "<w:t xml:space=\"preserve\">") {
                let after = rest[start.upperBound...]
                guard let end = after.range(of: "</w:t>") else { break }
                text += after[..<end.lowerBound]
                rest = after[end.upperBound...]
            }
            return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
        }.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

/// Whether `xml` parses.
func isWellFormed(_ xml: String) -> Bool {
    XMLParser(data: Data(xml.utf8)).parse()
}

/// Checks that the children of the property elements Word is strict about come in the order of the
/// schema's sequences (ECMA-376 Part 1, §17): Word asks to repair a document where they do not.
final class SchemaOrder: NSObject, XMLParserDelegate {
    static let sequences: [String: [String]] = [
        "w:pPr": [
            "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:widowControl", "w:pBdr", "w:shd", "w:tabs",
            "w:spacing", "w:ind", "w:jc", "w:rPr",
        ],
        "w:rPr": [
            "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:color", "w:sz", "w:szCs", "w:u",
            "w:lang",
        ],
        "w:tblPr": ["w:tblStyle", "w:tblW", "w:jc", "w:tblInd", "w:tblBorders", "w:tblLayout", "w:tblCellMar"],
        "w:tcPr": ["w:tcW", "w:gridSpan", "w:vMerge", "w:tcBorders", "w:shd", "w:vAlign"],
        "w:sectPr": ["w:headerReference", "w:pgSz", "w:pgMar", "w:titlePg"],
        "w:tblBorders": ["w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"],
        "w:tc": ["w:tcPr", "w:p"],
    ]
    private var stack: [(name: String, children: [String])] = []
    /// The elements whose children were out of order (or unknown to the check), with the children.
    var problems: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if !stack.isEmpty { stack[stack.count - 1].children.append(name) }
        stack.append((name, []))
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let (element, children) = stack.removeLast()
        guard let sequence = Self.sequences[element] else { return }
        let positions = children.map { sequence.firstIndex(of: $0) ?? -1 }
        if positions.contains(-1) || positions != positions.sorted() { problems.append("\(element): \(children)") }
    }

    /// The problems in `xml`.
    static func problems(_ xml: String) -> [String] {
        let parser = XMLParser(data: Data(xml.utf8))
        let check = SchemaOrder()
        parser.delegate = check
        _ = parser.parse()
        return check.problems
    }
}

/// A .docx rendered by LibreOffice: the PDF's text (whitespace collapsed, NFC), its lines, and the
/// first page as a PNG (kept in `folder`).
struct Rendered {
    var text: String
    var lines: [String]
    /// Each page's text as `pdftotext -layout` gives it.
    var pages: [String]
    var png: String

    init(_ data: Data, name: String, in folder: TemporaryDirectory) throws {
        let file = folder.file("\(name).docx")
        try data.write(to: URL(fileURLWithPath: file))
        let pdf = try OfficeTools.pdf(of: file, in: folder.path)
        let raw = try OfficeTools.text(ofPDF: pdf).precomposedStringWithCanonicalMapping
        lines = raw.components(separatedBy: .newlines).map {
            $0.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        text = raw.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        pages = raw.components(separatedBy: "\u{0C}").filter {
            !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        #expect(pages.count == OfficeTools.pageCount(ofText: raw))
        png = try OfficeTools.firstPagePNG(ofPDF: pdf)
    }

    /// Whether the PDF's text holds `phrase`, spaces aside (LibreOffice spreads the letters of a
    /// justified line, and `pdftotext` then reads spaces inside words).
    func holds(_ phrase: some StringProtocol) -> Bool {
        text.filter { !$0.isWhitespace }.contains(phrase.filter { !$0.isWhitespace })
    }

    /// Whether a line of the PDF holds every one of `pieces` (a table row), spaces aside.
    func hasLine(with pieces: [String]) -> Bool {
        lines.contains { line in
            let squeezed = line.filter { !$0.isWhitespace }
            return pieces.allSatisfy { squeezed.contains($0.filter { !$0.isWhitespace }) }
        }
    }
}

@Suite struct OfficialReportTests {
    /// Whether to render with LibreOffice: when it is missing (and not required), the rendering half
    /// of each test is skipped, and said so.
    static var renders: Bool {
        if !OfficeTools.shouldRun {
            print("OfficialReportTests: LibreOffice or poppler-utils missing, the rendering checks are skipped")
        }
        return OfficeTools.shouldRun
    }

    static func settings(_ level: ReportLevel, unit: String?, language: Language = .vi) -> DocumentSettings {
        var chosen = DocumentSettings()
        chosen[.number] = "125"
        chosen[.signer] = "Lê Văn An"
        chosen[.recipients] = "UBND tỉnh (b/c);Văn phòng điều phối NTM tỉnh;Lưu: VT"
        return DocumentSettings.defaults(level: level, unitName: unit, language: language).overridden(by: chosen)
    }

    /// Every part is there and well-formed, and the layout's fixed points are set.
    func checkPackage(_ data: Data) throws -> OpenedDocx {
        let docx = try OpenedDocx(data)
        for part in [
            "[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
            "word/styles.xml", "word/settings.xml", "word/header1.xml", "word/header2.xml", "docProps/core.xml",
            "docProps/app.xml",
        ] {
            let xml = try #require(docx.parts[part], "missing \(part)")
            #expect(isWellFormed(xml), "\(part) is not well-formed")
            #expect(SchemaOrder.problems(xml).isEmpty, "\(part): \(SchemaOrder.problems(xml))")
        }
        let document = docx.parts["word/document.xml"] ?? ""
        #expect(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"))
        #expect(document.contains("w:top=\"1134\" w:right=\"851\" w:bottom=\"1134\" w:left=\"1701\""))
        #expect(document.contains("<w:titlePg/></w:sectPr>"))
        #expect(docx.parts["word/header1.xml"]?.contains("PAGE") == true)
        #expect(docx.parts["word/header2.xml"]?.contains("PAGE") == false)
        let styles = docx.parts["word/styles.xml"] ?? ""
        #expect(styles.contains("w:ascii=\"Times New Roman\"") && styles.contains("<w:sz w:val=\"28\"/>"))
        return docx
    }

    @Test func aDistrictReportHoldsEveryFigureOfTheDistrict() throws {
        let fixture = try TrieuSon()
        let figures = try fixture.district()
        #expect(figures.communes.count == 3 && figures.communesMeeting == 1)
        let tanNinh = try #require(figures.communes.first { $0.commune.name == "Tân Ninh" })
        #expect(!tanNinh.conflicts.isEmpty && tanNinh.overdue.count == 1 && tanNinh.upcoming.count == 1)
        let report = OfficialReport(
            subject: .district(figures), settings: Self.settings(.district, unit: "Triệu Sơn"), language: .vi,
            date: TrieuSon.date)
        let docx = try checkPackage(try report.docx())
        let text = docx.text
        #expect(text.contains("Số: 125/BC-VPĐP"))
        #expect(text.contains("Triệu Sơn, ngày 14 tháng 11 năm 2018"))
        #expect(text.contains("Tiến độ xây dựng nông thôn mới của huyện Triệu Sơn đến ngày 14/11/2018"))
        #expect(text.contains("Toàn huyện có 1/3 xã đạt chuẩn nông thôn mới."))
        #expect(
            text.contains(
                "Xã Dân Lý đã gửi hồ sơ đến 8/17 sở, ngành; 5 ngành đã về kiểm tra; 3/17 ngành có văn bản đánh giá đạt."
            ))
        #expect(text.contains("- UBND tỉnh (b/c);\n- Văn phòng điều phối NTM tỉnh;\n- Lưu: VT."))
        // The same bytes for the same figures.
        #expect(try report.docx() == report.docx())

        guard Self.renders else { return }
        let rendered = try Rendered(try report.docx(), name: "district", in: fixture.folder)
        print("District report, first page: \(rendered.png)")
        for phrase in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Số: 125/BC-VPĐP",
            "UBND HUYỆN TRIỆU SƠN", "VĂN PHÒNG ĐIỀU PHỐI", "Triệu Sơn, ngày 14 tháng 11 năm 2018", "Nơi nhận:",
            "CHÁNH VĂN PHÒNG", "Lê Văn An", "Toàn huyện có 1/3 xã đạt chuẩn nông thôn mới",
            "Lưu: VT.",
        ] {
            #expect(rendered.holds(phrase), "the PDF lacks \(phrase)")
        }
        for f in figures.communes {
            #expect(
                rendered.hasLine(with: [
                    f.commune.name, "\(f.criteriaMet)/\(f.criteriaTotal)", "\(f.indicatorsMet)/\(f.indicatorsTotal)",
                    "\(f.dossiersComplete)/\(f.criteriaTotal)", "\(f.criteriaVerified)/\(f.criteriaTotal)",
                    "\(f.sectorsSent)/\(f.sectorsTotal)", "\(f.sectorsPassed)/\(f.sectorsTotal)",
                ]), "no table row for \(f.commune.name)")
            if f.sectorsSent > 0 {
                #expect(rendered.holds("Xã \(f.commune.name) \(f.sectorsPhrase)"))
            }
        }
        for (department, gaps) in figures.departments {
            #expect(rendered.holds(department) || rendered.holds(department.prefix(12)))
            #expect(gaps.allSatisfy { rendered.holds($0.indicator.code) })
        }
        #expect(rendered.holds("Quá hạn (1):") && rendered.holds("Nộp hồ sơ"))
        #expect(rendered.holds("Sắp đến hạn (1):") && rendered.holds("Báo cáo huyện"))
        for conflict in tanNinh.conflicts { #expect(rendered.holds(conflict.id)) }
        #expect(!rendered.holds("Chưa tính"))
        // The page number: centred at the top from page 2, none on page 1.
        #expect(rendered.pages.count >= 2)
        let firstLines = rendered.pages.map {
            $0.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?
                .trimmingCharacters(in: .whitespaces) ?? ""
        }
        #expect(firstLines.dropFirst().enumerated().allSatisfy { $0.element == "\($0.offset + 2)" }, "\(firstLines)")
        #expect(firstLines.first?.hasPrefix("UBND HUYỆN TRIỆU SƠN") == true)
    }

    @Test func aCommuneReportHoldsEveryCriterion() throws {
        let fixture = try TrieuSon()
        let figures = try #require(try fixture.district().communes.first { $0.commune.name == "Dân Lý" })
        var settings = Self.settings(.commune, unit: "Dân Lý")
        settings[.number] = nil
        let report = OfficialReport(
            subject: .commune(figures), settings: settings, language: .vi, date: TrieuSon.date)
        let docx = try checkPackage(try report.docx())
        #expect(docx.text.contains("Số:      /BC-UBND"))
        #expect(docx.text.contains("Tiến độ xây dựng nông thôn mới của xã Dân Lý đến ngày 14/11/2018"))
        #expect(docx.text.contains("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"))

        guard Self.renders else { return }
        let rendered = try Rendered(try report.docx(), name: "commune", in: fixture.folder)
        print("Commune report, first page: \(rendered.png)")
        for phrase in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Dân Lý, ngày 14 tháng 11 năm 2018", "Nơi nhận:", "CHỦ TỊCH", "xã Dân Lý đạt 19/19 tiêu chí",
            "hồ sơ đã hoàn thiện 19/19 tiêu chí, hồ sơ chung đã hoàn thiện",
            "huyện thẩm tra đạt \(figures.criteriaVerified)/19 tiêu chí",
            "Xã Dân Lý đã gửi hồ sơ đến 8/17 sở, ngành; 5 ngành đã về kiểm tra; 3/17 ngành có văn bản đánh giá đạt",
            "Ngành chưa có văn bản đạt (14):", "Tất cả chỉ tiêu đã đạt.",
        ] {
            #expect(rendered.holds(phrase), "the PDF lacks \(phrase)")
        }
        // The commune's People's Committee on two lines, as the decree's forms write it.
        #expect(rendered.hasLine(with: ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]))
        #expect(rendered.hasLine(with: ["XÃ DÂN LÝ", "Độc lập - Tự do - Hạnh phúc"]))
        #expect(figures.criteriaVerified == 2)
        for progress in figures.criteria {
            #expect(
                rendered.hasLine(with: ["\(progress.indicatorsMet)/\(progress.indicatorsTotal)"])
                    && rendered.holds(progress.criterion.nameVi.prefix(8)),
                "criterion \(progress.criterion.number)")
        }
        for sector in figures.pendingSectors { #expect(rendered.holds(sector)) }
    }

    @Test func aProvinceReportHasOneRowPerDistrictAndTheTotals() throws {
        let fixture = try TrieuSon()
        let figures = try fixture.province()
        #expect(figures.province == "Thanh Hóa" && figures.communes == 3)
        let report = OfficialReport(
            subject: .province(figures), settings: Self.settings(.province, unit: "Thanh Hóa"), language: .vi,
            date: TrieuSon.date)
        let docx = try checkPackage(try report.docx())
        #expect(docx.text.contains("Tiến độ xây dựng nông thôn mới của tỉnh Thanh Hóa đến ngày 14/11/2018"))

        guard Self.renders else { return }
        let rendered = try Rendered(try report.docx(), name: "province", in: fixture.folder)
        print("Province report, first page: \(rendered.png)")
        for phrase in [
            "UBND TỈNH THANH HÓA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Thanh Hóa, ngày 14 tháng 11 năm 2018",
            "Toàn tỉnh có \(figures.communesMeeting)/\(figures.communes) xã đạt chuẩn nông thôn mới; \(figures.backlog) hồ sơ chờ sở, ngành kiểm tra; \(figures.overdue) việc quá hạn.",
            "Nơi nhận:", "CHÁNH VĂN PHÒNG",
        ] {
            #expect(rendered.holds(phrase), "the PDF lacks \(phrase)")
        }
        for district in figures.districts {
            #expect(
                rendered.hasLine(with: [
                    district.name ?? district.slug ?? "Chưa rõ huyện",
                    "\(district.communesMeeting)/\(district.communes)",
                    "\(district.backlog)",
                ]), "no row for \(district.slug ?? "-")")
        }
        #expect(
            rendered.hasLine(with: [
                "Toàn tỉnh", "\(figures.communes)", "\(figures.communesMeeting)/\(figures.communes)",
                "\(figures.backlog)",
            ]))
    }

    @Test func inEnglish() throws {
        let fixture = try TrieuSon()
        let figures = try fixture.district()
        let report = OfficialReport(
            subject: .district(figures), settings: Self.settings(.district, unit: "Triệu Sơn", language: .en),
            language: .en, date: TrieuSon.date)
        let docx = try checkPackage(try report.docx())
        #expect(docx.parts["word/styles.xml"]?.contains("w:val=\"en-GB\"") == true)
        let text = docx.text
        for phrase in [
            "SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness", "REPORT", "No.: 125/BC-VPĐP",
            "Triệu Sơn, 14 November 2018", "Recipients:", "CHIEF OF OFFICE",
            "Progress of new rural development in Triệu Sơn district as of 14/11/2018",
            "1/3 communes of the district are meeting the standard of new rural area.",
        ] {
            #expect(text.contains(phrase), "the document lacks \(phrase)")
        }
        #expect(!text.contains("Tiến độ") && !text.contains("Nơi nhận"))
        guard Self.renders else { return }
        let rendered = try Rendered(try report.docx(), name: "english", in: fixture.folder)
        print("English report, first page: \(rendered.png)")
        #expect(rendered.holds("SOCIALIST REPUBLIC OF VIET NAM") && rendered.holds("Recipients:"))
    }

    @Test func markupInNamesAndSettingsIsEscaped() throws {
        let hostile = "Hòa <Bình> & \"Mới\" 'x'"
        let fixture = try TrieuSon(communeName: hostile)
        let figures = try fixture.district()
        #expect(figures.communes.contains { $0.commune.name == hostile })
        var settings = Self.settings(.district, unit: "Triệu Sơn")
        settings[.signer] = "A & B <C>"
        settings[.place] = "Triệu Sơn & <Thọ Xuân>"
        settings[.subject] = "Về việc \"<b>thử</b>\" & 'kiểm tra'\u{1}"
        settings[.recipients] = "Sở <Nông nghiệp> & PTNT;Lưu: VT"
        let report = OfficialReport(subject: .district(figures), settings: settings, language: .vi, date: TrieuSon.date)
        let docx = try checkPackage(try report.docx())
        #expect(docx.text.contains(hostile))
        #expect(docx.text.contains("Về việc \"<b>thử</b>\" & 'kiểm tra'"))
        #expect(docx.text.contains("- Sở <Nông nghiệp> & PTNT;"))
        #expect(docx.text.contains("Triệu Sơn & <Thọ Xuân>, ngày 14 tháng 11 năm 2018"))
        #expect(docx.parts["docProps/core.xml"]?.contains("&lt;b&gt;") == true)
        guard Self.renders else { return }
        let rendered = try Rendered(try report.docx(), name: "escaped", in: fixture.folder)
        #expect(rendered.holds("A & B <C>") && rendered.holds("Hòa <Bình> & \"Mới\""))
    }

    @Test func noPlaceGivesTheDateAlone() throws {
        let fixture = try TrieuSon()
        var settings = Self.settings(.district, unit: nil)
        settings[.place] = nil
        var figures = try fixture.district()
        figures.district = nil
        let report = OfficialReport(
            subject: .district(figures), settings: settings, language: .vi,
            date: CalendarDate(year: 2019, month: 2, day: 5)!)
        let text = try OpenedDocx(try report.docx()).text
        #expect(text.contains("\nNgày 05 tháng 02 năm 2019\n"))
        #expect(text.contains("Tiến độ xây dựng nông thôn mới đến ngày 05/02/2019"))
    }

    @Test func aReportAsOfAnEarlierDayIsIssuedOnItsOwnDay() throws {
        let fixture = try TrieuSon()
        let report = OfficialReport(
            subject: .district(try fixture.district()), settings: Self.settings(.district, unit: "Triệu Sơn"),
            language: .vi, date: CalendarDate(year: 2019, month: 2, day: 5)!,
            issued: CalendarDate(year: 2019, month: 3, day: 12)!)
        let text = try OpenedDocx(try report.docx()).text
        #expect(text.contains("Triệu Sơn, ngày 12 tháng 3 năm 2019"), "\(text.prefix(400))")
        #expect(text.contains("đến ngày 05/02/2019") && !text.contains("ngày 05 tháng 02 năm 2019"))
    }
}

extension CommuneFigures {
    /// The sectors' figures as the document words them.
    var sectorsPhrase: String {
        "đã gửi hồ sơ đến \(sectorsSent)/\(sectorsTotal) sở, ngành; \(sectorsInspected) ngành đã về kiểm tra; \(sectorsPassed)/\(sectorsTotal) ngành có văn bản đánh giá đạt"
    }
}
