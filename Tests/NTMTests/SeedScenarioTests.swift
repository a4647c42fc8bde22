import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// A wall clock a test sets by calendar date (noon UTC, the same calendar day in Vietnam).
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var ms: Int64

    init(_ date: String) { ms = Self.noon(date) }

    /// Moves the clock to noon of `date` (dd/mm/yyyy).
    func set(_ date: String) { lock.withLock { ms = Self.noon(date) } }

    var now: @Sendable () -> Int64 { { [self] in lock.withLock { ms } } }

    static func noon(_ text: String) -> Int64 {
        let date = CalendarDate(parsing: text)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let day = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 5))!
        return Int64(day.timeIntervalSince1970 * 1000)
    }
}

/// A district office and its communes, each on its own replica file, exchanging bundles the way the
/// seeds' people do (by USB stick, before the hub exists).
struct District {
    let folder: TemporaryDirectory
    let clock: ManualClock
    let office: NTMDatabase
    private(set) var communes: [String: NTMDatabase] = [:]

    init(_ slug: String, name: String, on date: String) throws {
        folder = TemporaryDirectory("district-\(slug)")
        clock = ManualClock(date)
        office = try NTMDatabase.create(
            at: folder.file("\(slug).sqlite"), replicaID: "huyen-\(slug)", home: .district(slug: slug, name: name),
            author: "Văn phòng Điều phối NTM", clock: clock.now)
    }

    /// A commune's laptop replica working towards `set` by `year`.
    @discardableResult
    mutating func commune(_ name: String, set: String = "qd1980-2016", year: String? = nil) throws -> CommuneReplica {
        let slug = Text.slug(name)
        let database = try NTMDatabase.create(
            at: folder.file("\(slug).sqlite"), replicaID: "xa-\(slug)-1",
            home: .commune(.init(slug: slug, name: name, district: office.district, setID: set, year: year)),
            author: "Cán bộ xã \(name)", clock: clock.now)
        communes[slug] = database
        return try database.commune()
    }

    /// Every commune sends what it has to the district office.
    func collect() throws {
        for (slug, database) in communes.sorted(by: { $0.key < $1.key }) {
            let bundle = folder.file("\(slug)-to-district.ndjson")
            try database.store.exportBundle(to: bundle)
            try office.store.importBundle(from: bundle)
        }
    }

    /// The office sends everything it has (such as a province's criteria set) to every commune.
    func distribute() throws {
        let bundle = folder.file("district-to-communes.ndjson")
        try office.store.exportBundle(to: bundle)
        for database in communes.values { try database.store.importBundle(from: bundle) }
    }

    func report(asOf: String? = nil, level: Level? = nil) throws -> DistrictFigures {
        try office.districtFigures(level: level, asOf: asOf.map { CalendarDate(parsing: $0)! })
    }
}

extension DistrictFigures {
    func commune(_ name: String) -> CommuneFigures? { communes.first { $0.commune.name == name } }
}

@Suite struct SeedScenarioTests {
    /// Seed 004, Triệu Sơn, 02/11/2018: the district's table of dossiers and province appraisals.
    @Test func trieuSon2018DossiersAndAppraisals() throws {
        var district = try District("trieu-son", name: "Triệu Sơn", on: "02/11/2018")
        let sectors = try CatalogueLibrary().catalogue("qd1980-2016").sectors
        func record(
            _ name: String, year: String = "2018", dossiers: Int, general: Bool, sent: Int, inspected: Int
        ) throws {
            let replica = try district.commune(name, year: year)
            for number in 1...19 where number <= dossiers {
                try replica.dossier(part: String(number), complete: true, author: "Văn thư")
            }
            if general { try replica.dossier(part: "general", complete: true, author: "Văn thư") }
            for (index, sector) in sectors.enumerated() where index < max(sent, inspected) {
                try replica.appraisal(
                    sector: sector, sent: index < sent ? "20/10/2018" : nil,
                    inspected: index < inspected ? "30/10/2018" : nil, verdict: nil, author: "Văn thư")
            }
        }
        try record("Dân Lý", dossiers: 19, general: false, sent: 8, inspected: 5)
        try record("Tân Ninh", dossiers: 19, general: true, sent: 17, inspected: 4)
        try record("Thọ Thế", dossiers: 19, general: false, sent: 17, inspected: 4)
        try record("Minh Châu", dossiers: 5, general: false, sent: 0, inspected: 2)
        for name in ["Khuyến Nông", "Dân Lực", "Dân Quyền"] {
            try record(name, dossiers: 0, general: false, sent: 0, inspected: 1)
        }
        try record("Thọ Cường", year: "2019", dossiers: 0, general: false, sent: 0, inspected: 1)
        try district.collect()

        let report = try district.report()
        #expect(report.communes.count == 8)
        let danLy = try #require(report.commune("Dân Lý"))
        #expect(danLy.dossiersComplete == 19 && danLy.criteriaTotal == 19 && !danLy.generalDossier)
        #expect(danLy.sectorsSent == 8 && danLy.sectorsTotal == 17 && danLy.sectorsInspected == 5)
        let tanNinh = try #require(report.commune("Tân Ninh"))
        #expect(tanNinh.dossiersComplete == 19 && tanNinh.generalDossier)
        #expect(tanNinh.sectorsSent == 17 && tanNinh.sectorsInspected == 4)
        let thoThe = try #require(report.commune("Thọ Thế"))
        #expect(thoThe.dossiersComplete == 19 && !thoThe.generalDossier && thoThe.sectorsSent == 17)
        #expect(thoThe.sectorsInspected == 4)
        #expect(report.commune("Minh Châu")?.dossiersComplete == 5)
        #expect(report.commune("Minh Châu")?.sectorsInspected == 2)
        for name in ["Khuyến Nông", "Dân Lực", "Dân Quyền", "Thọ Cường"] {
            #expect(report.commune(name)?.sectorsInspected == 1 && report.commune(name)?.dossiersComplete == 0)
        }
        // The target: seven communes in 2018, Thọ Cường in 2019.
        #expect(report.communes.filter { $0.target.year == 2018 }.count == 7)
        #expect(report.commune("Thọ Cường")?.target.year == 2019)

        // The words of the seed, in the commune's own report and in the district's.
        let rendering = ReportRendering(language: .vi, date: CalendarDate(parsing: "02/11/2018")!)
        let text = rendering.text(danLy).joined(separator: "\n")
        #expect(text.contains("Hồ sơ: 19/19 tiêu chí · hồ sơ chung: còn thiếu"))
        #expect(text.contains("đã gửi 8/17 ngành · 5 ngành đã về kiểm tra"))
        let table = rendering.text(report).joined(separator: "\n")
        #expect(table.contains("Tân Ninh") && table.contains("17/17"))
        let json = rendering.json(report)
        let danLyJSON = try #require(json["communes"]?.array?.first { $0["commune"]?.string == "dan-ly" })
        #expect(danLyJSON["dossiers_complete"] == .int(19) && danLyJSON["general_dossier"] == .bool(false))
        #expect(danLyJSON["sectors_sent"] == .int(8) && danLyJSON["sectors_total"] == .int(17))
        #expect(danLyJSON["sectors_inspected"] == .int(5) && danLyJSON["pending_sectors"]?.array?.count == 17)
    }

    /// Seed 000, Thọ Xuân, 20/04/2020: NTM nâng cao, 14/20 "đạt" verdicts, six sectors pending with a
    /// deadline of 23/4/2020; the district's file due 30/4/2020; three communes on a later timetable.
    @Test func thoXuan2020AdvancedAppraisalsAndDeadlines() throws {
        var district = try District("tho-xuan", name: "Thọ Xuân", on: "10/04/2020")
        try district.office.importCatalogue(file: Fixture.advancedSet, author: "Văn phòng Điều phối NTM")
        let pending = [
            "Sở Công Thương", "Sở Xây dựng", "Sở Giao thông vận tải", "Sở Nội vụ", "Công an tỉnh",
            "Bộ Chỉ huy quân sự tỉnh",
        ]
        for name in ["Xuân Hòa", "Bắc Lương", "Xuân Bái", "Thọ Lập", "Tây Hồ"] {
            try district.commune(name, year: "2018")
        }
        try district.distribute()
        let set = "th-nang-cao-2020-synthetic"
        for name in ["Xuân Hòa", "Bắc Lương"] {
            let replica = try district.communes[Text.slug(name)]!.commune()
            try replica.setTarget(set: set, level: "nâng cao", year: "2020", author: "Chủ tịch UBND xã")
            let advanced = try district.communes[Text.slug(name)]!.commune()
            #expect(advanced.catalogue.id == set)
            for sector in advanced.catalogue.sectors {
                try advanced.appraisal(
                    sector: sector, sent: "01/04/2020", inspected: nil,
                    verdict: pending.contains(sector) ? "cho" : "dat", document: "\(Text.slug(sector))/2020",
                    author: "Văn thư")
                if pending.contains(sector) {
                    try advanced.addDeadline(
                        title: "Văn bản đánh giá tiêu chí", due: "23/04/2020", owner: .sector(sector),
                        author: "Văn thư")
                }
            }
        }
        for name in ["Xuân Bái", "Thọ Lập", "Tây Hồ"] {
            let replica = try district.communes[Text.slug(name)]!.commune()
            try replica.setTarget(set: set, level: nil, year: "2020", author: "Chủ tịch UBND xã")
            let advanced = try district.communes[Text.slug(name)]!.commune()
            try advanced.addDeadline(
                title: "Hoàn thành tự đánh giá", due: "30/09/2020", owner: .department("UBND xã"), author: "Văn thư")
            try advanced.addDeadline(
                title: "Huyện thẩm tra", due: "20/10/2020", owner: .department("Ban Chỉ đạo NTM huyện"),
                author: "Văn thư")
            try advanced.addDeadline(
                title: "Gửi hồ sơ lên tỉnh", due: "30/10/2020", owner: .department("Văn phòng Điều phối NTM huyện"),
                author: "Văn thư")
        }
        try district.office.commune().addDeadline(
            title: "Nộp hồ sơ của huyện lên tỉnh", due: "30/04/2020",
            owner: .department("Văn phòng Điều phối NTM huyện"), author: "Văn phòng Điều phối NTM")
        try district.collect()

        // On 25/04 Xuân Hòa's six verdicts arrive and the deadlines are marked done.
        district.clock.set("25/04/2020")
        let xuanHoa = try district.communes["xuan-hoa"]!.commune()
        for sector in pending {
            try xuanHoa.appraisal(sector: sector, sent: nil, inspected: nil, verdict: "dat", author: "Văn thư")
        }
        for deadline in try xuanHoa.deadlines() {
            try xuanHoa.completeDeadline(deadline.uid!, on: nil, author: "Văn thư")
        }
        try district.collect()

        // What the district reported on 20/04 and 24/04 is reproduced from the log.
        for date in ["20/04/2020", "24/04/2020"] {
            let report = try district.report(asOf: date)
            for name in ["Xuân Hòa", "Bắc Lương"] {
                let figures = try #require(report.commune(name))
                #expect(figures.sectorsTotal == 20 && figures.sectorsPassed == 14, "\(name) \(date)")
                #expect(figures.pendingSectors == figures.catalogue.sectors.filter(pending.contains))
                #expect(Set(figures.pendingSectors) == Set(pending))
            }
        }
        let onThe24th = try district.report(asOf: "24/04/2020")
        for name in ["Xuân Hòa", "Bắc Lương"] {
            let overdue = try #require(onThe24th.commune(name)).overdue
            #expect(overdue.count == 6 && overdue.allSatisfy { $0.due == CalendarDate(parsing: "23/04/2020")! })
            #expect(Set(overdue.map(\.owner)) == Set(pending))
        }
        #expect(onThe24th.upcoming.map(\.title) == ["Nộp hồ sơ của huyện lên tỉnh"])
        for name in ["Xuân Bái", "Thọ Lập", "Tây Hồ"] {
            #expect(onThe24th.commune(name)?.overdue.isEmpty == true)
            #expect(onThe24th.commune(name)?.catalogue.id == set)
        }
        // On the 20th nothing was overdue yet.
        #expect(try district.report(asOf: "20/04/2020").communes.allSatisfy { $0.overdue.isEmpty })
        // Today Xuân Hòa has its 20 verdicts and no overdue deadline; Bắc Lương still owes six.
        let now = try district.report()
        #expect(now.commune("Xuân Hòa")?.sectorsPassed == 20 && now.commune("Xuân Hòa")?.overdue.isEmpty == true)
        #expect(now.commune("Bắc Lương")?.overdue.count == 6)
        // In October the later timetable is overdue where it was not done.
        let october = try district.report(asOf: "01/10/2020")
        #expect(october.commune("Tây Hồ")?.overdue.map(\.title) == ["Hoàn thành tự đánh giá"])
        // The text names the pending sectors.
        let text = ReportRendering(language: .vi, date: CalendarDate(parsing: "24/04/2020")!).text(
            try #require(onThe24th.commune("Bắc Lương"))
        ).joined(separator: "\n")
        #expect(text.contains("14/20 ngành có văn bản đánh giá đạt"))
        #expect(text.contains("Ngành chưa có văn bản đạt (6): Sở Xây dựng, Sở Giao thông vận tải, Sở Công Thương"))
        #expect(text.contains("23/04/2020 Sở Công Thương: Văn bản đánh giá tiêu chí — quá 1 ngày"))
    }

    /// Seed 003, Xuân Trường, 14/04/2021: NTM nâng cao 9/15 criteria, 25/41 sub-criteria (on the
    /// synthetic set of that shape); the monthly report due before the 25th.
    @Test func xuanTruong2021AdvancedCriteriaCounts() throws {
        var district = try District("tho-xuan", name: "Thọ Xuân", on: "01/04/2021")
        try district.office.importCatalogue(file: Fixture.advancedSet, author: "Văn phòng")
        try district.commune("Xuân Trường", year: "2019")
        try district.distribute()
        let database = district.communes["xuan-truong"]!
        try database.commune().setTarget(
            set: "th-nang-cao-2020-synthetic", level: "nang-cao", year: "2021", author: "Mai")
        let replica = try database.commune()
        // Nine criteria fully met, then more sub-criteria met without completing another criterion.
        var met = 0
        for criterion in replica.catalogue.criteria.prefix(9) {
            for indicator in replica.catalogue.indicators(of: criterion.number) {
                try replica.assess(code: indicator.code, status: "đạt", author: "Mai")
                met += 1
            }
        }
        for criterion in replica.catalogue.criteria.dropFirst(9) where met < 25 {
            for indicator in replica.catalogue.indicators(of: criterion.number).dropLast() where met < 25 {
                try replica.assess(code: indicator.code, status: "đạt", author: "Mai")
                met += 1
            }
        }
        for indicator in replica.catalogue.indicators
        where try replica.store.rowState(
            table: NTMSchema.Table.assessment,
            row: NTMSchema.assessmentRow(commune: "xuan-truong", set: replica.catalogue.id, code: indicator.code))
            == nil
        {
            try replica.assess(code: indicator.code, status: "đang thực hiện", author: "Mai")
        }
        try replica.addDeadline(
            title: "Báo cáo tiến độ tháng 4", due: "24/04/2021", owner: .person("Nguyễn Thị Mai"), author: "Mai")
        district.clock.set("14/04/2021")
        let figures = try replica.figures()
        #expect(figures.criteriaMet == 9 && figures.criteriaTotal == 15)
        #expect(figures.indicatorsMet == 25 && figures.indicatorsTotal == 41)
        #expect(figures.upcoming.map(\.title) == ["Báo cáo tiến độ tháng 4"] && figures.overdue.isEmpty)
        let text = ReportRendering(language: .vi, date: CalendarDate(parsing: "14/04/2021")!).text(figures)
        #expect(text.contains("Tiêu chí đạt: 9/15 · chỉ tiêu đạt: 25/41 (đã đánh giá 41/41)"))
        let english = ReportRendering(language: .en, date: CalendarDate(parsing: "14/04/2021")!).text(figures)
        #expect(english.contains("Criteria met: 9/15 · indicators met: 25/41 (assessed 41/41)"))
    }

    /// Seeds 001 and 002, Triệu Sơn: 27/32 communes meeting the standard; what each department still
    /// owes, such as health-insurance coverage (15.1, BHXH huyện) under 85%.
    @Test func trieuSonCommunesMeetingTheStandardAndWhatEachDepartmentOwes() throws {
        var district = try District("trieu-son", name: "Triệu Sơn", on: "11/11/2020")
        let catalogue = try CatalogueLibrary().catalogue("qd1980-2016")
        let names = (1...32).map { "Xã \($0)" }
        let owing: [String: [String: String]] = [
            "Xã 3": ["15.1": "82"], "Xã 7": ["15.1": "80,5", "2.1": "90"], "Xã 11": ["17.1": "70"],
            "Xã 19": ["13.1": ""], "Xã 30": ["15.1": "84"],
        ]
        for name in names {
            let replica = try district.commune(name, year: "2020")
            for indicator in catalogue.indicators {
                if let value = owing[name]?[indicator.code] {
                    try replica.assess(
                        code: indicator.code, status: "chưa đạt", value: value.isEmpty ? nil : value,
                        author: "Cán bộ xã")
                } else {
                    try replica.assess(code: indicator.code, status: "đạt", author: "Cán bộ xã")
                }
            }
        }
        try district.collect()
        let report = try district.report()
        #expect(report.communes.count == 32 && report.communesMeeting == 27)
        let insurance = try #require(report.departments.first { $0.department == "Bảo hiểm xã hội huyện" })
        #expect(insurance.gaps.map(\.indicator.code) == ["15.1"])
        #expect(insurance.gaps[0].communes.sorted() == ["Xã 3", "Xã 30", "Xã 7"])
        let infrastructure = try #require(report.departments.first { $0.department == "Phòng Kinh tế và Hạ tầng" })
        #expect(infrastructure.gaps.map(\.indicator.code) == ["2.1"] && infrastructure.gaps[0].communes == ["Xã 7"])
        #expect(
            Set(report.departments.map(\.department)) == [
                "Bảo hiểm xã hội huyện", "Phòng Kinh tế và Hạ tầng", "Phòng Nông nghiệp và PTNT",
            ])
        let text = ReportRendering(language: .vi, date: CalendarDate(parsing: "11/11/2020")!).text(report)
        #expect(text.contains("Xã đạt chuẩn: 27/32 xã"))
        #expect(text.contains { $0.contains("15.1") && $0.contains("3 xã") })
        let csv = ReportRendering(language: .vi, date: CalendarDate(parsing: "11/11/2020")!).csv(report)
        #expect(csv.hasPrefix("\u{FEFF}Mã xã,Xã,"))
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 33)
    }
}
