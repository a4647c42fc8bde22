import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// The province's view: the sectors' backlog and the report by district, over communes whose district
/// the province knows from its enrolments, from their own rows, or not at all.
@Suite struct ProvinceReportTests {
    /// A province database on 20/11/2020 holding four communes and one district's own rows, as their
    /// hubs would have synced them up: Dân Lý meets the standard and is placed under Triệu Sơn at
    /// enrolment (its own row still says Ngọc Lặc), Tân Ninh's row says Triệu Sơn, Minh Sơn's Ngọc
    /// Lặc, Xuân Hòa's nothing.
    static func province() throws -> NTMDatabase {
        let folder = TemporaryDirectory("province-report")
        let clock = ManualClock("20/11/2020")
        let database = try NTMDatabase.create(
            at: folder.file("tinh.sqlite"), replicaID: "tinh-thanh-hoa",
            home: .province(slug: "thanh-hoa", name: "Thanh Hóa"), author: "Văn phòng tỉnh", clock: clock.now)
        var seq: UInt64 = 0
        var operations: [SyncOperation] = []
        func write(_ table: String, _ row: String, _ values: [String: String]) {
            for (column, value) in values.sorted(by: { $0.key < $1.key }) {
                seq += 1
                operations.append(
                    SyncOperation(
                        dot: Dot(origin: "huyen-hub", seq: seq), key: FieldKey(table: table, row: row, column: column),
                        value: .text(value), context: VersionVector(), author: "Lan", wallMs: 0))
            }
        }
        let communes = [
            ("dan-ly", "Dân Lý", "ngoc-lac"), ("tan-ninh", "Tân Ninh", "trieu-son"),
            ("minh-son", "Minh Sơn", "ngoc-lac"), ("xuan-hoa", "Xuân Hòa", nil),
        ]
        for (slug, name, district) in communes {
            var values = ["name": name]
            if let district { values["district"] = district }
            write(NTMSchema.Table.commune, slug, values)
            write(NTMSchema.Table.target, "\(slug)/qd1980-2016", ["level": "ntm"])
        }
        for indicator in try CatalogueLibrary().catalogue("qd1980-2016").indicators {
            write(NTMSchema.Table.assessment, "dan-ly/qd1980-2016/\(indicator.code)", ["status": "dat"])
        }
        write(NTMSchema.Table.commune, "trieu-son", ["name": "Triệu Sơn"])
        write(NTMSchema.Table.target, "trieu-son/qd558-2016", ["level": "ntm"])
        func appraisal(_ commune: String, _ sector: String, sent: String, inspected: String? = nil) {
            var values = ["sector_name": sector, "sent": sent]
            if let inspected { values["inspected"] = inspected }
            write(
                NTMSchema.Table.appraisal, NTMSchema.appraisalRow(commune: commune, set: "qd1980-2016", sector: sector),
                values)
        }
        appraisal("dan-ly", "Sở Xây dựng", sent: "2020-11-10")
        appraisal("dan-ly", "Công an tỉnh", sent: "2020-11-01", inspected: "2020-11-05")
        appraisal("tan-ninh", "Sở Xây dựng", sent: "2020-11-01")
        appraisal("minh-son", "Sở Y tế", sent: "2020-11-18")
        appraisal("xuan-hoa", "Sở Xây dựng", sent: "2020-11-19")
        write(
            NTMSchema.Table.deadline, "tan-ninh/000000000001",
            ["title": "Nộp hồ sơ", "due": "2020-11-15", "owner": "UBND xã", "owner_kind": "department"])
        write(
            NTMSchema.Table.deadline, "trieu-son/000000000002",
            ["title": "Báo cáo tỉnh", "due": "2020-11-01", "owner": "UBND huyện", "owner_kind": "department"])
        try database.store.apply(operations)
        try database.store.setUnitParent("dan-ly", "trieu-son")
        return database
    }

    @Test func theBacklogIsByDistrictOldestFirstAndLeavesOutWhatWasInspected() throws {
        let database = try Self.province()
        let backlog = try database.appraisalBacklog()
        #expect(backlog.date == CalendarDate(parsing: "20/11/2020"))
        #expect(backlog.groups.map(\.district) == ["ngoc-lac", "trieu-son", nil])
        #expect(backlog.groups.map(\.name) == [nil, "Triệu Sơn", nil])
        let trieuSon = backlog.groups[1].items
        #expect(trieuSon.map(\.commune) == ["tan-ninh", "dan-ly"])
        #expect(trieuSon.map(\.daysWaiting) == [19, 10])
        #expect(trieuSon.map(\.sector) == ["Sở Xây dựng", "Sở Xây dựng"])
        #expect(!backlog.items.contains { $0.sector == "Công an tỉnh" })
        #expect(backlog.items.count == 4)

        let construction = try database.appraisalBacklog(sector: try database.sector(named: "so xay dung"))
        #expect(construction.groups.map(\.district) == ["trieu-son", nil])
        #expect(construction.items.map(\.commune) == ["tan-ninh", "dan-ly", "xuan-hoa"])
        #expect(throws: NTMError.self) { try database.sector(named: "so khong co") }

        let text = ReportRendering(language: .vi, date: backlog.date).text(backlog)
        #expect(text.contains("Huyện Triệu Sơn (trieu-son) (2)"))
        #expect(text.contains("  01/11/2020  Tân Ninh (tan-ninh)  Sở Xây dựng  qd1980-2016  chờ 19 ngày"))
        #expect(text.last == "  19/11/2020  Xuân Hòa (xuan-hoa)  Sở Xây dựng  qd1980-2016  chờ 1 ngày")
        let english = ReportRendering(language: .en, date: backlog.date).text(construction)
        #expect(english.first == "DOSSIERS SENT TO SECTORS, NOT YET INSPECTED — Sở Xây dựng")
        #expect(english.contains("No district (1)"))
        #expect(english.contains { $0.hasSuffix("waiting 19 days") && !$0.contains("Sở Xây dựng") })
    }

    @Test func theProvinceReportHasOneLinePerDistrict() throws {
        let database = try Self.province()
        let figures = try database.provinceFigures()
        #expect(figures.province == "Thanh Hóa")
        #expect(figures.districts.map(\.slug) == ["ngoc-lac", "trieu-son", nil])
        #expect(figures.districts.map(\.communes) == [1, 2, 1])
        #expect(figures.districts.map(\.communesMeeting) == [0, 1, 0])
        #expect(figures.districts.map(\.backlog) == [1, 2, 1])
        // Tân Ninh's deadline and the district's own.
        #expect(figures.districts.map(\.overdue) == [0, 2, 0])
        #expect((figures.communes, figures.communesMeeting, figures.backlog, figures.overdue) == (4, 1, 4, 2))

        let trieuSon = try database.districtFigures(of: "Triệu Sơn")
        #expect(trieuSon.district == "Triệu Sơn")
        #expect(trieuSon.communes.map(\.commune.slug) == ["dan-ly", "tan-ninh"])
        #expect(trieuSon.communesMeeting == 1 && trieuSon.overdue.count == 1)
        #expect(try database.districtFigures(of: "ngoc-lac").communes.map(\.commune.slug) == ["minh-son"])
        #expect(throws: NTMError.unknownDistrict("tho-xuan", known: ["ngoc-lac", "trieu-son"])) {
            try database.districtFigures(of: "tho-xuan")
        }

        let rendering = ReportRendering(language: .vi, date: CalendarDate(parsing: "20/11/2020")!)
        let text = rendering.text(figures)
        #expect(text[0] == "BÁO CÁO TIẾN ĐỘ NÔNG THÔN MỚI CẤP TỈNH — tỉnh Thanh Hóa")
        #expect(text[2] == "Xã đạt chuẩn: 1/4 xã · hồ sơ chờ sở, ngành kiểm tra: 4 · quá hạn: 2")
        #expect(
            text.contains {
                $0.split(separator: " ", omittingEmptySubsequences: true) == ["Triệu", "Sơn", "2", "1/2", "2", "2"]
            })
        let csv = rendering.csv(figures).dropFirst().components(separatedBy: "\r\n")
        #expect(csv[0] == "Mã huyện,Huyện,Số xã,Xã đạt chuẩn,\"Hồ sơ chờ sở, ngành\",Quá hạn")
        #expect(csv[2] == "trieu-son,Triệu Sơn,2,1/2,2,2" && csv[3] == ",Chưa rõ huyện,1,0/1,1,0")
        let json = rendering.json(figures)
        #expect(json["districts"]?.array?.map { $0["district"] } == [.string("ngoc-lac"), .string("trieu-son"), .null])
        #expect(json["districts"]?.array?[1]["communes"] == .array([.string("dan-ly"), .string("tan-ninh")]))
    }
}
