import Foundation
import SyncCore
import TestSupport
import Testing

/// Evidence files travel with `ntm sync`, through the real binary at both ends (the hub over a child's
/// stdin/stdout, as over ssh): a district officer can open every scan a commune attached.
@Suite struct CLIFileSyncTests {
    let ntm = NTMBinary()

    func randomFile(_ name: String, _ count: Int, seed: UInt64, in folder: TemporaryDirectory) throws -> Data {
        var random = SeededRandom(seed: seed)
        let data = Data((0..<count).map { _ in UInt8(truncatingIfNeeded: random.next() >> 7) })
        try data.write(to: URL(fileURLWithPath: folder.file(name)))
        return data
    }

    func exported(_ id: String, db: String, _ extra: [String] = [], in folder: TemporaryDirectory) throws -> Data {
        let out = folder.file("out-\(db)-\(id)")
        try ntm.ok(["evidence", "export", id, "--out", out, "--db", db] + extra, folder)
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    func ids(_ db: String, in folder: TemporaryDirectory) throws -> [String: String] {
        let json = try JSONParser.parse(ntm.output(["evidence", "list", "--json", "--db", db], folder))
        var ids: [String: String] = [:]
        for item in json.array?.compactMap(\.object) ?? [] {
            if let name = item["file_name"]?.string, let id = item["id"]?.string { ids[name] = id }
        }
        return ids
    }

    func state(_ db: String, _ name: String, in folder: TemporaryDirectory) throws -> String? {
        let json = try JSONParser.parse(ntm.output(["evidence", "list", "--json", "--db", db], folder))
        return json.array?.compactMap(\.object).first { $0["file_name"]?.string == name }?["file_state"]?.string
    }

    @Test func scansTravelToTheDistrictAndTheCommunesOtherLaptopButNeverToAnotherCommune() throws {
        let folder = TemporaryDirectory("cli-files")
        let via = ["--via", "\(ntm.path) hub stdio --db hub.sqlite"]
        try ntm.district(
            folder,
            laptops: [
                ("xa-dan-ly-1", "dan-ly", "one.sqlite"), ("xa-dan-ly-2", "dan-ly", "two.sqlite"),
                ("xa-tan-ninh-1", "tan-ninh", "tan-ninh.sqlite"),
            ])
        let files = [
            ("bien-ban.pdf", try randomFile("bien-ban.pdf", 5_000_000, seed: 1, in: folder)),
            ("anh-cong-trinh.jpg", try randomFile("anh-cong-trinh.jpg", 700_000, seed: 2, in: folder)),
            ("bang-tinh.xlsx", try randomFile("bang-tinh.xlsx", 40_000, seed: 3, in: folder)),
        ]
        for (name, _) in files {
            try ntm.ok(
                ["evidence", "add", "17.1", "--title", "Hồ sơ \(name)", "--file", name, "--db", "one.sqlite"], folder)
        }
        #expect(try ntm.output(["status", "--db", "one.sqlite"], folder).contains("3 chưa gửi huyện"))
        let up = try ntm.ok(["sync", "--db", "one.sqlite"] + via, folder).stdout
        #expect(up.contains("tệp: gửi 3 tệp (5,7 MB)"), "\(up)")
        #expect(try ntm.output(["status", "--db", "one.sqlite"], folder).contains("0 chưa gửi huyện"))
        let down = try ntm.ok(["sync", "--db", "two.sqlite"] + via, folder).stdout
        #expect(down.contains("tệp: nhận 3 tệp (5,7 MB)"), "\(down)")
        let elsewhere = try ntm.ok(["sync", "--db", "tan-ninh.sqlite"] + via, folder).stdout
        #expect(!elsewhere.contains("tệp"), "\(elsewhere)")
        #expect(try ntm.output(["evidence", "list", "--json", "--db", "tan-ninh.sqlite"], folder) == "[]\n")
        let one = try ids("one.sqlite", in: folder)
        for (name, content) in files {
            let id = try #require(one[name])
            #expect(try exported(id, db: "two.sqlite", in: folder) == content)
            #expect(try exported(id, db: "hub.sqlite", ["--commune", "dan-ly"], in: folder) == content)
            #expect(try state("two.sqlite", name, in: folder) == "present")
        }
        // A second night moves no file again.
        let again = try ntm.ok(["sync", "--db", "two.sqlite"] + via, folder).stdout
        #expect(!again.contains("tệp:"), "\(again)")
    }

    @Test func theDistrictsLimitAndItsFullDiskRefuseAFileBeforeAnyByteMovesAndLoseNothing() throws {
        let folder = TemporaryDirectory("cli-files-limit")
        let via = ["--via", "\(ntm.path) hub stdio --db hub.sqlite"]
        try ntm.district(folder, laptops: [("xa-dan-ly-1", "dan-ly", "x.sqlite")])
        #expect(
            try ntm.output(["hub", "file-limit", "1", "--db", "hub.sqlite"], folder)
                == "Máy chủ nhận tệp minh chứng tới 1 MiB (1,0 MB) mỗi tệp; áp dụng từ lần gửi tệp sau, không cần khởi động lại\n"
        )
        let wrong = try ntm.run(["hub", "file-limit", "0", "--db", "hub.sqlite"], in: folder.path)
        #expect(wrong.status == 64 && wrong.stderr.contains("giới hạn phải từ 1 đến 2048 MiB"), "\(wrong.stderr)")
        let content = try randomFile("so-do.tif", 2_000_000, seed: 4, in: folder)
        try ntm.ok(["evidence", "add", "17.1", "--title", "Sơ đồ", "--file", "so-do.tif", "--db", "x.sqlite"], folder)
        let refused = try ntm.ok(["sync", "--db", "x.sqlite"] + via, folder).stdout
        #expect(refused.contains("1 tệp bị từ chối"), "\(refused)")
        #expect(try state("x.sqlite", "so-do.tif", in: folder) == "refused")
        #expect(
            try ntm.output(["evidence", "list", "--db", "x.sqlite"], folder).contains(
                "bị từ chối: tệp lớn hơn mức huyện cho phép"))
        // Not a byte of it reached the hub; the row did, and the laptop still holds the file.
        let id = try #require(try ids("x.sqlite", in: folder)["so-do.tif"])
        let notThere = try ntm.run(
            ["evidence", "export", id, "--out", "o.tif", "--commune", "dan-ly", "--db", "hub.sqlite"], in: folder.path)
        #expect(notThere.status != 0 && notThere.stderr.split(separator: "\n").count == 1, "\(notThere.stderr)")
        #expect(try exported(id, db: "x.sqlite", in: folder) == content)
        // A hub whose disk would fall under its floor declines too, with its own reason.
        try ntm.ok(["hub", "file-limit", "5", "--db", "hub.sqlite"], folder)
        let full = try ntm.ok(
            [
                "sync", "--db", "x.sqlite", "--via",
                "env NTM_FREE_SPACE_FLOOR_MB=99999999 \(ntm.path) hub stdio --db hub.sqlite",
            ],
            folder
        ).stdout
        #expect(full.contains("1 tệp bị từ chối"), "\(full)")
        #expect(
            try ntm.output(["evidence", "list", "--db", "x.sqlite"], folder).contains("ổ đĩa máy chủ huyện gần đầy"))
        // The district raised its limit and has room: the next sync delivers the file.
        let delivered = try ntm.ok(["sync", "--db", "x.sqlite"] + via, folder).stdout
        #expect(delivered.contains("tệp: gửi 1 tệp (2,0 MB)"), "\(delivered)")
        #expect(try exported(id, db: "hub.sqlite", ["--commune", "dan-ly"], in: folder) == content)
        #expect(try state("x.sqlite", "so-do.tif", in: folder) == "present")
    }
}
