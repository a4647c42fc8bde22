import Crypto
import Foundation
import SyncCore
import TestSupport
import Testing

/// The CLI run as a commune official runs it: the built binary, its output and exit codes.
@Suite struct CLISessionTests {
    let ntm = NTMBinary()

    func ok(
        _ arguments: [String], _ folder: TemporaryDirectory, user: String = "Nguyễn Thị Lan",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try ntm.run(arguments, in: folder.path, environment: ["NTM_USER": user])
        #expect(
            result.status == 0, "ntm \(arguments.joined(separator: " ")): \(result.stderr)",
            sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, sourceLocation: sourceLocation)
        return result.stdout
    }

    @Test func aCommuneOfficialRecordsEvidenceOffline() throws {
        let folder = TemporaryDirectory("cli-session")
        let created = try ok(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý"], folder)
        #expect(created.contains("Đã tạo bản sao xa-dan-ly-1 cho xã Dân Lý"))
        #expect(FileManager.default.fileExists(atPath: folder.file("ntm.sqlite")))

        let assessed = try ok(["assess", "17.1", "chua dat", "--value", "82,5", "--deadline", "30/9/2021"], folder)
        #expect(assessed.contains("trạng thái: chưa đạt"))
        #expect(assessed.contains("giá trị đo: 82,5"))
        #expect(assessed.contains("hạn hoàn thành: 30/09/2021"))
        _ = try ok(
            ["assess", "17.1", "Đạt", "--value", "96.5", "--note", "Theo biên bản kiểm tra"], folder,
            user: "Lê Văn Hùng")
        // NFD input is stored as NFC.
        _ = try ok(["assess", "15.1", "dang-thuc-hien", "--note", "Ba\u{0309}o hie\u{0302}\u{0309}m"], folder)

        try Data("ảnh chụp".utf8).write(to: URL(fileURLWithPath: folder.file("bien-ban.jpg")))
        let added = try ok(
            [
                "evidence", "add", "17.1", "--title", "Biên bản kiểm tra nước sạch", "--kind", "biên bản", "--number",
                "12/BB-UBND",
                "--date", "02/10/2018", "--issuer", "UBND xã Dân Lý", "--file", "bien-ban.jpg",
            ], folder)
        let uid = try #require(
            added.split(separator: " ").first { $0.count == 12 && $0.allSatisfy(\.isHexDigit) }.map(String.init))
        _ = try ok(["evidence", "add", "15.1", "--title", "Danh sách BHYT"], folder)
        let list = try ok(["evidence", "list", "17.1"], folder)
        #expect(list.contains(uid))
        #expect(list.contains("số 12/BB-UBND · ngày 02/10/2018 · UBND xã Dân Lý"))
        #expect(list.contains("bien-ban.jpg (\("ảnh chụp".utf8.count) B"))
        #expect(!list.contains("Danh sách BHYT"))

        _ = try ok(["appraisal", "so xay dung", "--sent", "02/10/2018"], folder)
        _ = try ok(
            ["appraisal", "Sở Nội vụ", "--sent", "2018-10-02", "--inspected", "05/10/2018", "--verdict", "đạt"], folder)
        _ = try ok(["dossier", "17", "--complete", "yes"], folder)
        _ = try ok(["dossier", "general", "--complete", "không"], folder)

        let status = try ok(["status"], folder)
        #expect(status.contains("Xã Dân Lý (dan-ly)"))
        #expect(status.contains("chỉ tiêu đạt: 1/49 (đã đánh giá 2/49)"))
        #expect(status.contains("Tiêu chí đạt: 0/19"))
        #expect(status.contains("Hồ sơ tiêu chí hoàn thiện: 1/19 · hồ sơ chung: còn thiếu"))
        #expect(status.contains("đã gửi 2/17 ngành, 1 ngành đã về kiểm tra, 1 ngành đánh giá đạt"))
        #expect(status.contains("Minh chứng: 2 văn bản"))

        let log = try ok(["log", "17.1"], folder)
        #expect(log.contains("Lê Văn Hùng (xa-dan-ly-1)"))
        #expect(log.contains("trạng thái: chưa đạt → đạt"))
        #expect(log.contains("giá trị đo: 82,5 → 96,5"))
        #expect(log.contains("tên văn bản: (mới) → Biên bản kiểm tra nước sạch"))
        #expect(log.contains("ghi chú: (mới) → Theo biên bản kiểm tra"))

        let removed = try ok(["evidence", "remove", String(uid.prefix(6))], folder)
        #expect(removed.contains(uid))
        #expect(try ok(["evidence", "list", "17.1"], folder).contains("Chưa có minh chứng."))
        #expect(try ok(["log", "17.1"], folder).contains("xóa: (mới) → đã xóa"))

        let english = try ok(["status", "--lang", "en"], folder)
        #expect(english.contains("Criteria met: 0/19 · indicators met: 1/49"))

        let dump = try ok(["dump"], folder)
        #expect(dump.contains("Bảo hiểm"))
        #expect(!dump.unicodeScalars.contains("\u{0309}"), "stored text must be NFC")
        #expect(try ok(["conflicts"], folder).contains("Không có xung đột."))
        let tables = try sqlite(folder.file("ntm.sqlite"), ".tables")
        for table in ["assessment", "evidence", "appraisal", "dossier", "commune", "oplog"] {
            #expect(tables.contains(table))
        }
        let row = try sqlite(
            folder.file("ntm.sqlite"), "select indicator, status, value from assessment where indicator = '17.1'")
        #expect(row.trimmingCharacters(in: .whitespacesAndNewlines) == "17.1|dat|96.5")
    }

    @Test func twoLaptopsEditOfflineExchangeBundlesAndSeeTheSameConflict() throws {
        let folder = TemporaryDirectory("cli-two")
        _ = try ok(
            ["init", "--replica", "xa-a", "--commune", "tan-ninh", "--name", "Tân Ninh", "--db", "a.sqlite"], folder)
        _ = try ok(
            ["init", "--replica", "xa-b", "--commune", "tan-ninh", "--name", "Tân Ninh", "--db", "b.sqlite"], folder,
            user: "Hùng")
        _ = try ok(["assess", "19.2", "dat", "--db", "a.sqlite"], folder)
        _ = try ok(["bundle", "export", "a1.ndjson", "--db", "a.sqlite"], folder)
        let imported = try ok(["bundle", "import", "a1.ndjson", "--db", "b.sqlite"], folder, user: "Hùng")
        #expect(imported.contains("3 thao tác, 3 mới, 0 đã có"))
        // Offline, both change 19.2.
        _ = try ok(["assess", "19.2", "chua-dat", "--note", "chờ xác nhận của công an", "--db", "a.sqlite"], folder)
        _ = try ok(["assess", "19.2", "dang-thuc-hien", "--db", "b.sqlite"], folder, user: "Hùng")
        try "\(try ok(["summary", "--db", "b.sqlite"], folder))".write(
            toFile: folder.file("b.summary"), atomically: true, encoding: .utf8)
        let exported = try ok(["bundle", "export", "a2.ndjson", "--since", "b.summary", "--db", "a.sqlite"], folder)
        #expect(exported.contains("Đã ghi 2 thao tác"))
        _ = try ok(["bundle", "export", "b2.ndjson", "--db", "b.sqlite"], folder, user: "Hùng")
        _ = try ok(["bundle", "import", "a2.ndjson", "--db", "b.sqlite"], folder, user: "Hùng")
        let intoA = try ok(["bundle", "import", "b2.ndjson", "--db", "a.sqlite"], folder)
        #expect(intoA.contains("1 xung đột chưa xử lý"))

        let listA = try ok(["conflicts", "--db", "a.sqlite"], folder)
        let listB = try ok(["conflicts", "--db", "b.sqlite"], folder, user: "Hùng")
        #expect(listA == listB)
        #expect(listA.contains("chỉ tiêu 19.2"))
        #expect(listA.contains("trạng thái: 2 giá trị"))
        #expect(listA.contains("chưa đạt — Nguyễn Thị Lan (xa-a)"))
        #expect(listA.contains("đang thực hiện — Hùng (xa-b)"))
        let json = try JSONParser.parse(try ok(["conflicts", "--json", "--db", "a.sqlite"], folder))
        let first = try #require(json.array?.first)
        #expect(first["indicator"]?.string == "19.2")
        #expect(first["commune"]?.string == "tan-ninh")
        #expect(first["values"]?.array?.count == 2)
        #expect(try ok(["dump", "--db", "a.sqlite"], folder) == (try ok(["dump", "--db", "b.sqlite"], folder)))

        // Lan decides on her laptop; after the next exchange the conflict is closed on both.
        _ = try ok(["assess", "19.2", "chua-dat", "--note", "đã thống nhất với Hùng", "--db", "a.sqlite"], folder)
        _ = try ok(["bundle", "export", "a3.ndjson", "--db", "a.sqlite"], folder)
        _ = try ok(["bundle", "import", "a3.ndjson", "--db", "b.sqlite"], folder, user: "Hùng")
        #expect(try ok(["conflicts", "--db", "b.sqlite"], folder).contains("Không có xung đột."))
        let log = try ok(["log", "19.2", "--db", "b.sqlite"], folder)
        #expect(log.contains("[giải quyết xung đột]"))
        #expect(try ok(["dump", "--db", "a.sqlite"], folder) == (try ok(["dump", "--db", "b.sqlite"], folder)))
    }

    @Test func aSecondLaptopWithoutANameDoesNotConflictAndRemovalsCanBeUndone() throws {
        let folder = TemporaryDirectory("cli-restore")
        _ = try ok(
            ["init", "--replica", "xa-a", "--commune", "dan-ly", "--name", "Dân Lý", "--db", "a.sqlite"], folder)
        _ = try ok(["init", "--replica", "xa-b", "--commune", "dan-ly", "--db", "b.sqlite"], folder)
        let added = try ok(["evidence", "add", "17.1", "--title", "Biên bản", "--db", "a.sqlite"], folder)
        let uid = try #require(added.split(separator: " ").first { $0.count == 12 }.map(String.init))
        _ = try ok(["bundle", "export", "a.ndjson", "--db", "a.sqlite"], folder)
        _ = try ok(["bundle", "import", "a.ndjson", "--db", "b.sqlite"], folder)
        _ = try ok(["bundle", "export", "b.ndjson", "--db", "b.sqlite"], folder)
        _ = try ok(["bundle", "import", "b.ndjson", "--db", "a.sqlite"], folder)
        #expect(try ok(["conflicts", "--db", "a.sqlite"], folder).contains("Không có xung đột."))
        #expect(try ok(["commune", "--db", "b.sqlite"], folder).contains("Xã Dân Lý (dan-ly)"))
        // A removes the document; B receives the removal and undoes it; the restore travels back to A.
        _ = try ok(["evidence", "remove", uid, "--db", "a.sqlite"], folder)
        _ = try ok(["bundle", "export", "a.ndjson", "--db", "a.sqlite"], folder)  // replaces the earlier a.ndjson
        _ = try ok(["bundle", "import", "a.ndjson", "--db", "b.sqlite"], folder)
        #expect(try ok(["evidence", "list", "--db", "b.sqlite"], folder).contains("Chưa có minh chứng."))
        // Restoring brings it back everywhere.
        let restored = try ok(["evidence", "restore", String(uid.prefix(6)), "--db", "b.sqlite"], folder)
        #expect(restored.contains(uid))
        #expect(try ok(["evidence", "list", "17.1", "--db", "b.sqlite"], folder).contains(uid))
        _ = try ok(["bundle", "export", "b2.ndjson", "--db", "b.sqlite"], folder)
        _ = try ok(["bundle", "import", "b2.ndjson", "--db", "a.sqlite"], folder)
        #expect(try ok(["evidence", "list", "17.1", "--db", "a.sqlite"], folder).contains(uid))
        #expect(try ok(["dump", "--db", "a.sqlite"], folder) == (try ok(["dump", "--db", "b.sqlite"], folder)))
    }

    @Test func valuesOfAnUnexpectedTypeFromAnotherReplicaDoNotBreakReading() throws {
        let folder = TemporaryDirectory("cli-types")
        _ = try ok(["init", "--replica", "xa-a", "--commune", "dan-ly", "--db", "a.sqlite"], folder)
        _ = try ok(["bundle", "export", "template.ndjson", "--db", "a.sqlite"], folder)
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
        _ = try ok(["bundle", "import", "odd.ndjson", "--db", "a.sqlite"], folder)
        for command in [["status"], ["evidence", "list"], ["log"], ["conflicts"], ["dump"]] {
            _ = try ok(command + ["--db", "a.sqlite"], folder)
        }
    }

    func sqlite(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

func sha256Hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).hexString }
