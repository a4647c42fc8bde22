import Foundation
import SyncCore
import TestSupport
import Testing

/// The district's fortnightly round as people run it: communes record their day's work, carry bundles
/// to the district office, and the office prints the report it sends on the 14th and the 28th.
@Suite struct CLIReportTests {
    let ntm = NTMBinary()

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    /// A date in Vietnam's time zone (the one the tests run `ntm` in), `days` from today.
    static func day(_ days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let date = calendar.date(byAdding: .day, value: days, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%02d/%02d/%04d", parts.day!, parts.month!, parts.year!)
    }

    @Test func aDistrictRoundFromCommuneLaptopsToTheReport() throws {
        let folder = TemporaryDirectory("cli-report")
        let office = ["--db", "huyen.sqlite"]
        let danLy = ["--db", "dan-ly.sqlite"]
        let tanNinh = ["--db", "tan-ninh.sqlite"]
        try ntm.ok(
            ["init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--name", "Triệu Sơn"] + office, folder)
        try ntm.ok(
            [
                "init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--district",
                "trieu-son",
                "--code", "15703", "--year", "2018",
            ] + danLy, folder)
        try ntm.ok(
            ["init", "--replica", "xa-tan-ninh-1", "--commune", "tan-ninh", "--name", "Tân Ninh", "--year", "2018"]
                + tanNinh, folder)
        // Dân Lý's day of work.
        for criterion in 1...19 { try ntm.ok(["dossier", String(criterion), "--complete", "yes"] + danLy, folder) }
        try ntm.ok(["assess", "15.1", "chưa đạt", "--value", "82,5", "--deadline", Self.day(10)] + danLy, folder)
        try ntm.ok(["assess", "17.1", "đạt", "--value", "96"] + danLy, folder)
        try ntm.ok(
            [
                "appraisal", "so xay dung", "--sent", Self.day(-3), "--inspected", Self.day(-1), "--verdict", "dat",
                "--document", "123/SXD-QH",
            ] + danLy, folder)
        try ntm.ok(["appraisal", "cong an", "--sent", Self.day(-3)] + danLy, folder)
        try ntm.ok(["verification", "1", "--result", "đạt", "--date", Self.day(-2)] + danLy, folder)
        try ntm.ok(["verification", "17", "--result", "dat", "--department", "tai nguyen"] + danLy, folder)
        let deadline = try ntm.ok(
            ["deadline", "add", "--title", "Nộp hồ sơ chung", "--due", Self.day(-1), "--department", "UBND xã"] + danLy,
            folder
        ).stdout
        try ntm.ok(["note", "add", "Thôn 3 còn 12 hộ chưa có BHYT", "--indicator", "15.1"] + danLy, folder)
        #expect(try ntm.ok(["note", "list"] + danLy, folder).stdout.contains("[15.1]  Thôn 3 còn 12 hộ chưa có BHYT"))
        #expect(
            try ntm.ok(["deadline", "list"] + danLy, folder).stdout.contains(
                "UBND xã: Nộp hồ sơ chung — quá hạn, chưa xong"))
        try ntm.ok(["assess", "5", "dat"] + tanNinh, folder)

        // The commune's own report.
        let report = try ntm.ok(["report"] + danLy, folder).stdout
        #expect(report.contains("BÁO CÁO TIẾN ĐỘ XÂY DỰNG NÔNG THÔN MỚI — xã Dân Lý (dan-ly)"))
        #expect(report.contains("Hồ sơ: 19/19 tiêu chí · hồ sơ chung: còn thiếu"))
        #expect(report.contains("Thẩm tra của huyện: 1/19 tiêu chí đạt"))
        #expect(report.contains("đã gửi 2/17 ngành · 1 ngành đã về kiểm tra · 1/17 ngành có văn bản đánh giá đạt"))
        #expect(report.contains("Quá hạn (1):\n  - \(Self.day(-1)) UBND xã: Nộp hồ sơ chung — quá 1 ngày"))
        #expect(
            report.contains("Sắp đến hạn (1):\n  - \(Self.day(10)) Bảo hiểm xã hội huyện: hoàn thành chỉ tiêu 15.1"))
        #expect(
            report.contains(
                "15.1 Tỷ lệ người dân tham gia bảo hiểm y tế — chưa đạt, 82,5% / mục tiêu ≥85% — Bảo hiểm xã hội huyện")
        )
        let english = try ntm.ok(["report", "--lang", "en"] + danLy, folder).stdout
        #expect(english.contains("Dossiers: 19/19 criteria · general dossier: missing"))
        #expect(english.contains("As of \(Self.day(0))"))

        // Done deadlines leave the overdue list.
        let uid = String(deadline.split(separator: " ").last!.prefix(6))
        try ntm.ok(["deadline", "done", uid] + danLy, folder)
        #expect(try ntm.ok(["report"] + danLy, folder).stdout.contains("Quá hạn: không có"))

        // To the district by bundle, and the district's report.
        for (name, db) in [("dan-ly", danLy), ("tan-ninh", tanNinh)] {
            try ntm.ok(["bundle", "export", "\(name).ndjson"] + db, folder)
            try ntm.ok(["bundle", "import", "\(name).ndjson"] + office, folder)
        }
        let json = try JSONParser.parse(
            try ntm.ok(["report", "--json"] + office, folder).stdout.trimmingCharacters(in: .newlines))
        #expect(json["communes_total"] == .int(2))
        let communes = try #require(json["communes"]?.array)
        #expect(communes.compactMap { $0["commune"]?.string } == ["dan-ly", "tan-ninh"])
        let first = communes[0]
        for key in [
            "commune", "set", "level", "criteria_met", "criteria_total", "indicators_met", "indicators_total",
            "dossiers_complete", "general_dossier", "sectors_total", "sectors_sent", "sectors_inspected",
            "sectors_passed", "pending_sectors", "overdue",
        ] {
            #expect(first[key] != nil, "missing \(key)")
        }
        #expect(first["set"] == .string("qd1980-2016") && first["level"] == .string("ntm"))
        #expect(first["dossiers_complete"] == .int(19) && first["general_dossier"] == .bool(false))
        #expect(first["sectors_sent"] == .int(2) && first["sectors_passed"] == .int(1))
        #expect(first["pending_sectors"]?.array?.count == 16)
        #expect(first["indicators_met"] == .int(1) && communes[1]["indicators_met"] == .int(1))
        let departments = try #require(json["departments"]?.array)
        #expect(departments.contains { $0["department"] == .string("Bảo hiểm xã hội huyện") })

        let text = try ntm.ok(["report"] + office, folder).stdout
        #expect(text.contains("BÁO CÁO TIẾN ĐỘ NÔNG THÔN MỚI CẤP HUYỆN — huyện Triệu Sơn"))
        #expect(text.contains("Xã đạt chuẩn: 0/2 xã"))
        #expect(text.contains("Theo phòng, ban — chỉ tiêu chưa đạt (không để nợ tiêu chí):"))

        // CSV for Excel: a byte-order mark, then a header and one row per commune.
        let csv = try ntm.run(["report", "--csv"] + office, in: folder.path)
        let bytes = Array(csv.stdout.utf8)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let rows = csv.stdout.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == 3 && rows[0].hasPrefix("Mã xã,Xã,Bộ tiêu chí"))
        #expect(rows[1].hasPrefix("dan-ly,Dân Lý,qd1980-2016,NTM,0/19,1/49,19/19,không,2/17,1,1/17,0"))

        // Yesterday's report: the database held nothing of this yet.
        let yesterday = try JSONParser.parse(
            try ntm.ok(["report", "--json", "--as-of", Self.day(-1)] + office, folder).stdout.trimmingCharacters(
                in: .newlines))
        #expect(yesterday["communes_total"] == .int(0))
        let communeYesterday = try ntm.run(["report", "--as-of", Self.day(-1)] + danLy, in: folder.path)
        #expect(communeYesterday.status == 1)
        #expect(
            communeYesterday.stderr
                == "ntm: lỗi: cuối ngày \(Self.day(-1)), cơ sở dữ liệu này chưa có mục tiêu nào của dan-ly\n")
        let communeToday = try JSONParser.parse(
            try ntm.ok(["report", "--json", "--as-of", Self.day(0)] + danLy, folder).stdout.trimmingCharacters(
                in: .newlines))
        #expect(communeToday["dossiers_complete"] == .int(19) && communeToday["as_of"] == json["as_of"])
    }

    @Test func aProvinceSetIsImportedOnceAndReachesTheCommunes() throws {
        let folder = TemporaryDirectory("cli-catalogue")
        let office = ["--db", "huyen.sqlite"]
        let commune = ["--db", "xa.sqlite"]
        try ntm.ok(
            ["init", "--replica", "huyen-tho-xuan", "--district", "tho-xuan", "--name", "Thọ Xuân"] + office, folder)
        try ntm.ok(
            ["init", "--replica", "xa-xuan-hoa-1", "--commune", "xuan-hoa", "--name", "Xuân Hòa"] + commune, folder)
        let imported = try ntm.ok(
            ["catalogue", "import", Self.fixture("thanh-hoa-nang-cao-synthetic.json")] + office, folder)
        #expect(
            imported.stdout.contains(
                "Đã nhập bộ th-nang-cao-2020-synthetic: 15 tiêu chí, 41 chỉ tiêu, 20 ngành thẩm định"))
        let again = try ntm.ok(
            ["catalogue", "import", Self.fixture("thanh-hoa-nang-cao-synthetic.json")] + office, folder)
        #expect(again.stdout.contains("đã có, không thay đổi"))
        // The history names the set in words, without printing the whole file.
        let log = try ntm.ok(["log"] + office, folder).stdout
        #expect(
            log.contains("bộ tiêu chí th-nang-cao-2020-synthetic · nội dung bộ tiêu chí: (mới) → (tệp bộ tiêu chí,"))
        #expect(!log.contains("ntm-catalogue/1"))
        let list = try ntm.ok(["catalogue", "list"] + office, folder).stdout
        #expect(list.contains("qd1980-2016") && list.contains("qd318-2022") && list.contains("qd558-2016"))
        #expect(
            list.contains("th-nang-cao-2020-synthetic") && list.contains("đã nhập")
                && list.contains("tổng hợp để thử nghiệm"))
        try ntm.ok(["bundle", "export", "huyen.ndjson"] + office, folder)
        try ntm.ok(["bundle", "import", "huyen.ndjson"] + commune, folder)
        try ntm.ok(
            ["target", "th-nang-cao-2020-synthetic", "--level", "nâng cao", "--year", "2020"] + commune, folder)
        let targets = try ntm.ok(["target"] + commune, folder).stdout
        #expect(
            targets.contains("NTM — bộ qd1980-2016")
                && targets.contains("NTM nâng cao năm 2020 — bộ th-nang-cao-2020-synthetic"))
        let status = try ntm.ok(["status"] + commune, folder).stdout
        #expect(status.contains("bộ tiêu chí th-nang-cao-2020-synthetic (NTM nâng cao năm 2020)"))
        #expect(status.contains("đã gửi 0/20 ngành"))
        // The first target stays reachable with --set, also when a later set of the same level is added.
        #expect(try ntm.ok(["status", "--set", "qd1980-2016"] + commune, folder).stdout.contains("đã gửi 0/17 ngành"))
        try ntm.ok(["target", "qd318-2022"] + commune, folder)
        #expect(try ntm.ok(["status"] + commune, folder).stdout.contains("bộ tiêu chí th-nang-cao-2020-synthetic"))
        #expect(
            try ntm.ok(["status", "--set", "qd318-2022"] + commune, folder).stdout.contains(
                "bộ tiêu chí qd318-2022 (NTM)")
        )
        #expect(
            try ntm.ok(["status", "--set", "qd1980-2016"] + commune, folder).stdout.contains("bộ tiêu chí qd1980-2016"))
        #expect(try ntm.ok(["target"] + commune, folder).stdout.split(separator: "\n").count == 3)
        // The district works on its own criteria (qd558-2016) when no commune is named.
        try ntm.ok(["assess", "5.3", "dat"] + office, folder)
        #expect(try ntm.ok(["report", "--commune", "tho-xuan"] + office, folder).stdout.contains("chỉ tiêu đạt: 1/11"))
    }

    @Test func criteriaAreSearchedWithOrWithoutDiacritics() throws {
        let folder = TemporaryDirectory("cli-criteria")
        let plain = try ntm.ok(["criteria", "nuoc", "sach"], folder).stdout
        #expect(plain.contains("17.1  Tỷ lệ hộ được sử dụng nước hợp vệ sinh và nước sạch theo quy định"))
        #expect(plain == (try ntm.ok(["criteria", "nước sạch"], folder).stdout))
        let set2022 = try ntm.ok(["criteria", "qd318-2022", "17"], folder).stdout
        #expect(set2022.hasPrefix("qd318-2022") && set2022.contains("17.12") && set2022.contains("[dựng lại]"))
        let english = try ntm.ok(["criteria", "--lang", "en", "health", "insurance"], folder).stdout
        #expect(english.contains("15.1  Health-insurance coverage"))
        let none = try ntm.run(["criteria", "khong co chi tieu nay"], in: folder.path)
        #expect(none.status == 1 && none.stdout.contains("Không tìm thấy chỉ tiêu nào khớp"))
    }
}
