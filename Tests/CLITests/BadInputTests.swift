import Foundation
import TestSupport
import Testing

/// Every mistake a person can make ends in one clear line on stderr, a non-zero exit, no stack trace,
/// and nothing already committed lost or changed.
@Suite struct BadInputTests {
    let ntm = NTMBinary()

    /// A replica with a little history, and a bundle from another laptop of the same commune.
    func prepared() throws -> TemporaryDirectory {
        let folder = TemporaryDirectory("cli-bad")
        for arguments in [
            ["init", "--replica", "xa-1", "--commune", "dan-ly"],
            ["assess", "17.1", "dat", "--value", "96"],
            ["init", "--replica", "xa-2", "--commune", "dan-ly", "--db", "other.sqlite"],
            ["assess", "18.1", "dat", "--db", "other.sqlite"],
            ["bundle", "export", "good.ndjson", "--db", "other.sqlite"],
        ] {
            try ntm.ok(arguments, folder)
        }
        let good = try String(contentsOfFile: folder.file("good.ndjson"), encoding: .utf8)
        try String(good.prefix(good.count - 30)).write(
            toFile: folder.file("truncated.ndjson"), atomically: true, encoding: .utf8)
        try good.replacingOccurrences(of: #""value":"dat""#, with: #""value":"chua-dat""#)
            .write(toFile: folder.file("altered.ndjson"), atomically: true, encoding: .utf8)
        try good.replacingOccurrences(of: #""schema":"ntm-2""#, with: #""schema":"ntm-1/qd1980-2016@0123456789abcdef""#)
            .write(toFile: folder.file("other-schema.ndjson"), atomically: true, encoding: .utf8)
        // A province's set file with one mistake each.
        let set = try String(contentsOfFile: Self.fixture("thanh-hoa-nang-cao-synthetic.json"), encoding: .utf8)
        for (name, from, to) in [
            ("duplicate-code.json", #"{"code":"1.2","#, #"{"code":"1.1","#),
            ("orphan-indicator.json", #"{"code":"2.1","#, #"{"code":"21.1","#),
            (
                "empty-name.json",
                #""name_vi":"Quy hoạch chung xây dựng xã được rà soát, điều chỉnh phù hợp và công bố công khai""#,
                #""name_vi":" ""#
            ),
        ] {
            #expect(set.contains(from))
            try set.replacingOccurrences(of: from, with: to).write(
                toFile: folder.file(name), atomically: true, encoding: .utf8)
        }
        return folder
    }

    static let cases: [(arguments: [String], expected: String)] = [
        (
            ["assess", "17.9", "dat"],
            "không có chỉ tiêu 17.9 trong bộ qd1980-2016; các chỉ tiêu của tiêu chí 17 là 17.1, 17.2, 17.3, 17.4, 17.5, 17.6, 17.7, 17.8"
        ),
        (["assess", "17.1", "tốt"], "trạng thái \"tốt\" không hợp lệ"),
        (["assess", "17.1", "dat", "--deadline", "31/02/2021"], "ngày \"31/02/2021\" (--deadline) không hợp lệ"),
        (["assess", "17.1", "dat", "--deadline", "2021-13-01"], "ngày \"2021-13-01\" (--deadline) không hợp lệ"),
        (["assess", "17.1", "dat", "--value", "nhiều"], "giá trị đo \"nhiều\" không phải là số"),
        (["status", "--db", "missing.sqlite"], "không có cơ sở dữ liệu tại missing.sqlite; tạo mới bằng: ntm init"),
        (["init", "--replica", "xa-1", "--commune", "dan-ly"], "đã có cơ sở dữ liệu tại ./ntm.sqlite"),
        (
            ["init", "--replica", "Xã 1", "--commune", "dan-ly", "--db", "new.sqlite"],
            "mã bản sao \"Xã 1\" không hợp lệ"
        ),
        (["init", "--replica", "xa-3", "--commune", "Dân Lý", "--db", "new.sqlite"], "mã xã \"Dân Lý\" không hợp lệ"),
        (
            ["init", "--replica", "xa-3", "--commune", "dan-ly", "--set", "qd999", "--db", "new.sqlite"],
            "không có bộ tiêu chí \"qd999\""
        ),
        (["appraisal", "Sở Ngoại giao", "--sent", "01/01/2020"], "không có sở, ngành \"Sở Ngoại giao\""),
        (["appraisal", "so xay dung", "--verdict", "tạm"], "kết quả \"tạm\" không hợp lệ"),
        (["appraisal", "so xay dung"], "không có gì để ghi"),
        (["dossier", "20", "--complete", "yes"], "không có tiêu chí \"20\""),
        (["dossier", "5", "--complete", "maybe"], "\"maybe\" không hợp lệ; dùng yes hoặc no"),
        (["evidence", "remove", "abcd"], "không có minh chứng \"abcd\""),
        (["evidence", "add", "17.1", "--title", "  "], "tên văn bản (--title) không được để trống"),
        (
            ["evidence", "add", "17.1", "--title", "x", "--file", "no-such-file.pdf"],
            "không đọc được tệp no-such-file.pdf (không có tệp đó; kiểm tra đường dẫn); không ghi gì"
        ),
        (["bundle", "import", "truncated.ndjson"], "gói bị cắt cụt"),
        (["bundle", "import", "altered.ndjson"], "gói đã bị sửa đổi"),
        (
            ["bundle", "import", "other-schema.ndjson"],
            "gói được tạo cho dữ liệu kiểu ntm-1/qd1980-2016@0123456789abcdef"
        ),
        (["bundle", "import", "nowhere.ndjson"], "không đọc được gói nowhere.ndjson: không có tệp đó"),
        (
            ["bundle", "import", "."],
            "không đọc được gói .: không đọc được tệp (đó là một thư mục, hoặc không có quyền đọc)"
        ),
        (["bundle", "export", "no-folder/x.ndjson"], "không ghi được gói vào no-folder/x.ndjson: không tạo được tệp"),
        (
            ["hub", "backup", "no-folder/backup.sqlite"],
            "không mở được tệp cơ sở dữ liệu (thư mục không có hoặc không có quyền)"
        ),
        (["bundle", "export", "x.ndjson", "--since", "{\"a\":1}"], "bản tóm tắt (--since) không hợp lệ"),
        (
            ["assess", "17.1", "dat", "--lang", "en", "--deadline", "32/01/2020"],
            "invalid date \"32/01/2020\" for --deadline"
        ),
        // Issue 3: sets, levels, departments, catalogue files, numbers against targets, reports.
        (["target", "qd999", "--year", "2020"], "không có bộ tiêu chí \"qd999\""),
        (["target", "qd1980-2016", "--level", "siêu cấp"], "không có mức \"siêu cấp\""),
        (["target", "qd318-2022", "--level", "nâng cao"], "bộ qd318-2022 dùng cho mức NTM, không phải NTM nâng cao"),
        (["target", "qd318-2022", "--year", "20x1"], "năm \"20x1\" không hợp lệ"),
        (
            ["deadline", "add", "--title", "Nộp báo cáo", "--due", "30/09/2021", "--department", "Phòng Ngoại vụ"],
            "không có phòng, ban \"Phòng Ngoại vụ\""
        ),
        (
            ["deadline", "add", "--title", "Nộp báo cáo", "--due", "31/02/2021", "--person", "Lan"],
            "ngày \"31/02/2021\" (--due) không hợp lệ"
        ),
        (["deadline", "add", "--title", "Nộp báo cáo", "--due", "30/09/2021"], "cần đúng một người/đơn vị phụ trách"),
        (["deadline", "done", "ffff"], "không có hạn \"ffff\""),
        (
            ["verification", "17", "--result", "dat", "--department", "Phòng Tư pháp"],
            "Phòng Tư pháp không phụ trách tiêu chí 17; phòng phụ trách: "
        ),
        (["verification", "17", "--result", "dat"], "tiêu chí 17 do nhiều phòng thẩm tra; chỉ rõ --department"),
        (["verification", "5", "--result", "tốt"], "kết quả \"tốt\" không hợp lệ"),
        (["verification", "20", "--result", "dat"], "không có tiêu chí \"20\""),
        (["catalogue", "import", "duplicate-code.json"], "tệp bộ tiêu chí không hợp lệ: mã chỉ tiêu 1.1 bị lặp"),
        (
            ["catalogue", "import", "orphan-indicator.json"],
            "chỉ tiêu 21.1 thuộc tiêu chí 21, nhưng bộ không có tiêu chí 21"
        ),
        (["catalogue", "import", "empty-name.json"], "\"indicators[0] (1.1).name_vi\" để trống"),
        (["catalogue", "import", "good.ndjson"], "tệp bộ tiêu chí không hợp lệ: không phải JSON hợp lệ"),
        (["assess", "15.1", "chua-dat", "--value", "101"], "tỷ lệ \"101\" phải nằm trong khoảng 0–100%"),
        (["assess", "15.1", "dat", "--value", "80,5"], "chỉ tiêu 15.1: giá trị 80,5 chưa đạt mục tiêu ≥85%"),
        (["assess", "15.1", "dat", "--value", "ba mươi"], "giá trị đo \"ba mươi\" không phải là số"),
        (["report", "--as-of", "31/02/2021"], "ngày \"31/02/2021\" (--as-of) không hợp lệ"),
        (["report", "--json", "--csv"], "chỉ chọn một trong --json và --csv"),
        (["report", "--within", "nhiều"], "số ngày \"nhiều\" không hợp lệ"),
        (["report", "--district", "--level", "cao nhất"], "không có mức \"cao nhất\""),
        (["report", "--commune", "tho-tho"], "cơ sở dữ liệu không có xã \"tho-tho\"; các xã: dan-ly"),
        (["report", "--set", "qd318-2022"], "xã dan-ly chưa có mục tiêu theo bộ qd318-2022"),
        (["note", "add", "   "], "nội dung ghi chú không được để trống"),
        (["target", "qd558-2016"], "bộ qd558-2016 dùng để đánh giá huyện, không phải xã"),
        (["report", "--level", "ntm"], "--level chỉ dùng với báo cáo huyện (--district)"),
        (["report", "--district", "--commune", "dan-ly"], "--commune không dùng với --district"),
        (["report", "--as-of", "01/01/2099"], "ngày 01/01/2099 (--as-of) chưa tới"),
        (
            ["init", "--replica", "h-1", "--district", "trieu-son", "--set", "qd1980-2016", "--db", "new.sqlite"],
            "--set không dùng khi tạo cơ sở dữ liệu huyện"
        ),
        (
            ["init", "--replica", "xa-3", "--commune", "dan-ly", "--set", "qd558-2016", "--db", "new.sqlite"],
            "bộ qd558-2016 dùng để đánh giá huyện, không phải xã"
        ),
        (["init", "--replica", "h-1", "--db", "new.sqlite"], "cần --commune (cơ sở dữ liệu của xã) hoặc --district"),
        (
            ["init", "--replica", "xa-3", "--commune", "dan-ly", "--code", "15a03", "--db", "new.sqlite"],
            "mã đơn vị hành chính \"15a03\" không hợp lệ"
        ),
    ]

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    @Test(arguments: cases)
    func aMistakeEndsInOneClearLineAndChangesNothing(arguments: [String], expected: String) throws {
        let folder = try prepared()
        let before = try ntm.run(["dump"], in: folder.path).stdout
        let result = try ntm.run(arguments, in: folder.path, environment: ["NTM_USER": "Lan"])
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("ntm: lỗi: ") || result.stderr.hasPrefix("ntm: error: "))
        #expect(result.stderr.contains(expected), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("0x0"))
        #expect(try ntm.run(["dump"], in: folder.path).stdout == before, "the database changed")
    }

    @Test func writingWithoutAnAuthorIsRefused() throws {
        let folder = TemporaryDirectory("cli-author")
        // No --by and no NTM_USER at init: nothing to fall back on later.
        #expect(try ntm.run(["init", "--replica", "xa-1", "--commune", "dan-ly"], in: folder.path).status == 0)
        try? FileManager.default.removeItem(atPath: folder.file("ntm.sqlite"))
        #expect(
            try ntm.run(["init", "--replica", "xa-1", "--commune", "dan-ly", "--by", ""], in: folder.path).status == 0)
        let result = try ntm.run(["assess", "17.1", "dat"], in: folder.path)
        #expect(result.status == 1)
        #expect(
            result.stderr == "ntm: lỗi: cần tên người ghi: thêm --by \"Họ Tên\" hoặc đặt biến môi trường NTM_USER\n")
        // The name given at init is used when nothing else is.
        let named = TemporaryDirectory("cli-author2")
        _ = try ntm.run(["init", "--replica", "xa-1", "--commune", "dan-ly", "--by", "Trần Thị Mai"], in: named.path)
        #expect(try ntm.run(["assess", "17.1", "dat"], in: named.path).status == 0)
        #expect(try ntm.run(["log", "17.1"], in: named.path).stdout.contains("Trần Thị Mai (xa-1)"))
    }

    @Test func aDatabaseFromANewerNtmIsRefusedAndLeftAlone() throws {
        let folder = try prepared()
        let update = Process()
        update.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        update.arguments = [folder.file("ntm.sqlite"), "UPDATE meta SET value = '2' WHERE key = 'format'"]
        try update.run()
        update.waitUntilExit()
        let result = try ntm.run(["status"], in: folder.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("do phiên bản ntm mới hơn tạo (định dạng 2); bản này chỉ đọc được định dạng 1"))
        let english = try ntm.run(["status", "--lang", "en"], in: folder.path)
        #expect(english.stderr.contains("written by a newer ntm (format 2)"))
    }

    @Test func usageErrorsExitNonZero() throws {
        let folder = TemporaryDirectory("cli-usage")
        let result = try ntm.run(["assess"], in: folder.path)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("ntm: lỗi: thiếu đối số <code>"), "\(result.stderr)")
        #expect(try ntm.run(["frobnicate"], in: folder.path).status == 64)
        #expect(try ntm.run(["--help"], in: folder.path).status == 0)
    }
}
