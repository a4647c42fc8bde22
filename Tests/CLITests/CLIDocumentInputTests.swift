import Foundation
import SyncCore
import TestSupport
import Testing

/// What a person can get wrong when asking for a report document (`--docx`, `--html`) and for the
/// settings the document takes (`ntm settings`): each ends in one line, exit 1, and nothing written or
/// half-written.
@Suite struct CLIDocumentInputTests {
    let ntm = NTMBinary()

    /// A district database with one commune's target and work, and a commune's laptop.
    func district(_ folder: TemporaryDirectory) throws {
        try ntm.ok(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--db", "x.sqlite"], folder)
        try ntm.ok(["assess", "17.1", "dat", "--db", "x.sqlite"], folder)
        try ntm.ok(
            ["init", "--replica", "huyen-1", "--district", "trieu-son", "--name", "Triệu Sơn", "--db", "h.sqlite"],
            folder)
        try ntm.ok(["bundle", "export", "x.ndjson", "--db", "x.sqlite"], folder)
        try ntm.ok(["bundle", "import", "x.ndjson", "--db", "h.sqlite"], folder)
    }

    /// The files in the folder, hidden ones too: a refused or failed write leaves no temporary file.
    func files(_ folder: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func anExistingFileIsReplacedOnlyWithForceAndARefusalWritesNothing() throws {
        let folder = TemporaryDirectory("cli-doc-exists")
        try district(folder)
        try Data("hôm qua".utf8).write(to: URL(fileURLWithPath: folder.file("bao-cao.docx")))
        let before = try files(folder)
        // The page is free but the document is not: neither is written.
        let line = try ntm.refuse(
            ["report", "--docx", "bao-cao.docx", "--html", "tong-quan.html"], folder, db: "h.sqlite")
        #expect(line.contains("bao-cao.docx đã có") && line.contains("--force"), "\(line)")
        #expect(try files(folder) == before)
        #expect(try String(contentsOfFile: folder.file("bao-cao.docx"), encoding: .utf8) == "hôm qua")
        let english = try ntm.attempt(["report", "--docx", "bao-cao.docx", "--db", "h.sqlite", "--lang", "en"], folder)
        #expect(english.status == 1 && english.stderr.contains("is there already; choose another name, or add --force"))
        let written = try ntm.output(
            ["report", "--docx", "bao-cao.docx", "--html", "tong-quan.html", "--force", "--db", "h.sqlite"], folder)
        #expect(written.contains("đã ghi văn bản báo cáo (Word): bao-cao.docx"), "\(written)")
        #expect(written.contains("đã ghi trang tổng quan (mở bằng trình duyệt): tong-quan.html"), "\(written)")
        let document = try Data(contentsOf: URL(fileURLWithPath: folder.file("bao-cao.docx")))
        #expect(document.starts(with: [0x50, 0x4B, 0x03, 0x04]), "a ZIP container")
        let page = try String(contentsOfFile: folder.file("tong-quan.html"), encoding: .utf8)
        #expect(page.contains("Dân Lý"))
        #expect(try files(folder) == (before + ["tong-quan.html"]).sorted())
    }

    @Test func aFolderAMissingFolderAndOnePathForBothAreRefusedInOneLine() throws {
        let folder = TemporaryDirectory("cli-doc-paths")
        try district(folder)
        try FileManager.default.createDirectory(atPath: folder.file("bao-cao"), withIntermediateDirectories: false)
        let before = try files(folder)
        let intoFolder = try ntm.refuse(["report", "--docx", "bao-cao"], folder, db: "h.sqlite")
        #expect(intoFolder.contains("không ghi được bao-cao: đó là một thư mục"), "\(intoFolder)")
        let missing = try ntm.refuse(["report", "--html", "khong-co/tong-quan.html"], folder, db: "h.sqlite")
        #expect(missing.contains("không ghi được khong-co/tong-quan.html"), "\(missing)")
        let same = try ntm.refuse(["report", "--docx", "a.out", "--html", "./a.out"], folder, db: "h.sqlite")
        #expect(same.contains("--docx và --html cùng ghi vào a.out"), "\(same)")
        #expect(try files(folder) == before)
    }

    @Test func aReportWithNoCommuneOrAnUnknownCommuneMakesNoDocument() throws {
        let folder = TemporaryDirectory("cli-doc-empty")
        try ntm.ok(
            [
                "hub", "init", "--replica", "huyen-1", "--district", "trieu-son", "--name", "Triệu Sơn", "--db",
                "h.sqlite",
            ], folder)
        let before = try files(folder)
        let empty = try ntm.refuse(["hub", "report", "--docx", "r.docx", "--html", "r.html"], folder, db: "h.sqlite")
        #expect(empty.contains("không có xã nào có mục tiêu"), "\(empty)")
        // The text report still answers, as before: nothing to show yet.
        #expect(try ntm.output(["hub", "report", "--db", "h.sqlite"], folder).contains("0/0"))
        let unknown = try ntm.refuse(["report", "--commune", "dan-ly", "--docx", "r.docx"], folder, db: "h.sqlite")
        #expect(unknown.contains("dan-ly"), "\(unknown)")
        #expect(try files(folder) == before)
    }

    @Test func settingsAreKeptSetAndUnsetByNameAndAnUnknownNameIsRefused() throws {
        let folder = TemporaryDirectory("cli-settings")
        try district(folder)
        let shown = try ntm.output(["settings", "--db", "h.sqlite"], folder)
        #expect(shown.contains("issuer            (mặc định: UBND HUYỆN TRIỆU SƠN)"), "\(shown)")
        #expect(shown.contains("number            (chưa đặt)"), "\(shown)")
        #expect(
            try ntm.output(["settings", "set", "signer", "  Lê Văn Hùng ", "--db", "h.sqlite"], folder)
                .contains("đã đặt signer = Lê Văn Hùng"))
        try ntm.ok(["settings", "set", "recipients", "UBND tỉnh (b/c);Lưu: VT", "--db", "h.sqlite"], folder)
        let json = try ntm.output(["settings", "--json", "--db", "h.sqlite"], folder)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        #expect(object == ["signer": "Lê Văn Hùng", "recipients": "UBND tỉnh (b/c);Lưu: VT"])
        try ntm.ok(["settings", "unset", "signer", "--db", "h.sqlite"], folder)
        #expect(!(try ntm.output(["settings", "--db", "h.sqlite"], folder)).contains("Lê Văn Hùng"))
        let unknown = try ntm.refuse(["settings", "set", "chu-ky", "x"], folder, db: "h.sqlite")
        #expect(unknown.contains("không có mục cài đặt \"chu-ky\"; các mục: issuer, office"), "\(unknown)")
        let blank = try ntm.refuse(["settings", "set", "signer", "  "], folder, db: "h.sqlite")
        #expect(!blank.isEmpty)
        // Settings are the office's own: a bundle carries none of them.
        try ntm.ok(["bundle", "export", "h.ndjson", "--db", "h.sqlite"], folder)
        #expect(!(try String(contentsOfFile: folder.file("h.ndjson"), encoding: .utf8)).contains("UBND tỉnh (b/c)"))
    }

    @Test func withFilesPutsTheEvidenceFilesBesideThePageOnceAndThePageLinksThem() throws {
        let folder = TemporaryDirectory("cli-doc-files")
        try ntm.ok(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--db", "x.sqlite"], folder)
        let scan = Data((0..<5000).map { UInt8($0 % 251) })
        try scan.write(
            to: URL(fileURLWithPath: folder.file("bien ban/12.pdf".replacingOccurrences(of: "/", with: "-"))))
        try ntm.ok(
            [
                "evidence", "add", "17.1", "--title", "Biên bản <kiểm tra>", "--file", "bien ban-12.pdf", "--db",
                "x.sqlite",
            ],
            folder)
        try FileManager.default.createDirectory(atPath: folder.file("sang"), withIntermediateDirectories: false)
        let refused = try ntm.refuse(["report", "--with-files", "--docx", "r.docx"], folder, db: "x.sqlite")
        #expect(refused.contains("--with-files chỉ dùng cùng --html"), "\(refused)")
        try ntm.ok(["report", "--html", "sang/tong-quan.html", "--with-files", "--db", "x.sqlite"], folder)
        let shelf = folder.file("sang/tep-minh-chung/dan-ly")
        let names = try FileManager.default.contentsOfDirectory(atPath: shelf)
        #expect(names.count == 1 && names[0].hasSuffix("-bien ban-12.pdf"), "\(names)")
        #expect(FileManager.default.contents(atPath: "\(shelf)/\(names[0])") == scan)
        let page = try String(contentsOfFile: folder.file("sang/tong-quan.html"), encoding: .utf8)
        let href = "tep-minh-chung/dan-ly/\(names[0])".replacingOccurrences(of: " ", with: "%20")
        #expect(page.contains("href=\"\(href)\""), "the page links the file")
        #expect(page.contains("Biên bản &lt;kiểm tra&gt;"))
        // A second page the next morning does not write the file again.
        let written =
            try FileManager.default.attributesOfItem(atPath: "\(shelf)/\(names[0])")[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 1.1)
        try ntm.ok(["report", "--html", "sang/tong-quan.html", "--with-files", "--force", "--db", "x.sqlite"], folder)
        #expect(
            try FileManager.default.attributesOfItem(atPath: "\(shelf)/\(names[0])")[.modificationDate] as? Date
                == written)
    }

    @Test func aReportAsOfADayPutsNoFilesBesideItsPage() throws {
        let folder = TemporaryDirectory("cli-doc-asof")
        try district(folder)
        let day = CLIReportTests.day(0)
        let refused = try ntm.refuse(
            ["report", "--as-of", day, "--html", "p.html", "--with-files"], folder, db: "h.sqlite")
        #expect(refused.contains("--with-files chỉ dùng cho báo cáo hôm nay"), "\(refused)")
        try ntm.ok(["report", "--as-of", day, "--docx", "r.docx", "--html", "p.html", "--db", "h.sqlite"], folder)
        #expect(!FileManager.default.fileExists(atPath: folder.file("tep-minh-chung")))
    }

    @Test func aCommuneLaptopsSettingsDefaultToItsCommuneAndAnEmptyValueIsRefused() throws {
        let folder = TemporaryDirectory("cli-settings-commune")
        try ntm.ok(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--district", "trieu-son"]
                + ["--db", "x.sqlite"], folder)
        let shown = try ntm.output(["settings", "--db", "x.sqlite"], folder)
        #expect(
            shown.contains("(mặc định: ỦY BAN NHÂN DÂN XÃ DÂN LÝ)") && shown.contains("(mặc định: Dân Lý)"), "\(shown)")
        let empty = try ntm.refuse(["settings", "set", "number", ""], folder, db: "x.sqlite")
        #expect(
            empty.contains("giá trị của number không được để trống; bỏ mục bằng: ntm settings unset number"), "\(empty)"
        )
    }
}
