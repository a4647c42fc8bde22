import Foundation
import SyncCore
import TestSupport
import Testing

/// The province's reading of its communes' work: the sectors' backlog (`ntm appraisal backlog`) and
/// the report by district (`ntm hub report` at a province hub), over communes whose work reached the
/// province hub in bundles.
@Suite struct CLIProvinceReportTests {
    let ntm = NTMBinary()

    static func day(_ days: Int) -> String { CLIReportTests.day(days) }

    static func iso(_ days: Int) -> String {
        let parts = day(days).split(separator: "/")
        return "\(parts[2])-\(parts[1])-\(parts[0])"
    }

    /// A province hub holding three communes' work: Dân Lý (its own row says Ngọc Lặc, the province
    /// placed it under Triệu Sơn when it enrolled one of its laptops), Tân Ninh (its row says Triệu
    /// Sơn) and Xuân Hòa (no district). Four dossiers wait for a sector; one was inspected.
    func province(_ folder: TemporaryDirectory) throws {
        let hub = ["--db", "tinh.sqlite"]
        try ntm.ok(
            ["hub", "init", "--replica", "tinh-thanh-hoa", "--province", "thanh-hoa", "--name", "Thanh Hóa"] + hub,
            folder)
        let communes = [
            ("dan-ly", "Dân Lý", ["--district", "ngoc-lac"]), ("tan-ninh", "Tân Ninh", ["--district", "trieu-son"]),
            ("xuan-hoa", "Xuân Hòa", []),
        ]
        for (slug, name, district) in communes {
            try ntm.ok(
                ["init", "--replica", "xa-\(slug)-1", "--commune", slug, "--name", name, "--db", "\(slug).sqlite"]
                    + district, folder)
        }
        // Recorded the way communes always have: `ntm appraisal SECTOR …`.
        for (slug, sector, sent, inspected) in [
            ("dan-ly", "so xay dung", -10, nil), ("dan-ly", "cong an", -5, -1), ("tan-ninh", "so xay dung", -20, nil),
            ("tan-ninh", "Sở Y tế", -3, nil), ("xuan-hoa", "so xay dung", -2, nil),
        ] {
            try ntm.ok(
                ["appraisal", sector, "--sent", Self.day(sent), "--db", "\(slug).sqlite"]
                    + (inspected.map { ["--inspected", Self.day($0)] } ?? []), folder)
        }
        try ntm.ok(
            [
                "deadline", "add", "--title", "Nộp hồ sơ", "--due", Self.day(-1), "--department", "UBND xã", "--db",
                "tan-ninh.sqlite",
            ], folder)
        for (slug, _, _) in communes {
            try ntm.ok(["bundle", "export", "\(slug).ndjson", "--db", "\(slug).sqlite"], folder)
            try ntm.ok(["bundle", "import", "\(slug).ndjson", "--commune", slug] + hub, folder)
        }
        try ntm.ok(
            [
                "hub", "enroll", "--replica", "xa-dan-ly-2", "--role", "commune:dan-ly", "--district", "trieu-son",
                "--out",
                "dan-ly.cred",
            ] + hub, folder)
    }

    @Test func theBacklogAtTheProvinceIsByDistrictOldestFirst() throws {
        let folder = TemporaryDirectory("cli-backlog")
        try province(folder)
        let hub = ["--db", "tinh.sqlite"]
        let text = try ntm.ok(["appraisal", "backlog"] + hub, folder).stdout
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "HỒ SƠ ĐÃ GỬI SỞ, NGÀNH CHƯA VỀ KIỂM TRA")
        #expect(lines[1] == "Tính đến ngày \(Self.day(0))")
        #expect(lines[2] == "Đang chờ: 4 hồ sơ")
        #expect(lines[3] == "Huyện trieu-son (3)")
        #expect(lines[4].hasPrefix("  \(Self.day(-20))  Tân Ninh (tan-ninh)  Sở Xây dựng"))
        #expect(lines[4].hasSuffix("qd1980-2016  chờ 20 ngày"))
        #expect(lines[5].hasPrefix("  \(Self.day(-10))  Dân Lý (dan-ly)") && lines[5].hasSuffix("chờ 10 ngày"))
        #expect(lines[6].hasPrefix("  \(Self.day(-3))  Tân Ninh (tan-ninh)  Sở Y tế"))
        #expect(lines[7] == "Chưa rõ huyện (1)")
        #expect(lines[8].hasPrefix("  \(Self.day(-2))  Xuân Hòa (xuan-hoa)") && lines.count == 9)
        #expect(!text.contains("Công an") && !text.contains("ngoc-lac"))

        let json = try JSONParser.parse(
            try ntm.ok(["appraisal", "backlog", "--json"] + hub, folder).stdout.trimmingCharacters(in: .newlines))
        let items = try #require(json.array)
        #expect(items.map { $0["commune"] } == ["tan-ninh", "dan-ly", "tan-ninh", "xuan-hoa"].map(JSONValue.string))
        #expect(
            items.map { $0["district"] } == [.string("trieu-son"), .string("trieu-son"), .string("trieu-son"), .null])
        #expect(items[0]["sent"] == .string(Self.iso(-20)) && items[0]["days_waiting"] == .int(20))
        #expect(items[0]["sector"] == .string("Sở Xây dựng") && items[0]["set"] == .string("qd1980-2016"))
        #expect(items[0]["commune_name"] == .string("Tân Ninh") && items[0]["in_conflict"] == .bool(false))

        // One sector's, named without diacritics; in English.
        let construction = try ntm.ok(
            ["appraisal", "backlog", "--sector", "so xay dung", "--lang", "en"] + hub, folder
        ).stdout
        #expect(construction.hasPrefix("DOSSIERS SENT TO SECTORS, NOT YET INSPECTED — Sở Xây dựng\n"))
        #expect(construction.contains("Waiting: 3 dossiers\nDistrict trieu-son (2)\n"))
        #expect(construction.contains("No district (1)") && !construction.contains("Sở Y tế"))
        #expect(construction.contains("waiting 20 days"))
        let unknown = try ntm.run(["appraisal", "backlog", "--sector", "so khong co"] + hub, in: folder.path)
        #expect(unknown.status == 1 && unknown.stdout.isEmpty)
        #expect(unknown.stderr.hasPrefix("ntm: lỗi: không có sở, ngành \"so khong co\"; các sở, ngành thẩm định: "))
        #expect(unknown.stderr.split(separator: "\n").count == 1)

        // Once inspected, a dossier leaves the backlog.
        try ntm.ok(["appraisal", "so xay dung", "--inspected", Self.day(0), "--db", "tan-ninh.sqlite"], folder)
        try ntm.ok(["bundle", "export", "tan-ninh-2.ndjson", "--db", "tan-ninh.sqlite"], folder)
        try ntm.ok(["bundle", "import", "tan-ninh-2.ndjson", "--commune", "tan-ninh"] + hub, folder)
        let after = try ntm.ok(["appraisal", "backlog"] + hub, folder).stdout
        #expect(after.contains("Đang chờ: 3 hồ sơ\nHuyện trieu-son (2)\n  \(Self.day(-10))  Dân Lý"))
    }

    @Test func aSectorsLaptopShowsItsOwnBacklog() throws {
        let folder = TemporaryDirectory("cli-backlog-sector")
        try province(folder)
        let hub = ["--db", "tinh.sqlite"]
        let laptop = ["--db", "sxd.sqlite"]
        try ntm.ok(
            ["hub", "enroll", "--replica", "so-xay-dung-1", "--role", "sector:Sở Xây dựng", "--out", "sxd.cred"] + hub,
            folder)
        try ntm.ok(["init", "--credential", "sxd.cred"] + laptop, folder)
        try ntm.ok(["bundle", "export", "tinh.ndjson"] + hub, folder)
        try ntm.ok(["bundle", "import", "tinh.ndjson"] + laptop, folder)
        let text = try ntm.ok(["appraisal", "backlog"] + laptop, folder).stdout
        #expect(text.hasPrefix("HỒ SƠ ĐÃ GỬI SỞ, NGÀNH CHƯA VỀ KIỂM TRA — Sở Xây dựng\n"))
        #expect(text.contains("Đang chờ: 3 hồ sơ") && !text.contains("Sở Y tế"))
        let json = try JSONParser.parse(
            try ntm.ok(["appraisal", "backlog", "--json"] + laptop, folder).stdout.trimmingCharacters(in: .newlines))
        #expect(json.array?.map { $0["sector"] } == Array(repeating: .string("Sở Xây dựng"), count: 3))
        #expect(try ntm.ok(["appraisal", "backlog", "--sector", "xay dung"] + laptop, folder).stdout == text)
        let other = try ntm.run(["appraisal", "backlog", "--sector", "so y te"] + laptop, in: folder.path)
        #expect(other.status == 1)
        #expect(
            other.stderr
                == "ntm: lỗi: máy này là của Sở Xây dựng; không xem được hồ sơ chờ của \"Sở Y tế\" (bỏ --sector)\n")
    }

    @Test func theProvinceReportHasOneLinePerDistrictAndOneDistrictOnRequest() throws {
        let folder = TemporaryDirectory("cli-province-report")
        try province(folder)
        let hub = ["--db", "tinh.sqlite"]
        let text = try ntm.ok(["hub", "report"] + hub, folder).stdout
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "BÁO CÁO TIẾN ĐỘ NÔNG THÔN MỚI CẤP TỈNH — tỉnh Thanh Hóa")
        #expect(lines[2] == "Xã đạt chuẩn: 0/3 xã · hồ sơ chờ sở, ngành kiểm tra: 4 · quá hạn: 1")
        #expect(lines[3].hasPrefix("Huyện") && lines[3].hasSuffix("Quá hạn"))
        #expect(lines[4].split(separator: " ", omittingEmptySubsequences: true) == ["trieu-son", "2", "0/2", "3", "1"])
        #expect(lines[5].hasPrefix("Chưa rõ huyện") && lines[5].hasSuffix("0"))
        let english = try ntm.ok(["hub", "report", "--lang", "en"] + hub, folder).stdout
        #expect(english.hasPrefix("PROVINCE NEW RURAL DEVELOPMENT PROGRESS REPORT — province Thanh Hóa\n"))
        #expect(english.contains("Communes meeting the standard: 0/3 · dossiers waiting for a sector's inspection: 4"))

        let json = try JSONParser.parse(
            try ntm.ok(["hub", "report", "--json"] + hub, folder).stdout.trimmingCharacters(in: .newlines))
        #expect(json["province"] == .string("Thanh Hóa") && json["as_of"] == .string(Self.iso(0)))
        #expect(json["communes_total"] == .int(3) && json["backlog"] == .int(4) && json["overdue"] == .int(1))
        let districts = try #require(json["districts"]?.array)
        #expect(districts.map { $0["district"] } == [.string("trieu-son"), .null])
        #expect(districts[0]["communes"] == .array([.string("dan-ly"), .string("tan-ninh")]))
        #expect(districts[0]["communes_meeting"] == .int(0) && districts[0]["backlog"] == .int(3))
        #expect(districts[1]["communes"] == .array([.string("xuan-hoa")]) && districts[1]["overdue"] == .int(0))

        let csv = try ntm.run(["hub", "report", "--csv"] + hub, in: folder.path)
        #expect(Array(csv.stdout.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let rows = csv.stdout.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(
            rows == [
                "Mã huyện,Huyện,Số xã,Xã đạt chuẩn,\"Hồ sơ chờ sở, ngành\",Quá hạn", "trieu-son,trieu-son,2,0/2,3,1",
                ",Chưa rõ huyện,1,0/1,1,0",
            ])

        // Yesterday the province held nothing of this.
        let yesterday = try JSONParser.parse(
            try ntm.ok(["hub", "report", "--json", "--as-of", Self.day(-1)] + hub, folder).stdout
                .trimmingCharacters(in: .newlines))
        #expect(yesterday["communes_total"] == .int(0) && yesterday["districts"] == .array([]))

        // One district: the district report over its communes, whatever their own rows say.
        let one = try JSONParser.parse(
            try ntm.ok(["hub", "report", "--district", "trieu-son", "--json"] + hub, folder).stdout
                .trimmingCharacters(in: .newlines))
        #expect(one["communes"]?.array?.map { $0["commune"] } == [.string("dan-ly"), .string("tan-ninh")])
        #expect(one["district"] == .string("trieu-son"))
        let oneText = try ntm.ok(["hub", "report", "--district", "trieu-son"] + hub, folder).stdout
        #expect(oneText.hasPrefix("BÁO CÁO TIẾN ĐỘ NÔNG THÔN MỚI CẤP HUYỆN — huyện trieu-son\n"))
        #expect(oneText.contains("Xã đạt chuẩn: 0/2 xã") && oneText.contains("Quá hạn (1):"))
        let unknown = try ntm.run(["hub", "report", "--district", "tho-xuan"] + hub, in: folder.path)
        #expect(unknown.status == 1 && unknown.stdout.isEmpty)
        #expect(unknown.stderr == "ntm: lỗi: tỉnh không có huyện \"tho-xuan\"; các huyện: trieu-son\n")
    }

    @Test func aDistrictHubsReportTakesNoDistrict() throws {
        let folder = TemporaryDirectory("cli-district-report")
        let hub = ["--db", "huyen.sqlite"]
        try ntm.ok(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--name", "Triệu Sơn"] + hub,
            folder)
        #expect(
            try ntm.ok(["hub", "report"] + hub, folder).stdout.hasPrefix(
                "BÁO CÁO TIẾN ĐỘ NÔNG THÔN MỚI CẤP HUYỆN — huyện Triệu Sơn\n"))
        let refused = try ntm.run(["hub", "report", "--district", "trieu-son"] + hub, in: folder.path)
        #expect(refused.status == 1 && refused.stdout.isEmpty)
        #expect(
            refused.stderr
                == "ntm: lỗi: --district SLUG chỉ dùng ở máy chủ tỉnh; máy chủ huyện báo cáo mọi xã của mình\n")
        // The backlog at a district hub: every sector's, none yet.
        #expect(
            try ntm.ok(["appraisal", "backlog"] + hub, folder).stdout.hasSuffix(
                "Không có hồ sơ nào đang chờ kiểm tra.\n"))
    }
}
