import Foundation
import NTM
import NTMDocuments
import Replica
import SyncCore
import TestSupport
import Testing

/// A clock standing at noon (Vietnam) of a given day.
private final class FixedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var ms: Int64 = 0

    init(_ date: String) { set(date) }

    func set(_ date: String) {
        let day = CalendarDate(parsing: date)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let noon = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 5))!
        lock.withLock { ms = Int64(noon.timeIntervalSince1970 * 1000) }
    }

    var now: @Sendable () -> Int64 { { [self] in lock.withLock { ms } } }
}

/// A district office on 20/11/2020 and three communes that sent it their work by bundle: Dân Lý meets
/// the standard, Tân Ninh is under way with an overdue and an upcoming deadline and one indicator in
/// conflict, and a commune whose name holds markup has done nothing.
private struct DistrictFixture {
    let folder = TemporaryDirectory("dashboard")
    let clock = FixedClock("18/11/2020")
    let office: NTMDatabase
    let sectors: [String]
    static let oddName = "Thử <b>&\"x\" 'y'"

    init() throws {
        office = try NTMDatabase.create(
            at: folder.file("huyen.sqlite"), replicaID: "huyen-trieu-son",
            home: .district(slug: "trieu-son", name: "Triệu Sơn"), author: "Văn phòng", clock: clock.now)
        let catalogue = try CatalogueLibrary().catalogue("qd1980-2016")
        sectors = catalogue.sectors
        var laptops: [String: NTMDatabase] = [:]
        for name in ["Dân Lý", "Tân Ninh", Self.oddName] {
            let slug = Text.slug(name)
            laptops[slug] = try NTMDatabase.create(
                at: folder.file("\(slug).sqlite"), replicaID: "xa-\(slug)-1",
                home: .commune(
                    .init(slug: slug, name: name, district: "trieu-son", setID: "qd1980-2016", year: "2020")),
                author: "Cán bộ xã", clock: clock.now)
        }
        let danLy = try laptops["dan-ly"]!.commune()
        for indicator in catalogue.indicators { try danLy.assess(code: indicator.code, status: "đạt", author: "Lan") }
        try danLy.addEvidence(code: "17.1", title: "Biên bản <kiểm tra> & \"môi trường\"", author: "Lan")
        try danLy.addEvidence(code: "17.2", title: "Ảnh", author: "Lan")
        try danLy.addEvidence(code: "2.1", title: "Quyết định", author: "Lan")
        try danLy.appraisal(
            sector: sectors[0], sent: "01/11/2020", inspected: "05/11/2020", verdict: "đạt", author: "Lan")
        try danLy.appraisal(sector: sectors[1], sent: "02/11/2020", inspected: nil, verdict: nil, author: "Lan")
        let tanNinh = try laptops["tan-ninh"]!.commune()
        try tanNinh.assess(code: "17.1", status: "đạt", author: "Hà")
        try tanNinh.assess(code: "2.1", status: "đang thực hiện", author: "Hà")
        try tanNinh.addDeadline(
            title: "Nộp hồ sơ <bổ sung>", due: "10/11/2020", owner: .person("Ông A & bà B"), author: "Hà")
        try tanNinh.addDeadline(title: "Họp thôn", due: "30/11/2020", owner: .person("Trưởng thôn"), author: "Hà")
        try tanNinh.appraisal(sector: sectors[0], sent: "03/11/2020", inspected: nil, verdict: nil, author: "Hà")
        try collect(laptops)
        // The office and Tân Ninh record 17.2 differently, apart: a conflict at the office.
        try office.commune("tan-ninh").assess(code: "17.2", status: "đạt", author: "Văn phòng")
        clock.set("20/11/2020")
        try tanNinh.assess(code: "17.2", status: "chưa đạt", author: "Hà")
        try collect(laptops)
    }

    func collect(_ laptops: [String: NTMDatabase]) throws {
        for (slug, database) in laptops.sorted(by: { $0.key < $1.key }) {
            let bundle = folder.file("\(slug)-\(UUID().uuidString.prefix(6)).ndjson")
            try database.store.exportBundle(to: bundle)
            try office.store.importBundle(from: bundle)
        }
    }

    var date: CalendarDate { CalendarDate(parsing: "20/11/2020")! }

    /// The office's activity, with one replica that synced and one that never did.
    func activity() throws -> DashboardActivity {
        var activity = try office.dashboardActivity()
        var synced = DashboardActivity.ReplicaSync(
            replica: "xa-dan-ly-1", role: "commune:dan-ly", lastSyncMs: nil, revoked: false)
        synced.lastSyncMs = 1_605_850_200_000  // 20/11/2020 05:30 UTC, 12:30 in Vietnam
        activity.replicas = [
            synced,
            .init(replica: "xa-tan-ninh-1", role: "commune:tan-ninh", lastSyncMs: nil, revoked: true),
        ]
        activity.refused["tan-ninh"] = 2
        return activity
    }
}

/// The figures of the `--json` report, read back as a program would.
private func jsonObject(_ value: JSONValue) throws -> [String: Any] {
    let data = Data(JSONWriter.string(value).utf8)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// The state a grid cell must show, worked out from the `--json` report alone.
private func expectedState(criterion: [String: Any], missing: [[String: Any]]) -> String {
    let number = criterion["criterion"] as! Int
    let mine = missing.filter { $0["criterion"] as? Int == number }
    // Only a disputed indicator keeps a criterion from counting; a disputed dossier flag or verification
    // does not, and the cell shows what the figures count.
    if mine.contains(where: { $0["in_conflict"] as? Bool == true }) { return "conflict" }
    if criterion["met"] as? Bool == true { return "met" }
    if (criterion["indicators_met"] as? Int ?? 0) > 0 || mine.contains(where: { !($0["status"] is NSNull) }) {
        return "progress"
    }
    return "not-met"
}

/// The browser, or nil when the test is to be skipped (a failure when `NTM_REQUIRE_RENDERERS=1`).
private func browser() -> HeadlessBrowser? {
    let found = HeadlessBrowser.find()
    if found == nil, HeadlessBrowser.required {
        Issue.record("no chromium, chromium-browser or google-chrome on PATH, and NTM_REQUIRE_RENDERERS=1")
    }
    return found
}

private let vietnam = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

@Suite(.serialized) struct DashboardPageTests {
    @Test func theDistrictPageIsSelfContainedAndWellFormed() throws {
        let fixture = try DistrictFixture()
        let page = DashboardPage(
            subject: .district(try fixture.office.districtFigures()), activity: try fixture.activity(), language: .vi,
            date: fixture.date, generatedMs: 1_605_853_800_000, timeZone: vietnam)
        let html = page.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta charset=\"utf-8\">") && html.contains("<html lang=\"vi\">"))
        #expect(html.contains("name=\"viewport\""))
        for forbidden in ["<script", "http://", "https://", "src=", "href=", "@import", "url(", "<link", "<iframe"] {
            #expect(!html.lowercased().contains(forbidden), "the page holds \(forbidden)")
        }
        #expect(html.contains("@page { size: A4; margin: 12mm; }") && html.contains("print-color-adjust: exact"))
        let tree = try HTMLTree.parse(html)
        #expect(tree.elements("html").count == 1 && tree.elements("svg").count == fixture.sectors.count + 3)
        // Text holding markup stays text.
        #expect(!html.contains(DistrictFixture.oddName))
        #expect(html.contains("Thử &lt;b&gt;&amp;&quot;x&quot; &#39;y&#39;"))
        #expect(!html.contains("<b>&"))
        let odd = try #require(tree.first("id", "communes")?.first("data-commune", Text.slug(DistrictFixture.oddName)))
        #expect(odd.elements("th").first?.textContent == DistrictFixture.oddName)
        #expect(html.contains("Nộp hồ sơ &lt;bổ sung&gt;") && html.contains("Ông A &amp; bà B"))
        // Vietnamese words, with their diacritics.
        for words in ["Xã đạt chuẩn", "Tiêu chí theo xã", "Quá hạn", "chưa bao giờ", "đã thu hồi", "Minh chứng"] {
            #expect(html.contains(words), "\(words)")
        }
    }

    @Test func theDistrictPageShowsTheFiguresOfTheJSONReport() throws {
        guard let browser = browser() else { return }
        let fixture = try DistrictFixture()
        let figures = try fixture.office.districtFigures()
        let activity = try fixture.activity()
        let page = DashboardPage(
            subject: .district(figures), activity: activity, language: .vi, date: fixture.date,
            generatedMs: 1_605_853_800_000, timeZone: vietnam)
        let file = fixture.folder.file("bang.html")
        try page.html().write(toFile: file, atomically: true, encoding: .utf8)
        let dom = try HTMLTree.parse(try browser.dumpDOM(file: file, javascript: false))
        let json = try jsonObject(ReportRendering(language: .vi, date: fixture.date).json(figures))
        let communes = try #require(json["communes"] as? [[String: Any]])
        #expect(communes.count == 3)

        let headline = try #require(dom.first("id", "headline"))
        #expect(headline.figure("communes-meeting") == json["communes_meeting"] as? Int)
        #expect(headline.figure("communes-total") == json["communes_total"] as? Int)
        #expect(headline.figure("communes-meeting") == 1)
        let overdueTotal =
            communes.reduce(0) { $0 + ($1["overdue"] as! [Any]).count } + (json["overdue"] as! [Any]).count
        #expect(headline.figure("overdue") == overdueTotal && overdueTotal == 1)
        #expect(headline.figure("open-conflicts") == activity.openConflicts.values.reduce(0, +))
        #expect(headline.figure("refused") == 2)

        let table = try #require(dom.first("id", "communes"))
        let grid = try #require(dom.first("id", "grid"))
        for commune in communes {
            let slug = try #require(commune["commune"] as? String)
            let row = try #require(table.first("data-commune", slug), "\(slug)")
            for (figure, key) in [
                ("criteria-met", "criteria_met"), ("criteria-total", "criteria_total"),
                ("indicators-met", "indicators_met"), ("indicators-total", "indicators_total"),
                ("sectors-sent", "sectors_sent"), ("sectors-inspected", "sectors_inspected"),
                ("sectors-passed", "sectors_passed"), ("sectors-total", "sectors_total"), ("evidence", "evidence"),
                ("dossiers-complete", "dossiers_complete"), ("criteria-verified", "criteria_verified"),
            ] {
                #expect(row.figure(figure) == commune[key] as? Int, "\(slug) \(figure)")
            }
            #expect(row.figure("overdue") == (commune["overdue"] as? [Any])?.count, "\(slug) overdue")
            #expect(row.attributes["data-meets-standard"] == String(commune["meets_standard"] as! Bool))
            let cells = try #require(grid.first("data-commune", slug)).all("data-state")
            let criteria = try #require(commune["criteria"] as? [[String: Any]])
            let missing = try #require(commune["missing"] as? [[String: Any]])
            #expect(cells.count == criteria.count)
            for (cell, criterion) in zip(cells, criteria) {
                #expect(cell.attributes["data-criterion"] == String(criterion["criterion"] as! Int))
                #expect(
                    cell.attributes["data-state"] == expectedState(criterion: criterion, missing: missing),
                    "\(slug) \(criterion["criterion"]!)")
                #expect(!cell.textContent.isEmpty, "every cell holds a symbol")
            }
            let evidence = try #require(dom.first("id", "evidence")?.first("data-commune", slug))
            #expect(
                evidence.all("data-figure", "evidence").map { Int($0.textContent) }
                    == criteria.map { $0["evidence"] as? Int })
        }
        // The states the fixture was built to show.
        let tanNinh = try #require(grid.first("data-commune", "tan-ninh"))
        #expect(tanNinh.first("data-criterion", "17")?.attributes["data-state"] == "conflict")
        #expect(tanNinh.first("data-criterion", "2")?.attributes["data-state"] == "progress")
        #expect(tanNinh.first("data-criterion", "1")?.attributes["data-state"] == "not-met")
        #expect(grid.first("data-commune", "dan-ly")?.all("data-state", "met").count == 19)
        let evidenceFoot = try #require(dom.first("id", "evidence")?.first("data-total"))
        #expect(evidenceFoot.first("data-criterion", "17")?.textContent == "2")

        // Sectors: what each commune sent, across the communes; the passes agree with the JSON.
        let sectors = try #require(dom.first("id", "sectors"))
        let first = try #require(sectors.first("data-sector", fixture.sectors[0]))
        #expect(
            [first.figure("sector-sent"), first.figure("sector-inspected"), first.figure("sector-passed")]
                == [2, 1, 1])
        #expect(sectors.first("data-sector", fixture.sectors[1])?.figure("sector-sent") == 1)
        #expect(sectors.all("data-sector").count == fixture.sectors.count)
        for sector in fixture.sectors {
            let row = try #require(sectors.first("data-sector", sector))
            let passed = communes.filter { !(($0["pending_sectors"] as? [String]) ?? []).contains(sector) }.count
            #expect(row.figure("sector-passed") == passed && row.figure("sector-communes") == 3, "\(sector)")
        }
        let sentTotal = sectors.all("data-figure", "sector-sent").compactMap { Int($0.textContent) }.reduce(0, +)
        #expect(sentTotal == communes.reduce(0) { $0 + ($1["sectors_sent"] as! Int) })

        // Deadlines, activity, replicas, foot.
        let overdue = try #require(dom.first("id", "overdue"))
        #expect(overdue.all("data-commune").count == overdueTotal)
        #expect(overdue.figure("due") == nil && overdue.first("data-figure", "due")?.textContent == "10/11/2020")
        #expect(dom.first("id", "upcoming")?.first("data-figure", "due")?.textContent == "30/11/2020")
        let activityTable = try #require(dom.first("id", "activity"))
        #expect(activityTable.first("data-unit", "tan-ninh")?.figure("open-conflicts") == 1)
        #expect(activityTable.first("data-unit", "tan-ninh")?.figure("refused") == 2)
        #expect(activityTable.first("data-unit", "dan-ly")?.figure("open-conflicts") == 0)
        let replicas = try #require(dom.first("id", "replicas"))
        #expect(
            replicas.first("data-replica", "xa-dan-ly-1")?.first("data-figure", "last-sync")?.textContent
                == "20/11/2020 12:30")
        let never = try #require(replicas.first("data-replica", "xa-tan-ninh-1")?.first("data-figure", "last-sync"))
        #expect(never.textContent == "chưa bao giờ" && never.attributes["data-never"] != nil)
        #expect(dom.first("data-figure", "as-of")?.textContent == "20/11/2020")
        #expect(dom.first("data-figure", "generated")?.textContent == "20/11/2020 13:30")
    }

    @Test func aCommunePageAndAnEnglishOne() throws {
        let fixture = try DistrictFixture()
        let figures = try fixture.office.commune("tan-ninh").figures()
        let page = DashboardPage(
            subject: .commune(figures), activity: try fixture.activity(), language: .en, date: fixture.date,
            generatedMs: 1_605_853_800_000, timeZone: vietnam)
        let html = page.html()
        let tree = try HTMLTree.parse(html)
        #expect(html.contains("<html lang=\"en\">"))
        for words in [
            "Criteria met", "Criteria by commune", "in conflict", "never", "revoked", "Evidence by criterion",
        ] {
            #expect(html.contains(words), "\(words)")
        }
        for words in ["Tiêu chí đạt", "chưa bao giờ", "Quá hạn", "Xã đạt chuẩn"] {
            #expect(!html.contains(words), "\(words)")
        }
        let json = try jsonObject(ReportRendering(language: .en, date: fixture.date).json(figures))
        let headline = try #require(tree.first("id", "headline"))
        #expect(headline.figure("criteria-met") == json["criteria_met"] as? Int)
        #expect(
            headline.figure("criteria-total") == 19
                && headline.figure("indicators-met") == json["indicators_met"] as? Int)
        #expect(headline.figure("overdue") == 1 && headline.figure("communes-meeting") == nil)
        #expect(tree.first("id", "grid")?.all("data-commune").count == 1)
    }

    @Test func aProvincePageGroupsCommunesByDistrict() throws {
        guard let browser = browser() else { return }
        let folder = TemporaryDirectory("dashboard-province")
        let database = try NTMDatabase.create(
            at: folder.file("tinh.sqlite"), replicaID: "tinh-thanh-hoa",
            home: .province(slug: "thanh-hoa", name: "Thanh Hóa"), author: "Văn phòng tỉnh",
            clock: FixedClock("20/11/2020").now)
        var operations: [SyncOperation] = []
        func write(_ table: String, _ row: String, _ values: [String: String]) {
            for (column, value) in values.sorted(by: { $0.key < $1.key }) {
                operations.append(
                    SyncOperation(
                        dot: Dot(origin: "huyen-hub", seq: UInt64(operations.count + 1)),
                        key: FieldKey(table: table, row: row, column: column), value: .text(value),
                        context: VersionVector(), author: "Lan", wallMs: 0))
            }
        }
        for (slug, name, district) in [
            ("dan-ly", "Dân Lý", "trieu-son"), ("tan-ninh", "Tân Ninh", "trieu-son"),
            ("minh-son", "Minh Sơn", "ngoc-lac"),
        ] {
            write(NTMSchema.Table.commune, slug, ["name": name, "district": district])
            write(NTMSchema.Table.target, "\(slug)/qd1980-2016", ["level": "ntm"])
        }
        for indicator in try CatalogueLibrary().catalogue("qd1980-2016").indicators {
            write(NTMSchema.Table.assessment, "dan-ly/qd1980-2016/\(indicator.code)", ["status": "dat"])
        }
        write(NTMSchema.Table.commune, "trieu-son", ["name": "Triệu Sơn"])
        write(
            NTMSchema.Table.appraisal,
            NTMSchema.appraisalRow(commune: "minh-son", set: "qd1980-2016", sector: "Sở Y tế"),
            ["sector_name": "Sở Y tế", "sent": "2020-11-18"])
        write(
            NTMSchema.Table.deadline, "tan-ninh/000000000001",
            ["title": "Nộp hồ sơ", "due": "2020-11-15", "owner": "UBND xã", "owner_kind": "department"])
        try database.store.apply(operations)
        let figures = try database.provinceFigures()
        let file = folder.file("tinh.html")
        try DashboardPage(
            subject: .province(figures), activity: try database.dashboardActivity(), language: .vi,
            date: CalendarDate(parsing: "20/11/2020")!, generatedMs: 1_605_853_800_000, timeZone: vietnam
        ).html().write(toFile: file, atomically: true, encoding: .utf8)
        let dom = try HTMLTree.parse(try browser.dumpDOM(file: file))
        let json = try jsonObject(
            ReportRendering(language: .vi, date: CalendarDate(parsing: "20/11/2020")!).json(figures))
        let headline = try #require(dom.first("id", "headline"))
        #expect(headline.figure("communes-meeting") == json["communes_meeting"] as? Int)
        #expect(headline.figure("communes-total") == json["communes_total"] as? Int)
        #expect(
            headline.figure("backlog") == json["backlog"] as? Int
                && headline.figure("overdue") == json["overdue"] as? Int)
        let districts = try #require(json["districts"] as? [[String: Any]])
        let table = try #require(dom.first("id", "districts"))
        #expect(table.all("data-district").count == districts.count)
        for district in districts {
            let row = try #require(table.first("data-district", district["district"] as? String ?? ""))
            for key in ["communes_total", "communes_meeting", "backlog", "overdue"] {
                #expect(row.figure(key.replacingOccurrences(of: "_", with: "-")) == district[key] as? Int, "\(key)")
            }
        }
        // The grid: a title row per district, then its communes in the JSON's order.
        let grid = try #require(dom.first("id", "grid"))
        let rows = grid.elements("tbody").first?.children.filter { $0.name == "tr" } ?? []
        let order = rows.map { $0.attributes["data-commune"] ?? "#" + $0.textContent }
        let expected = districts.flatMap { district in
            [
                "#"
                    + (district["district"] is NSNull
                        ? "Chưa rõ huyện" : "Huyện " + (district["name"] as? String ?? district["district"] as! String))
            ]
                + (district["communes"] as! [String])
        }
        #expect(order == expected)
    }

    @Test func theBrowserHelperBlocksScriptsWhenAsked() throws {
        guard let browser = browser() else { return }
        let folder = TemporaryDirectory("dashboard-script")
        let file = folder.file("page.html")
        try
            "<!DOCTYPE html><html><body><p id=\"x\">static</p><script>document.getElementById('x').textContent = 'ran'</script></body></html>"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let blocked = try HTMLTree.parse(try browser.dumpDOM(file: file, javascript: false))
        #expect(blocked.first("id", "x")?.textContent == "static")
        let allowed = try HTMLTree.parse(try browser.dumpDOM(file: file, javascript: true))
        #expect(allowed.first("id", "x")?.textContent == "ran")
    }

    @Test func screenshotsOnADesktopAndAPhone() throws {
        guard let browser = browser() else { return }
        let fixture = try DistrictFixture()
        let page = DashboardPage(
            subject: .district(try fixture.office.districtFigures()), activity: try fixture.activity(), language: .vi,
            date: fixture.date, generatedMs: 1_605_853_800_000, timeZone: vietnam)
        let file = fixture.folder.file("bang.html")
        try page.html().write(toFile: file, atomically: true, encoding: .utf8)
        for (name, width, height) in [("desktop.png", 1280, 2400), ("phone.png", 390, 2400)] {
            let png = fixture.folder.file(name)
            try browser.screenshot(file: file, to: png, width: width, height: height)
            let data = try Data(contentsOf: URL(fileURLWithPath: png))
            #expect(data.count > 10_000 && data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "\(name)")
        }
        if ProcessInfo.processInfo.environment["NTM_KEEP_TEST_FILES"] != nil {
            print("dashboard files: \(fixture.folder.path)")
        }
    }
}
