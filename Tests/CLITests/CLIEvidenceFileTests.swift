import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// Evidence files (issue 14) through the built binary: the content kept in the replica, listed with
/// where it stands, written back byte for byte, opened with the desktop's viewer, counted by `ntm
/// status`, checked by `ntm verify`; and every bad input refused in one line with nothing written.
@Suite struct CLIEvidenceFileTests {
    let ntm = NTMBinary(user: "Nguyễn Thị Lan")

    /// A commune database in a fresh folder.
    func commune(_ label: String) throws -> TemporaryDirectory {
        let folder = TemporaryDirectory(label)
        try ntm.ok(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý"], folder)
        return folder
    }

    /// Writes `count` pseudo-random bytes to a file of the folder and returns them.
    @discardableResult
    func randomFile(_ name: String, _ count: Int, seed: UInt64, in folder: TemporaryDirectory) throws -> Data {
        var random = SeededRandom(seed: seed)
        var bytes = [UInt8]()
        bytes.reserveCapacity(count + 8)
        while bytes.count < count { withUnsafeBytes(of: random.next()) { bytes += $0 } }
        let data = Data(bytes.prefix(count))
        try data.write(to: URL(fileURLWithPath: folder.file(name)))
        return data
    }

    /// Adds a document to 17.1 and returns its id.
    @discardableResult
    func add(_ title: String, file: String?, in folder: TemporaryDirectory) throws -> String {
        let added = try ntm.output(
            ["evidence", "add", "17.1", "--title", title] + (file.map { ["--file", $0] } ?? []), folder)
        return try #require(
            added.split(separator: " ").first { $0.count == 12 && $0.allSatisfy(\.isHexDigit) }.map(String.init))
    }

    /// The one document of `evidence list --json` with this id.
    func listed(_ id: String, in folder: TemporaryDirectory, db: String = "ntm.sqlite") throws -> JSONObject? {
        let json = try JSONParser.parse(ntm.output(["evidence", "list", "--json", "--db", db], folder))
        return json.array?.compactMap(\.object).first { $0["id"]?.string == id }
    }

    /// Runs `cmp` on two files: whether they are byte for byte the same.
    func same(_ first: String, _ second: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cmp")
        process.arguments = ["-s", first, second]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test func aFileIsKeptListedAndWrittenBackByteForByte() throws {
        let folder = try commune("cli-evidence-file")
        let content = try randomFile("bien-ban.pdf", 3_000_000, seed: 14, in: folder)
        let id = try add("Biên bản kiểm tra nước sạch", file: "bien-ban.pdf", in: folder)
        // The original may go: the replica holds the content.
        try FileManager.default.moveItem(atPath: folder.file("bien-ban.pdf"), toPath: folder.file("original.pdf"))

        let list = try ntm.output(["evidence", "list"], folder)
        #expect(list.contains("tệp bien-ban.pdf (3,0 MB) · có ở máy này · chưa gửi huyện"), "\(list)")
        let english = try ntm.output(["evidence", "list", "--lang", "en"], folder)
        #expect(english.contains("file bien-ban.pdf (3.0 MB) · here · not yet at the district"), "\(english)")

        let object = try #require(try listed(id, in: folder))
        #expect(object["indicator"]?.string == "17.1")
        #expect(object["title"]?.string == "Biên bản kiểm tra nước sạch")
        #expect(object["file_name"]?.string == "bien-ban.pdf")
        #expect(object["file_size"]?.int == 3_000_000)
        #expect(object["file_sha256"]?.string == FileManifest.digest(content))
        #expect(object["file_state"]?.string == "present")
        #expect(object["file_held"] == .null && object["file_refusal"] == .null)
        #expect(object["at_district"] == .bool(false))

        let exported = try ntm.output(["evidence", "export", String(id.prefix(6)), "--out", "copy.pdf"], folder)
        #expect(exported.contains("Đã xuất tệp bien-ban.pdf của minh chứng \(id) ra copy.pdf"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("copy.pdf"))) == content)
        #expect(try same(folder.file("copy.pdf"), folder.file("original.pdf")))
        // Over an existing file too, and no temporary file is left.
        try ntm.ok(["evidence", "export", id, "--out", "copy.pdf"], folder)
        #expect(try same(folder.file("copy.pdf"), folder.file("original.pdf")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("copy.pdf.ntm-partial")))

        // A document without a file: null file members.
        let plain = try add("Danh sách hộ", file: nil, in: folder)
        let none = try #require(try listed(plain, in: folder))
        #expect(none["file_state"] == .null && none["file_name"] == .null && none["at_district"] == .bool(false))
    }

    @Test func editWithAFileReplacesItAndTheOldContentStays() throws {
        let folder = try commune("cli-evidence-edit-file")
        let old = try randomFile("lan-1.pdf", 600_000, seed: 1, in: folder)
        let new = try randomFile("lan-2.pdf", 400_000, seed: 2, in: folder)
        let id = try add("Biên bản", file: "lan-1.pdf", in: folder)
        let edited = try ntm.output(["evidence", "edit", id, "--file", "lan-2.pdf"], folder)
        #expect(edited.contains("Đã sửa minh chứng \(id)"))

        let object = try #require(try listed(id, in: folder))
        #expect(object["file_name"]?.string == "lan-2.pdf")
        #expect(object["file_sha256"]?.string == FileManifest.digest(new))
        #expect(object["file_size"]?.int == 400_000)
        #expect(object["title"]?.string == "Biên bản")
        try ntm.ok(["evidence", "export", id, "--out", "now.pdf"], folder)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("now.pdf"))) == new)
        #expect(try ntm.output(["log", "17.1"], folder).contains("lan-1.pdf → lan-2.pdf"))

        // The old content stays for the history and past reports, and is not garbage.
        let store = try CommuneReplica.open(at: folder.file("ntm.sqlite")).store
        #expect(try store.fileStatus(FileManifest.digest(old))?.state == .present)
        #expect(try store.collectFileGarbage(olderThan: 0) == 0)
        try store.exportFile(FileManifest.digest(old), to: folder.file("then.pdf"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("then.pdf"))) == old)
    }

    @Test func openRunsTheDesktopsViewerOnACopyUnderItsOwnName() throws {
        let folder = try commune("cli-evidence-open")
        let content = try randomFile("ảnh thôn 3.jpg", 120_000, seed: 3, in: folder)
        let id = try add("Ảnh", file: "ảnh thôn 3.jpg", in: folder)
        let script = folder.file("opener.sh")
        try "#!/bin/sh\nprintf '%s' \"$1\" > \"\(folder.file("opened.txt"))\"\n".write(
            toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)

        let opened = try ntm.ok(["evidence", "open", id], folder, environment: ["NTM_OPEN": script])
        let path = opened.stdout.trimmingCharacters(in: .newlines)
        #expect(try String(contentsOfFile: folder.file("opened.txt"), encoding: .utf8) == path)
        #expect(path.hasSuffix("/ảnh thôn 3.jpg"), "\(path)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)

        // No opener on this computer: said in one line, and the exported file's path printed instead.
        let none = try ntm.ok(["evidence", "open", id], folder, environment: ["NTM_OPEN": "ntm-no-such-opener"])
        #expect(none.stderr.hasPrefix("ntm: cảnh báo: máy này không có chương trình mở tệp (ntm-no-such-opener)"))
        #expect(none.stderr.filter { $0 == "\n" }.count == 1)
        let exported = none.stdout.trimmingCharacters(in: .newlines)
        #expect(try Data(contentsOf: URL(fileURLWithPath: exported)) == content)
        try? FileManager.default.removeItem(atPath: (exported as NSString).deletingLastPathComponent)

        // An opener that fails: an error naming where the file is.
        try "#!/bin/sh\nexit 3\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let failed = try ntm.attempt(
            ["evidence", "open", id, "--lang", "en"], folder, environment: ["NTM_OPEN": script])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("could not open the file (exit status 3); the file was exported to: "))
    }

    @Test func aBadFileIsOneLineAndWritesNothing() throws {
        let folder = try commune("cli-evidence-bad-file")
        try FileManager.default.createDirectory(atPath: folder.file("scans"), withIntermediateDirectories: true)
        try randomFile("locked.pdf", 1_000, seed: 4, in: folder)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: folder.file("locked.pdf"))
        try randomFile("big.pdf", 200_000, seed: 5, in: folder)
        var cases: [([String], String)] = [
            (
                ["--file", "no-such.pdf"],
                "không đọc được tệp no-such.pdf (không có tệp đó; kiểm tra đường dẫn); không ghi gì"
            ),
            (["--file", "scans"], "không đọc được tệp scans (đó là một thư mục, không phải tệp); không ghi gì"),
        ]
        // Root reads any file: the unreadable case only means something for a person.
        if getuid() != 0 {
            cases.append(
                (["--file", "locked.pdf"], "không đọc được tệp locked.pdf (không có quyền đọc); không ghi gì"))
        }
        for (file, message) in cases {
            let line = try ntm.refuse(
                ["evidence", "add", "17.1", "--title", "Biên bản"] + file, folder, db: "ntm.sqlite")
            #expect(line.contains(message), "\(line)")
        }
        #expect(try ntm.output(["evidence", "list"], folder).contains("Chưa có minh chứng."))

        // Not enough room above the free-space floor: refused before anything is stored.
        let full = try ntm.attempt(
            ["evidence", "add", "17.1", "--title", "Biên bản", "--file", "big.pdf"], folder,
            environment: ["NTM_FREE_SPACE_FLOOR_MB": "99999999"])
        #expect(full.status == 1)
        // Twice the file: the write-ahead log holds it once more while it is stored.
        #expect(full.stderr.hasPrefix("ntm: lỗi: ổ đĩa không đủ chỗ: cần 0,4 MB"), "\(full.stderr)")
        #expect(full.stderr.filter { $0 == "\n" }.count == 1)
        #expect(try ntm.output(["evidence", "list"], folder).contains("Chưa có minh chứng."))
        #expect(try sqlite3(folder.file("ntm.sqlite"), "SELECT count(*) FROM file") == "0")

        // Edit keeps the document as it was.
        let id = try add("Biên bản", file: nil, in: folder)
        try ntm.refuse(["evidence", "edit", id, "--file", "scans"], folder, db: "ntm.sqlite")
        let edit = try ntm.attempt(
            ["evidence", "edit", id, "--file", "big.pdf"], folder, environment: ["NTM_FREE_SPACE_FLOOR_MB": "99999999"])
        #expect(edit.status == 1 && edit.stderr.contains("ổ đĩa không đủ chỗ"))
        #expect(try listed(id, in: folder)?["file_name"] == .null)
    }

    @Test func exportAndOpenSayWhyAFileIsNotHere() throws {
        let folder = try commune("cli-evidence-not-here")
        try randomFile("bien-ban.pdf", 8_000_000, seed: 6, in: folder)
        let id = try add("Biên bản", file: "bien-ban.pdf", in: folder)
        let plain = try add("Danh sách", file: nil, in: folder)
        try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: true)

        #expect(
            try ntm.refuse(["evidence", "export", plain, "--out", "x.pdf"], folder).contains(
                "minh chứng \(plain) không có tệp đính kèm"))
        #expect(
            try ntm.refuse(["evidence", "export", "ffff", "--out", "x.pdf"], folder).contains("không có minh chứng"))
        // A folder is not overwritten; a file in no folder cannot be written.
        #expect(
            try ntm.refuse(["evidence", "export", id, "--out", "out"], folder).contains(
                "không ghi được out: đó là một thư mục"))
        #expect(FileManager.default.fileExists(atPath: folder.file("out")))
        #expect(
            try ntm.refuse(["evidence", "export", id, "--out", "no-folder/x.pdf"], folder).contains("không ghi được"))

        // A copy of the database that has the row but not the content, as a laptop before a sync.
        let copy = folder.file("copy.sqlite")
        try ntm.ok(["bundle", "export", "all.ndjson"], folder)
        try ntm.ok(["init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--db", "copy.sqlite"], folder)
        try ntm.ok(["bundle", "import", "all.ndjson", "--db", "copy.sqlite"], folder)
        _ = try sqlite3(copy, "DELETE FROM file_chunk; DELETE FROM file;")
        let sha = try #require(try listed(id, in: folder)?["file_sha256"]?.string)

        #expect(try listed(id, in: folder, db: "copy.sqlite")?["file_state"]?.string == "missing")
        #expect(try ntm.output(["evidence", "list", "--db", "copy.sqlite"], folder).contains("(8,0 MB) · chưa tải về"))
        let missing = try ntm.refuse(["evidence", "export", id, "--out", "x.pdf", "--db", "copy.sqlite"], folder)
        #expect(missing.contains("tệp bien-ban.pdf chưa tải về máy này; đồng bộ (ntm sync)"), "\(missing)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("x.pdf")))
        let open = try ntm.attempt(
            ["evidence", "open", id, "--db", "copy.sqlite"], folder, environment: ["NTM_OPEN": "/bin/true"])
        #expect(open.status == 1 && open.stderr.contains("chưa tải về máy này"))

        // Half received: never shown as present, never exported.
        _ = try sqlite3(
            copy,
            "INSERT INTO file(sha256, size, chunks, held, present, failures, at_hub, updated_ms) VALUES ('\(sha)', 8000000, '', 3200000, 0, 0, 0, 0)"
        )
        let partial = try #require(try listed(id, in: folder, db: "copy.sqlite"))
        #expect(partial["file_state"]?.string == "partial" && partial["file_held"]?.int == 3_200_000)
        #expect(try ntm.output(["evidence", "list", "--db", "copy.sqlite"], folder).contains("đang tải: 3,2/8,0 MB"))
        #expect(
            try ntm.refuse(["evidence", "export", id, "--out", "x.pdf", "--db", "copy.sqlite"], folder).contains(
                "tệp bien-ban.pdf chưa tải về đủ: mới có 3,2/8,0 MB; đồng bộ lại để tải tiếp"))
        let english = try ntm.attempt(
            ["evidence", "export", id, "--out", "x.pdf", "--db", "copy.sqlite", "--lang", "en"], folder)
        #expect(english.stderr.contains("is not here whole yet: 3.2 of 8.0 MB; sync again to fetch the rest"))

        // Refused by the district: the reason, in words.
        _ = try sqlite3(copy, "UPDATE file SET refusal = 'too-large', refusal_detail = 'over the 5 MB limit'")
        let refused = try #require(try listed(id, in: folder, db: "copy.sqlite"))
        #expect(refused["file_state"]?.string == "refused")
        #expect(refused["file_refusal"]?.string == "the file is larger than the district allows (over the 5 MB limit)")
        #expect(
            try ntm.output(["evidence", "list", "--db", "copy.sqlite"], folder).contains(
                "bị từ chối: tệp lớn hơn mức huyện cho phép"))
        #expect(
            try ntm.refuse(["evidence", "export", id, "--out", "x.pdf", "--db", "copy.sqlite"], folder).contains(
                "tệp bien-ban.pdf chưa tải về được: tệp lớn hơn mức huyện cho phép"))
    }

    @Test func theDistrictListsWhereEachCommunesFileStands() throws {
        let folder = try commune("cli-evidence-district-files")
        try ntm.ok(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        try randomFile("bb12.pdf", 150_000, seed: 10, in: folder)
        let id = try add("Biên bản", file: "bb12.pdf", in: folder)
        try ntm.ok(["bundle", "export", "dan-ly.ndjson"], folder)
        try ntm.ok(["bundle", "import", "dan-ly.ndjson", "--commune", "dan-ly", "--db", "hub.sqlite"], folder)
        _ = try sqlite3(folder.file("hub.sqlite"), "DELETE FROM file_chunk; DELETE FROM file;")

        let listed = try ntm.output(["evidence", "list", "--db", "hub.sqlite"], folder)
        #expect(listed.contains("Dân Lý (dan-ly): 1 minh chứng"), "\(listed)")
        #expect(listed.contains("tệp bb12.pdf (0,1 MB) · chưa tải về · chưa gửi huyện"), "\(listed)")
        let json = try JSONParser.parse(ntm.output(["evidence", "list", "--json", "--db", "hub.sqlite"], folder))
        let object = try #require(json.array?.first?.object)
        #expect(object["id"]?.string == id && object["commune"]?.string == "dan-ly")
        #expect(object["file_state"]?.string == "missing" && object["at_district"] == .bool(false))
        #expect(try ntm.output(["evidence", "list", "--json", "--db", "hub.sqlite", "18.1"], folder) == "[]\n")
    }

    @Test func statusCountsFilesHereAndAtTheDistrict() throws {
        let folder = try commune("cli-evidence-status")
        try ntm.ok(["evidence", "add", "17.1", "--title", "Không tệp"], folder)
        #expect(!(try ntm.output(["status"], folder).contains("Tệp minh chứng")))

        try randomFile("a.pdf", 1_000, seed: 7, in: folder)
        try randomFile("b.pdf", 2_000, seed: 8, in: folder)
        let first = try add("A", file: "a.pdf", in: folder)
        try add("B", file: "b.pdf", in: folder)
        try add("A lần nữa", file: "a.pdf", in: folder)  // the same file twice counts once
        #expect(
            try ntm.output(["status"], folder).contains(
                "Tệp minh chứng: 2 có ở máy này, 0 chưa tải về, 2 chưa gửi huyện"))

        let sha = try #require(try listed(first, in: folder)?["file_sha256"]?.string)
        _ = try sqlite3(folder.file("ntm.sqlite"), "UPDATE file SET at_hub = 1 WHERE sha256 = '\(sha)'")
        #expect(try listed(first, in: folder)?["at_district"] == .bool(true))
        #expect(!(try ntm.output(["evidence", "list", "17.1"], folder).contains("a.pdf (1 kB) · có ở máy này · chưa")))
        _ = try sqlite3(
            folder.file("ntm.sqlite"),
            "DELETE FROM file_chunk WHERE sha256 <> '\(sha)'; DELETE FROM file WHERE sha256 <> '\(sha)'")
        #expect(
            try ntm.output(["status"], folder).contains(
                "Tệp minh chứng: 1 có ở máy này, 1 chưa tải về, 1 chưa gửi huyện"))
        #expect(
            try ntm.output(["status", "--lang", "en"], folder).contains(
                "Evidence files: 1 here, 1 not here yet, 1 not yet at the district"))
    }

    @Test func verifyFindsADamagedStoredFile() throws {
        let folder = try commune("cli-evidence-verify")
        try randomFile("bien-ban.pdf", 600_000, seed: 9, in: folder)
        let id = try add("Biên bản", file: "bien-ban.pdf", in: folder)
        #expect(try ntm.attempt(["verify"], folder).status == 0)
        let sha = try #require(try listed(id, in: folder)?["file_sha256"]?.string)

        _ = try sqlite3(folder.file("ntm.sqlite"), "UPDATE file_chunk SET data = zeroblob(length(data)) WHERE idx = 1")
        let result = try ntm.attempt(["verify"], folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("Tệp \(sha) lưu trong cơ sở dữ liệu bị hỏng"), "\(result.stdout)")
        #expect(result.stdout.contains("Cơ sở dữ liệu có 1 lỗi"))
        let english = try ntm.attempt(["verify", "--lang", "en"], folder)
        #expect(english.stdout.contains("the stored file \(sha) is damaged"))
        // Export refuses the damaged content rather than write it.
        let refused = try ntm.refuse(["evidence", "export", id, "--out", "x.pdf"], folder)
        #expect(refused.contains("bị hỏng (không khớp SHA-256)"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("x.pdf")))
    }
}
