import Crypto
import Foundation
import SyncCore
import TestSupport
import Testing

/// The CLI run as a commune official runs it: the built binary, its output and exit codes.
@Suite struct CLISessionTests {
    let ntm = NTMBinary(user: "Nguyễn Thị Lan", silentOnSuccess: true)

    @Test func aCommuneOfficialRecordsEvidenceOffline() throws {
        let folder = TemporaryDirectory("cli-session")
        let created = try ntm.output(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý"], folder)
        #expect(created.contains("Đã tạo bản sao xa-dan-ly-1 cho xã Dân Lý"))
        #expect(FileManager.default.fileExists(atPath: folder.file("ntm.sqlite")))

        let assessed = try ntm.output(
            ["assess", "17.1", "chua dat", "--value", "82,5", "--deadline", "30/9/2021"], folder)
        #expect(assessed.contains("trạng thái: chưa đạt"))
        #expect(assessed.contains("giá trị đo: 82,5"))
        #expect(assessed.contains("hạn hoàn thành: 30/09/2021"))
        try ntm.output(
            ["assess", "17.1", "Đạt", "--value", "96.5", "--note", "Theo biên bản kiểm tra"], folder,
            user: "Lê Văn Hùng")
        // NFD input is stored as NFC.
        try ntm.output(["assess", "15.1", "dang-thuc-hien", "--note", "Ba\u{0309}o hie\u{0302}\u{0309}m"], folder)

        try Data("ảnh chụp".utf8).write(to: URL(fileURLWithPath: folder.file("bien-ban.jpg")))
        let added = try ntm.output(
            [
                "evidence", "add", "17.1", "--title", "Biên bản kiểm tra nước sạch", "--kind", "biên bản", "--number",
                "12/BB-UBND",
                "--date", "02/10/2018", "--issuer", "UBND xã Dân Lý", "--file", "bien-ban.jpg",
            ], folder)
        let uid = try #require(
            added.split(separator: " ").first { $0.count == 12 && $0.allSatisfy(\.isHexDigit) }.map(String.init))
        try ntm.output(["evidence", "add", "15.1", "--title", "Danh sách BHYT"], folder)
        let list = try ntm.output(["evidence", "list", "17.1"], folder)
        #expect(list.contains(uid))
        #expect(list.contains("số 12/BB-UBND · ngày 02/10/2018 · UBND xã Dân Lý"))
        #expect(list.contains("bien-ban.jpg (\("ảnh chụp".utf8.count) B"))
        #expect(!list.contains("Danh sách BHYT"))

        try ntm.output(["appraisal", "so xay dung", "--sent", "02/10/2018"], folder)
        try ntm.output(
            ["appraisal", "Sở Nội vụ", "--sent", "2018-10-02", "--inspected", "05/10/2018", "--verdict", "đạt"], folder)
        try ntm.output(["dossier", "17", "--complete", "yes"], folder)
        try ntm.output(["dossier", "general", "--complete", "không"], folder)

        let status = try ntm.output(["status"], folder)
        #expect(status.contains("Xã Dân Lý (dan-ly)"))
        #expect(status.contains("chỉ tiêu đạt: 1/49 (đã đánh giá 2/49)"))
        #expect(status.contains("Tiêu chí đạt: 0/19"))
        #expect(status.contains("Hồ sơ tiêu chí hoàn thiện: 1/19 · hồ sơ chung: còn thiếu"))
        #expect(status.contains("đã gửi 2/17 ngành, 1 ngành đã về kiểm tra, 1 ngành đánh giá đạt"))
        #expect(status.contains("Minh chứng: 2 văn bản"))

        let log = try ntm.output(["log", "17.1"], folder)
        #expect(log.contains("Lê Văn Hùng (xa-dan-ly-1)"))
        #expect(log.contains("trạng thái: chưa đạt → đạt"))
        #expect(log.contains("giá trị đo: 82,5 → 96,5"))
        #expect(log.contains("tên văn bản: (mới) → Biên bản kiểm tra nước sạch"))
        #expect(log.contains("ghi chú: (mới) → Theo biên bản kiểm tra"))

        let removed = try ntm.output(["evidence", "remove", String(uid.prefix(6))], folder)
        #expect(removed.contains(uid))
        #expect(try ntm.output(["evidence", "list", "17.1"], folder).contains("Chưa có minh chứng."))
        #expect(try ntm.output(["log", "17.1"], folder).contains("xóa: (mới) → đã xóa"))

        let english = try ntm.output(["status", "--lang", "en"], folder)
        #expect(english.contains("Criteria met: 0/19 · indicators met: 1/49"))

        let dump = try ntm.output(["dump"], folder)
        #expect(dump.contains("Bảo hiểm"))
        #expect(!dump.unicodeScalars.contains("\u{0309}"), "stored text must be NFC")
        #expect(try ntm.output(["conflicts"], folder).contains("Không có xung đột."))
        let tables = try sqlite3(folder.file("ntm.sqlite"), ".tables")
        for table in ["assessment", "evidence", "appraisal", "dossier", "commune", "oplog"] {
            #expect(tables.contains(table))
        }
        let row = try sqlite3(
            folder.file("ntm.sqlite"), "select indicator, status, value from assessment where indicator = '17.1'")
        #expect(row.trimmingCharacters(in: .whitespacesAndNewlines) == "17.1|dat|96.5")
    }

    @Test func twoLaptopsEditOfflineExchangeBundlesAndSeeTheSameConflict() throws {
        let folder = TemporaryDirectory("cli-two")
        try ntm.output(
            ["init", "--replica", "xa-a", "--commune", "tan-ninh", "--name", "Tân Ninh", "--db", "a.sqlite"], folder)
        try ntm.output(
            ["init", "--replica", "xa-b", "--commune", "tan-ninh", "--name", "Tân Ninh", "--db", "b.sqlite"], folder,
            user: "Hùng")
        try ntm.output(["assess", "19.2", "dat", "--db", "a.sqlite"], folder)
        try ntm.output(["bundle", "export", "a1.ndjson", "--db", "a.sqlite"], folder)
        let imported = try ntm.output(["bundle", "import", "a1.ndjson", "--db", "b.sqlite"], folder, user: "Hùng")
        #expect(imported.contains("3 thao tác, 3 mới, 0 đã có"))
        // Offline, both change 19.2.
        try ntm.output(
            ["assess", "19.2", "chua-dat", "--note", "chờ xác nhận của công an", "--db", "a.sqlite"], folder)
        try ntm.output(["assess", "19.2", "dang-thuc-hien", "--db", "b.sqlite"], folder, user: "Hùng")
        try "\(try ntm.output(["summary", "--db", "b.sqlite"], folder))".write(
            toFile: folder.file("b.summary"), atomically: true, encoding: .utf8)
        let exported = try ntm.output(
            ["bundle", "export", "a2.ndjson", "--since", "b.summary", "--db", "a.sqlite"], folder)
        #expect(exported.contains("Đã ghi 2 thao tác"))
        try ntm.output(["bundle", "export", "b2.ndjson", "--db", "b.sqlite"], folder, user: "Hùng")
        try ntm.output(["bundle", "import", "a2.ndjson", "--db", "b.sqlite"], folder, user: "Hùng")
        let intoA = try ntm.output(["bundle", "import", "b2.ndjson", "--db", "a.sqlite"], folder)
        #expect(intoA.contains("1 xung đột chưa xử lý"))

        let listA = try ntm.output(["conflicts", "--db", "a.sqlite"], folder)
        let listB = try ntm.output(["conflicts", "--db", "b.sqlite"], folder, user: "Hùng")
        #expect(listA == listB)
        #expect(listA.contains("chỉ tiêu 19.2"))
        #expect(listA.contains("trạng thái: 2 giá trị"))
        #expect(listA.contains("chưa đạt — Nguyễn Thị Lan (xa-a)"))
        #expect(listA.contains("đang thực hiện — Hùng (xa-b)"))
        let json = try JSONParser.parse(try ntm.output(["conflicts", "--json", "--db", "a.sqlite"], folder))
        let first = try #require(json.array?.first)
        #expect(first["indicator"]?.string == "19.2")
        #expect(first["commune"]?.string == "tan-ninh")
        #expect(first["values"]?.array?.count == 2)
        #expect(
            try ntm.output(["dump", "--db", "a.sqlite"], folder)
                == (try ntm.output(["dump", "--db", "b.sqlite"], folder)))

        // Lan decides on her laptop; after the next exchange the conflict is closed on both.
        try ntm.output(
            ["assess", "19.2", "chua-dat", "--note", "đã thống nhất với Hùng", "--db", "a.sqlite"], folder)
        try ntm.output(["bundle", "export", "a3.ndjson", "--db", "a.sqlite"], folder)
        try ntm.output(["bundle", "import", "a3.ndjson", "--db", "b.sqlite"], folder, user: "Hùng")
        #expect(try ntm.output(["conflicts", "--db", "b.sqlite"], folder).contains("Không có xung đột."))
        let log = try ntm.output(["log", "19.2", "--db", "b.sqlite"], folder)
        #expect(log.contains("[giải quyết xung đột]"))
        #expect(
            try ntm.output(["dump", "--db", "a.sqlite"], folder)
                == (try ntm.output(["dump", "--db", "b.sqlite"], folder)))
    }

    @Test func aSecondLaptopWithoutANameDoesNotConflictAndRemovalsCanBeUndone() throws {
        let folder = TemporaryDirectory("cli-restore")
        try ntm.output(
            ["init", "--replica", "xa-a", "--commune", "dan-ly", "--name", "Dân Lý", "--db", "a.sqlite"], folder)
        try ntm.output(["init", "--replica", "xa-b", "--commune", "dan-ly", "--db", "b.sqlite"], folder)
        let added = try ntm.output(["evidence", "add", "17.1", "--title", "Biên bản", "--db", "a.sqlite"], folder)
        let uid = try #require(added.split(separator: " ").first { $0.count == 12 }.map(String.init))
        try ntm.output(["bundle", "export", "a.ndjson", "--db", "a.sqlite"], folder)
        try ntm.output(["bundle", "import", "a.ndjson", "--db", "b.sqlite"], folder)
        try ntm.output(["bundle", "export", "b.ndjson", "--db", "b.sqlite"], folder)
        try ntm.output(["bundle", "import", "b.ndjson", "--db", "a.sqlite"], folder)
        #expect(try ntm.output(["conflicts", "--db", "a.sqlite"], folder).contains("Không có xung đột."))
        #expect(try ntm.output(["commune", "--db", "b.sqlite"], folder).contains("Xã Dân Lý (dan-ly)"))
        // A removes the document; B receives the removal and undoes it; the restore travels back to A.
        try ntm.output(["evidence", "remove", uid, "--db", "a.sqlite"], folder)
        // (This export replaces the earlier a.ndjson.)
        try ntm.output(["bundle", "export", "a.ndjson", "--db", "a.sqlite"], folder)
        try ntm.output(["bundle", "import", "a.ndjson", "--db", "b.sqlite"], folder)
        #expect(try ntm.output(["evidence", "list", "--db", "b.sqlite"], folder).contains("Chưa có minh chứng."))
        // Restoring brings it back everywhere.
        let restored = try ntm.output(["evidence", "restore", String(uid.prefix(6)), "--db", "b.sqlite"], folder)
        #expect(restored.contains(uid))
        #expect(try ntm.output(["evidence", "list", "17.1", "--db", "b.sqlite"], folder).contains(uid))
        try ntm.output(["bundle", "export", "b2.ndjson", "--db", "b.sqlite"], folder)
        try ntm.output(["bundle", "import", "b2.ndjson", "--db", "a.sqlite"], folder)
        #expect(try ntm.output(["evidence", "list", "17.1", "--db", "a.sqlite"], folder).contains(uid))
        #expect(
            try ntm.output(["dump", "--db", "a.sqlite"], folder)
                == (try ntm.output(["dump", "--db", "b.sqlite"], folder)))
    }

    @Test func valuesOfAnUnexpectedTypeFromAnotherReplicaDoNotBreakReading() throws {
        let folder = TemporaryDirectory("cli-types")
        try ntm.output(["init", "--replica", "xa-a", "--commune", "dan-ly", "--db", "a.sqlite"], folder)
        try ntm.output(["bundle", "export", "template.ndjson", "--db", "a.sqlite"], folder)
        let header = try String(contentsOfFile: folder.file("template.ndjson"), encoding: .utf8).split(separator: "\n")[
            0]
        let ops = [
            #"{"type":"op","origin":"la","seq":1,"table":"dossier","row":"dan-ly/qd1980-2016/5","column":"complete","value":"yes","context":{},"author":"x","wall_ms":1}"#,
            #"{"type":"op","origin":"la","seq":2,"table":"evidence","row":"dan-ly/abcdefabcdef","column":"file_size","value":"big","context":{},"author":"x","wall_ms":1}"#,
            #"{"type":"op","origin":"la","seq":3,"table":"evidence","row":"dan-ly/abcdefabcdef","column":"title","value":7,"context":{},"author":"x","wall_ms":1}"#,
            #"{"type":"op","origin":"la","seq":4,"table":"assessment","row":"dan-ly/qd1980-2016/17.1","column":"value","value":"nhiều","context":{},"author":"x","wall_ms":1}"#,
        ]
        let body = ops.map { $0 + "\n" }.joined()
        let digest = sha256Hex(Array(body.utf8))
        let bundle = "\(header)\n\(body){\"type\":\"end\",\"count\":\(ops.count),\"sha256\":\"\(digest)\"}\n"
        try bundle.write(toFile: folder.file("odd.ndjson"), atomically: true, encoding: .utf8)
        try ntm.output(["bundle", "import", "odd.ndjson", "--db", "a.sqlite"], folder)
        for command in [["status"], ["evidence", "list"], ["log"], ["conflicts"], ["dump"]] {
            try ntm.output(command + ["--db", "a.sqlite"], folder)
        }
    }

}

func sha256Hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).hexString }
