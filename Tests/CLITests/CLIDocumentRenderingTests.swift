import Foundation
import SyncCore
import TestSupport
import Testing

/// The report documents as people open them, from the built binary: the Word document converted to PDF
/// by LibreOffice and read back with pdftotext, and the dashboard page loaded in headless Chromium with
/// JavaScript off, each held against the `--json` output of the same run. (CI sets
/// `NTM_REQUIRE_RENDERERS=1`: a missing LibreOffice, poppler or Chromium fails these tests there.)
@Suite struct CLIDocumentRenderingTests {
    let ntm = NTMBinary()

    /// A district office's database holding three communes' work: Thọ Thế meets the standard (every
    /// indicator of its set assessed "đạt"), Dân Lý has started and sent its dossier to two sectors (one
    /// inspected and passed), Tân Ninh has an overdue deadline.
    func district(_ folder: TemporaryDirectory) throws {
        let communes = [("tho-the", "Thọ Thế"), ("dan-ly", "Dân Lý"), ("tan-ninh", "Tân Ninh")]
        for (slug, name) in communes {
            try ntm.ok(
                ["init", "--replica", "xa-\(slug)-1", "--commune", slug, "--name", name, "--district", "trieu-son"]
                    + ["--db", "\(slug).sqlite"], folder)
        }
        let catalogue = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/NTM/Resources/criteria-qd1980-2016.json")
        let set = try JSONSerialization.jsonObject(with: Data(contentsOf: catalogue)) as! [String: Any]
        for indicator in set["indicators"] as! [[String: Any]] {
            try ntm.ok(["assess", indicator["code"] as! String, "dat", "--db", "tho-the.sqlite"], folder)
        }
        try ntm.ok(["assess", "17.1", "dat", "--value", "96,5", "--db", "dan-ly.sqlite"], folder)
        try ntm.ok(["appraisal", "so xay dung", "--sent", CLIReportTests.day(-20), "--db", "dan-ly.sqlite"], folder)
        try ntm.ok(
            [
                "appraisal", "cong an", "--sent", CLIReportTests.day(-20), "--inspected", CLIReportTests.day(-5),
                "--verdict", "dat", "--document", "12/CAT-PV05", "--db", "dan-ly.sqlite",
            ], folder)
        try ntm.ok(
            [
                "deadline", "add", "--title", "Nộp báo cáo đường giao thông", "--due", CLIReportTests.day(-3),
                "--department", "Phòng Kinh tế và Hạ tầng", "--db", "tan-ninh.sqlite",
            ], folder)
        try ntm.ok(
            ["init", "--replica", "huyen-1", "--district", "trieu-son", "--name", "Triệu Sơn", "--db", "huyen.sqlite"],
            folder)
        for (slug, _) in communes {
            try ntm.ok(["bundle", "export", "\(slug).ndjson", "--db", "\(slug).sqlite"], folder)
            try ntm.ok(["bundle", "import", "\(slug).ndjson", "--db", "huyen.sqlite"], folder)
        }
        try ntm.ok(["settings", "set", "signer", "Lê Văn Hùng", "--db", "huyen.sqlite"], folder)
        try ntm.ok(
            [
                "settings", "set", "recipients", "UBND tỉnh Thanh Hóa (b/c);Các xã trong huyện;Lưu: VT", "--db",
                "huyen.sqlite",
            ],
            folder)
    }

    /// The district's report made once: the JSON printed, the document and the page written.
    func report(_ folder: TemporaryDirectory) throws -> [String: Any] {
        let json = try ntm.output(
            [
                "report", "--json", "--docx", "bao-cao.docx", "--html", "tong-quan.html", "--number", "125", "--db",
                "huyen.sqlite",
            ], folder)
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    }

    @Test(.enabled(if: OfficeTools.shouldRun)) func theWordDocumentOpensInLibreOfficeAndSaysEveryFigure() throws {
        let folder = TemporaryDirectory("cli-docx")
        try district(folder)
        let report = try report(folder)
        let pdf = try OfficeTools.pdf(of: folder.file("bao-cao.docx"), in: folder.path)
        let text = try OfficeTools.text(ofPDF: pdf, layout: false)
        // Spaces do not count: LibreOffice spreads a justified line's letters, and pdftotext reads some
        // of those gaps as spaces inside words.
        let flat = text.filter { !$0.isWhitespace }
        func has(_ phrase: String) -> Bool { flat.contains(phrase.filter { !$0.isWhitespace }) }
        for phrase in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND HUYỆN TRIỆU SƠN", "BÁO CÁO",
            "Số: 125/BC-VPĐP", "Triệu Sơn, ngày", "Nơi nhận:", "UBND tỉnh Thanh Hóa (b/c)", "Lưu: VT",
            "CHÁNH VĂN PHÒNG",
            "Lê Văn Hùng", "Nộp báo cáo đường giao thông",
        ] {
            #expect(has(phrase), "\(phrase) in the PDF: \(text.prefix(3000))")
        }
        let meeting = report["communes_meeting"] as! Int
        let total = report["communes_total"] as! Int
        #expect(meeting == 1 && total == 3)
        #expect(has("\(meeting)/\(total)"), "communes meeting the standard")
        for commune in report["communes"] as! [[String: Any]] {
            let name = commune["name"] as! String
            #expect(has(name))
            let criteria = "\(commune["criteria_met"] as! Int)/\(commune["criteria_total"] as! Int)"
            let indicators = "\(commune["indicators_met"] as! Int)/\(commune["indicators_total"] as! Int)"
            #expect(has(criteria) && has(indicators), "\(name): \(criteria), \(indicators)")
        }
        let firstPage = try OfficeTools.firstPagePNG(ofPDF: pdf)
        #expect(FileManager.default.fileExists(atPath: firstPage))
    }

    @Test(.enabled(if: HeadlessBrowser.find() != nil || HeadlessBrowser.required))
    func theDashboardPageShowsInABrowserWithoutJavaScriptTheFiguresOfTheJSON() throws {
        let folder = TemporaryDirectory("cli-page")
        try district(folder)
        let report = try report(folder)
        let browser = try #require(HeadlessBrowser.find(), "chromium is required (NTM_REQUIRE_RENDERERS=1)")
        let dom = try browser.dumpDOM(file: folder.file("tong-quan.html"), javascript: false)
        #expect(!dom.contains("<script"))
        /// The number in the first element marked `data-figure="name"` after `start` in the DOM.
        func figure(_ name: String, after start: String? = nil) -> Int? {
            var rest = Substring(dom)
            if let start {
                guard let range = dom.range(of: start) else { return nil }
                rest = dom[range.upperBound...]
            }
            guard let marker = rest.range(of: "data-figure=\"\(name)\"") else { return nil }
            let after = rest[marker.upperBound...].drop { $0 != ">" }.dropFirst()
            return Int(after.prefix { $0.isNumber })
        }
        #expect(figure("communes-meeting") == report["communes_meeting"] as? Int)
        #expect(figure("communes-total") == report["communes_total"] as? Int)
        for commune in report["communes"] as! [[String: Any]] {
            let row = "data-commune=\"\(commune["commune"] as! String)\""
            for (name, key) in [
                ("criteria-met", "criteria_met"), ("indicators-met", "indicators_met"),
                ("sectors-sent", "sectors_sent"),
                ("sectors-inspected", "sectors_inspected"), ("sectors-passed", "sectors_passed"),
            ] {
                #expect(figure(name, after: row) == commune[key] as? Int, "\(row) \(name)")
            }
            #expect(figure("overdue", after: row) == (commune["overdue"] as? [Any])?.count, "\(row) overdue")
        }
        let screenshot = folder.file("tong-quan.png")
        try browser.screenshot(file: folder.file("tong-quan.html"), to: screenshot, width: 1280, height: 1400)
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)
    }
}
