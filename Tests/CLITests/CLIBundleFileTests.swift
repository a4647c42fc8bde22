import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// An evidence file travels by USB stick: `ntm bundle export` carries its content, `ntm bundle import`
/// on a laptop with no network stores it checked; a cut-off or damaged bundle ends in one line and a
/// non-zero exit, keeping the operations and every verified chunk.
@Suite struct CLIBundleFileTests {
    let ntm = NTMBinary()
    /// A 600,000-byte scan: three chunks.
    static let scan = Data((0..<600_000).map { UInt8(truncatingIfNeeded: ($0 &* 7) ^ ($0 >> 11)) })

    /// Two Dân Lý laptops; the first holds an evidence document with its file. Returns the file's SHA-256.
    func setUp(_ folder: TemporaryDirectory) throws -> String {
        try ntm.ok(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--db", "a.sqlite"], folder)
        try ntm.ok(["init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--db", "b.sqlite"], folder)
        try Self.scan.write(to: URL(fileURLWithPath: folder.file("bien-ban.pdf")))
        try ntm.ok(
            ["evidence", "add", "17.1", "--title", "Biên bản kiểm tra", "--file", "bien-ban.pdf", "--db", "a.sqlite"],
            folder)
        // The content stored in the replica (what `evidence add --file` does once it keeps the content).
        let store = try NTMDatabase.open(at: folder.file("a.sqlite")).store
        let manifest = try store.storeFile(at: folder.file("bien-ban.pdf"))
        #expect(try store.referencedFiles().map(\.sha256) == [manifest.sha256])
        return manifest.sha256
    }

    func content(_ folder: TemporaryDirectory, _ db: String, _ sha: String) throws -> Data {
        let out = folder.file("\(db).out")
        try NTMDatabase.open(at: folder.file(db)).store.exportFile(sha, to: out)
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    @Test func aBundleCarriesTheFileToALaptopWithNoNetwork() throws {
        let folder = TemporaryDirectory("cli-bundle-files")
        let sha = try setUp(folder)
        let export = try ntm.ok(["bundle", "export", "goi.ndjson", "--db", "a.sqlite"], folder)
        #expect(export.stdout.contains(" và 1 tệp (3 phần, 0,6 MB) vào goi.ndjson"), "\(export.stdout)")
        #expect(export.stderr.isEmpty)
        let imported = try ntm.ok(["bundle", "import", "goi.ndjson", "--db", "b.sqlite"], folder)
        #expect(imported.stdout.contains("; 1 tệp: 1 nhận đủ (3 phần mới, 0,6 MB)"), "\(imported.stdout)")
        #expect(try content(folder, "b.sqlite", sha) == Self.scan)
        // Twice: nothing new.
        let again = try ntm.ok(["bundle", "import", "goi.ndjson", "--db", "b.sqlite", "--lang", "en"], folder)
        #expect(again.stdout.contains("; 1 file: 0 received whole (0 new chunks, 0.0 MB), 1 already here"))
        // The second laptop's summary lists the file: a bundle cut against it leaves the file out.
        let summary = try ntm.output(["summary", "--db", "b.sqlite"], folder)
        #expect(summary.contains(#""files":["\#(sha.prefix(16))"]"#), "\(summary)")
        try summary.write(toFile: folder.file("b.summary"), atomically: true, encoding: .utf8)
        let delta = try ntm.ok(
            ["bundle", "export", "delta.ndjson", "--since", "b.summary", "--db", "a.sqlite"], folder)
        #expect(delta.stdout.hasPrefix("Đã ghi 0 thao tác vào delta.ndjson"), "\(delta.stdout)")
        try #"{"origins":{},"files":["A1"]}"#.write(
            toFile: folder.file("bad.summary"), atomically: true, encoding: .utf8)
        let refused = try ntm.refuse(
            ["bundle", "export", "x.ndjson", "--since", "bad.summary"], folder, db: "a.sqlite")
        #expect(refused.contains("\"files\""), "\(refused)")
        let bare = try ntm.ok(
            ["bundle", "export", "bare.ndjson", "--no-files", "--db", "a.sqlite", "--lang", "en"], folder)
        #expect(bare.stdout.hasPrefix("Wrote ") && !bare.stdout.contains("file"), "\(bare.stdout)")
        // A laptop that has the row but not the file cannot carry it: one warning line.
        let onward = try ntm.ok(["bundle", "export", "onward.ndjson", "--no-files", "--db", "a.sqlite"], folder)
        #expect(onward.stderr.isEmpty)
        try ntm.ok(["init", "--replica", "xa-dan-ly-3", "--commune", "dan-ly", "--db", "c.sqlite"], folder)
        try ntm.ok(["bundle", "import", "onward.ndjson", "--db", "c.sqlite"], folder)
        let without = try ntm.ok(["bundle", "export", "from-c.ndjson", "--db", "c.sqlite"], folder)
        #expect(
            without.stderr
                == "ntm: cảnh báo: 1 tệp được tham chiếu không mang theo được vì máy này chưa có đủ nội dung; đồng bộ (ntm sync) hoặc nhập gói có chúng rồi xuất lại\n"
        )
    }

    @Test func aCutOffOrDamagedBundleEndsInOneLineKeepingWhatItVerified() throws {
        let folder = TemporaryDirectory("cli-bundle-files-bad")
        let sha = try setUp(folder)
        try ntm.ok(["bundle", "export", "goi.ndjson", "--db", "a.sqlite"], folder)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.file("goi.ndjson")))
        let newlines = bytes.indices.filter { bytes[$0] == 0x0A }
        // Cut in the middle of the second chunk line (the last four lines: file, three chunks, files-end).
        let secondChunk = newlines[newlines.count - 4]
        try bytes.prefix(secondChunk + 1000).write(to: URL(fileURLWithPath: folder.file("cut.ndjson")))
        try ntm.ok(["init", "--replica", "xa-dan-ly-3", "--commune", "dan-ly", "--db", "c.sqlite"], folder)
        for (db, language) in [("b.sqlite", "vi"), ("c.sqlite", "en")] {
            let cut = try ntm.attempt(["bundle", "import", "cut.ndjson", "--db", db, "--lang", language], folder)
            #expect(cut.status == 1)
            #expect(cut.stdout.hasPrefix(language == "vi" ? "Đã nhập cut.ndjson: " : "Imported cut.ndjson: "))
            #expect(cut.stderr.filter { $0 == "\n" }.count == 1, "\(cut.stderr)")
            #expect(
                cut.stderr.contains(
                    language == "vi"
                        ? "ntm: lỗi: gói bị cắt giữa tệp \(sha.prefix(12))…: đã giữ 1/3 phần (0,3/0,6 MB); xuất lại gói để nhận phần còn lại"
                        : "ntm: error: the bundle is cut off in the middle of the file \(sha.prefix(12))…: kept 1 of 3 chunks (0.3 of 0.6 MB)"
                ), "\(cut.stderr)")
        }
        // The evidence row came in; the whole bundle then completes the file.
        #expect(try ntm.output(["evidence", "list", "17.1", "--db", "b.sqlite"], folder).contains("Biên bản kiểm tra"))
        try ntm.ok(["bundle", "import", "goi.ndjson", "--db", "b.sqlite"], folder)
        #expect(try content(folder, "b.sqlite", sha) == Self.scan)
        // No room on the disk: the file section stops with the disk's message; the operations are in.
        try ntm.ok(["init", "--replica", "xa-dan-ly-4", "--commune", "dan-ly", "--db", "d.sqlite"], folder)
        let full = try ntm.attempt(
            ["bundle", "import", "goi.ndjson", "--db", "d.sqlite"], folder,
            environment: ["NTM_FREE_SPACE_FLOOR_MB": "1000000000"])
        #expect(full.status == 1 && full.stdout.hasPrefix("Đã nhập goi.ndjson: "))
        #expect(
            full.stderr.hasPrefix("ntm: lỗi: ổ đĩa không đủ chỗ")
                && full.stderr.hasSuffix("các phần tệp đã lưu được giữ lại\n"),
            "\(full.stderr)")
        try ntm.ok(["bundle", "import", "goi.ndjson", "--db", "d.sqlite"], folder)
        #expect(try content(folder, "d.sqlite", sha) == Self.scan)
        // A damaged chunk line (not base64): one line naming the line.
        var text = try String(contentsOfFile: folder.file("goi.ndjson"), encoding: .utf8)
        text = text.replacingOccurrences(of: #""index":2,"data":""#, with: #""index":2,"data":"!"#)
        try text.write(toFile: folder.file("bad.ndjson"), atomically: true, encoding: .utf8)
        try ntm.ok(["init", "--replica", "xa-dan-ly-5", "--commune", "dan-ly", "--db", "e.sqlite"], folder)
        let bad = try ntm.attempt(["bundle", "import", "bad.ndjson", "--db", "e.sqlite"], folder)
        #expect(bad.status == 1)
        #expect(
            bad.stderr.hasPrefix("ntm: lỗi: dòng \(newlines.count - 1) của gói không phải dòng tệp hợp lệ: ")
                && bad.stderr.filter { $0 == "\n" }.count == 1, "\(bad.stderr)")
    }
}
