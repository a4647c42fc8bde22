import Foundation
import NTM
import SyncCore
import TestSupport
import Testing

/// What the first user met (issue 12): a report never presents a disputed figure as settled, CSV cells
/// cannot become spreadsheet formulas, and verification and evidence are visible where people look.
@Suite struct CLIReportTruthTests {
    let ntm = NTMBinary()

    /// Exchanges bundles both ways between two laptops.
    func exchange(_ a: String, _ b: String, _ folder: TemporaryDirectory) throws {
        try ntm.output(["bundle", "export", "a.ndjson", "--db", a], folder)
        try ntm.output(["bundle", "export", "b.ndjson", "--db", b], folder)
        try ntm.output(["bundle", "import", "b.ndjson", "--db", a], folder)
        try ntm.output(["bundle", "import", "a.ndjson", "--db", b], folder)
    }

    /// Dân Lý's two laptops, which disagree on 17.1 (status and value), on criterion 17's verification
    /// and on criterion 17's dossier.
    func disagreeing(_ folder: TemporaryDirectory) throws {
        let one = ["--db", "one.sqlite"]
        let two = ["--db", "two.sqlite"]
        try ntm.output(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--district", "trieu-son"]
                + one, folder)
        try ntm.output(["init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly"] + two, folder)
        try ntm.output(["assess", "5", "dat"] + one, folder)
        try exchange("one.sqlite", "two.sqlite", folder)
        try ntm.output(["assess", "17.1", "dat", "--value", "96"] + one, folder)
        try ntm.output(["verification", "17", "--result", "dat", "--department", "tai nguyen"] + one, folder)
        try ntm.output(["dossier", "17", "--complete", "yes"] + one, folder)
        try ntm.output(["assess", "17.1", "dang-thuc-hien", "--value", "90"] + two, folder, user: "Hùng")
        try ntm.output(["verification", "17", "--result", "khong-dat", "--department", "tai nguyen"] + two, folder)
        try ntm.output(["dossier", "17", "--complete", "no"] + two, folder)
        try exchange("one.sqlite", "two.sqlite", folder)
    }

    @Test func aReportMarksWhatIsInConflictAndDoesNotCountIt() throws {
        let folder = TemporaryDirectory("cli-report-conflict")
        try disagreeing(folder)
        let one = ["--db", "one.sqlite"]
        let ids = try JSONParser.parse(ntm.output(["conflicts", "--json"] + one, folder)).array?.compactMap {
            $0.object?["id"]?.string
        }
        #expect(ids?.count == 4)

        let report = try ntm.output(["report"] + one, folder)
        // 5 is settled; 17.1 is not, whichever value is displayed.
        #expect(report.contains("chỉ tiêu đạt: 1/49"), "\(report)")
        #expect(report.contains("Đang xung đột (4), không tính là đạt cho đến khi được giải quyết"), "\(report)")
        for id in ids ?? [] { #expect(report.contains("[\(id)]"), "\(id) in \(report)") }
        #expect(report.contains("chỉ tiêu 17.1 · trạng thái"))
        #expect(report.contains("thẩm tra tiêu chí 17 (Phòng Tài nguyên và Môi trường) · kết quả thẩm tra"))
        #expect(
            report.contains("17.1 Tỷ lệ hộ được sử dụng nước hợp vệ sinh và nước sạch theo quy định — đang xung đột"))
        #expect(!report.contains("17.1 Tỷ lệ hộ được sử dụng nước hợp vệ sinh và nước sạch theo quy định — đạt"))
        #expect(report.contains("hồ sơ đang xung đột"))
        #expect(report.contains("Hồ sơ: 0/19 tiêu chí"))
        #expect(report.contains("Thẩm tra của huyện: 0/19 tiêu chí đạt"))

        let english = try ntm.output(["report", "--lang", "en"] + one, folder)
        #expect(english.contains("In conflict (4), not counted as met until resolved (see: ntm conflicts):"))
        #expect(english.contains("— in conflict"))

        let json = try JSONParser.parse(ntm.output(["report", "--json"] + one, folder)).object ?? [:]
        let listed = json["conflicts"]?.array?.compactMap(\.object) ?? []
        #expect(Set(listed.compactMap { $0["id"]?.string }) == Set(ids ?? []))
        #expect(listed.contains { $0["indicator"]?.string == "17.1" && $0["field"]?.string == "status" })
        #expect(listed.contains { $0["indicator"]?.string == "17.1" && $0["field"]?.string == "value" })
        #expect(json["indicators_met"]?.int == 1)
        let missing = json["missing"]?.array?.compactMap(\.object).first { $0["indicator"]?.string == "17.1" }
        #expect(missing?["in_conflict"] == .bool(true))
        #expect(missing?["status"] == .null && missing?["value"] == .null, "neither side shown as settled")

        let district = try ntm.output(["report", "--district"] + one, folder)
        let header = district.split(separator: "\n").first { $0.contains("Bộ tiêu chí") }.map(String.init) ?? ""
        #expect(header.contains("Thẩm tra") && header.contains("Xung đột"), "\(district)")
        let row = district.split(separator: "\n").first { $0.hasPrefix("Dân Lý") }.map(String.init) ?? ""
        #expect(row.hasSuffix(" 4"), "\(row)")
        #expect(district.contains("— Dân Lý (đang xung đột)"), "\(district)")
        let districtJSON = try JSONParser.parse(ntm.output(["report", "--district", "--json"] + one, folder)).object
        let commune = districtJSON?["communes"]?.array?.first?.object
        #expect(commune?["conflicts"]?.array?.count == 4)

        let csv = try ntm.output(["report", "--csv"] + one, folder)
        #expect(csv.contains("Đang xung đột"))
        let line17 = csv.split(separator: "\r\n").first { $0.hasPrefix("17,") }.map(String.init) ?? ""
        for id in ids ?? [] { #expect(line17.contains(id), "\(id) in \(line17)") }

        // Once resolved, the figure counts again.
        try ntm.output(["conflicts", "resolve", "--all", "--prefer", "author=Lan", "--yes"] + one, folder)
        let settled = try ntm.output(["report"] + one, folder)
        #expect(settled.contains("chỉ tiêu đạt: 2/49"), "\(settled)")
        #expect(!settled.contains("Đang xung đột"))
    }

    @Test func csvCellsCannotBecomeFormulas() throws {
        let folder = TemporaryDirectory("cli-report-csv")
        let db = ["--db", "x.sqlite"]
        try ntm.output(
            [
                "init", "--replica", "xa-x-1", "--commune", "xa-x", "--name", "=HYPERLINK(\"http://x\")", "--district",
                "d",
            ]
                + db, folder)
        let district = try ntm.output(["report", "--district", "--csv"] + db, folder)
        #expect(district.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "\(district)")
        #expect(!district.contains(",=HYPERLINK"))
        #expect(!district.contains(",\"=HYPERLINK"))
        // A number stays a number.
        #expect(ReportRendering.neutralised("-3") == "-3")
        #expect(ReportRendering.neutralised("-3,5") == "-3,5")
        #expect(ReportRendering.neutralised("+84") == "+84")
        #expect(ReportRendering.neutralised("-Thôn 3") == "'-Thôn 3")
        #expect(ReportRendering.neutralised("@SUM(A1)") == "'@SUM(A1)")
        #expect(ReportRendering.neutralised("+") == "'+")
    }

    @Test func verificationWithoutAResultSaysWhoVerifiedAndWhoOwesIt() throws {
        let folder = TemporaryDirectory("cli-verification-show")
        let db = ["--db", "x.sqlite"]
        try ntm.output(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý"] + db, folder)
        // Criterion 17 is owned by several departments.
        let before = try ntm.output(["verification", "17"] + db, folder)
        #expect(before.contains("Thẩm tra tiêu chí 17"), "\(before)")
        #expect(before.contains("chưa phòng nào thẩm tra"))
        #expect(before.contains("Còn chờ: ") && before.contains("Phòng Tài nguyên và Môi trường"))
        try ntm.output(
            [
                "verification", "17", "--result", "dat", "--department", "tai nguyen", "--date", "25/10/2018",
                "--document", "12/TT-TNMT",
            ] + db, folder)
        let after = try ntm.output(["verification", "17"] + db, folder)
        #expect(
            after.contains("  Phòng Tài nguyên và Môi trường: đạt, ngày 25/10/2018, văn bản 12/TT-TNMT"), "\(after)")
        #expect(!after.contains("Còn chờ: Phòng Tài nguyên và Môi trường"))
        #expect(!(after.split(separator: "\n").last ?? "").contains("Phòng Tài nguyên và Môi trường"))
        let english = try ntm.output(["verification", "17", "--lang", "en"] + db, folder)
        #expect(english.contains("Phòng Tài nguyên và Môi trường: met, on 25/10/2018, document 12/TT-TNMT"))
        // Options that only make sense with a result are refused without one.
        #expect(
            try ntm.refuse(["verification", "17", "--date", "25/10/2018"], folder, db: "x.sqlite").contains("--result"))

        // The commune report names the departments still owed; the district table counts verified criteria.
        try ntm.output(["verification", "1", "--result", "dat"] + db, folder)
        let report = try ntm.output(["report"] + db, folder)
        #expect(report.contains("Phòng còn phải thẩm tra:"), "\(report)")
        #expect(report.contains("Thẩm tra của huyện: 1/19 tiêu chí đạt"))
        let owed = report.split(separator: "\n").filter { $0.hasPrefix("  Phòng Kinh tế và Hạ tầng: tiêu chí ") }
        #expect(owed.count == 1 && !owed[0].contains(" 1,") && owed[0].contains("2"), "\(owed)")
        let district = try ntm.output(["report", "--district"] + db, folder)
        let row = district.split(separator: "\n").first { $0.hasPrefix("Dân Lý") }.map(String.init) ?? ""
        #expect(row.contains("1/19"), "\(district)")
        let json = try JSONParser.parse(ntm.output(["report", "--json"] + db, folder)).object
        let seventeen = json?["criteria"]?.array?.compactMap(\.object).first { $0["criterion"]?.int == 17 }
        #expect(seventeen?["verifications"]?.array?.first?.object?["document"]?.string == "12/TT-TNMT")
        #expect(seventeen?["verification_owed"]?.array?.isEmpty == false)
    }

    @Test func theDistrictSeesEveryCommunesEvidence() throws {
        let folder = TemporaryDirectory("cli-evidence-district")
        try "biên bản".write(toFile: folder.path + "/bb12.pdf", atomically: true, encoding: .utf8)
        try ntm.output(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        for (slug, name) in [("dan-ly", "Dân Lý"), ("tan-ninh", "Tân Ninh")] {
            let db = ["--db", "\(slug).sqlite"]
            try ntm.output(
                ["init", "--replica", "xa-\(slug)-1", "--commune", slug, "--name", name, "--district", "trieu-son"]
                    + db, folder)
            try ntm.output(
                ["evidence", "add", "17.1", "--title", "Biên bản \(name)", "--file", "bb12.pdf"] + db, folder)
            try ntm.output(["bundle", "export", "\(slug).ndjson"] + db, folder)
            try ntm.output(["bundle", "import", "\(slug).ndjson", "--commune", slug, "--db", "hub.sqlite"], folder)
        }
        let listed = try ntm.output(["evidence", "list", "--db", "hub.sqlite"], folder)
        #expect(listed.contains("Dân Lý (dan-ly): 1 minh chứng"), "\(listed)")
        #expect(listed.contains("Tân Ninh (tan-ninh): 1 minh chứng"))
        #expect(listed.contains("Biên bản Dân Lý") && listed.contains("Biên bản Tân Ninh"))
        #expect(listed.contains("2 minh chứng của 2 xã"))
        #expect(!listed.contains("Chưa có minh chứng."))
        #expect(
            try ntm.output(["evidence", "list", "17.1", "--db", "hub.sqlite"], folder).contains("2 minh chứng của 2 xã")
        )
        #expect(
            try ntm.output(["evidence", "list", "--commune", "tan-ninh", "--db", "hub.sqlite"], folder).contains(
                "Biên bản Tân Ninh"))

        // Counts in the reports: per commune at the district, per criterion in the commune's report.
        let district = try ntm.output(["hub", "report", "--db", "hub.sqlite"], folder)
        #expect(district.contains("Minh chứng"), "\(district)")
        let report = try ntm.output(["report", "--db", "dan-ly.sqlite"], folder)
        #expect(report.contains("Minh chứng: 1 văn bản (tiêu chí 17: 1)"), "\(report)")

        // The same file on the same indicator again: added, with one warning line.
        let again = try ntm.run(
            ["evidence", "add", "17.1", "--title", "Biên bản (lần 2)", "--file", "bb12.pdf", "--db", "dan-ly.sqlite"],
            in: folder.path, environment: ["NTM_USER": "Lan"])
        #expect(again.status == 0)
        #expect(again.stderr.hasPrefix("ntm: cảnh báo: chỉ tiêu 17.1 đã có minh chứng cùng tệp này"), "\(again.stderr)")
        #expect(again.stderr.filter { $0 == "\n" }.count == 1)
        #expect(try ntm.output(["evidence", "list", "--db", "dan-ly.sqlite"], folder).contains("2 minh chứng"))
        // Another file: no warning.
        try "ảnh".write(toFile: folder.path + "/anh.jpg", atomically: true, encoding: .utf8)
        let other = try ntm.run(
            ["evidence", "add", "17.1", "--title", "Ảnh", "--file", "anh.jpg", "--db", "dan-ly.sqlite"],
            in: folder.path, environment: ["NTM_USER": "Lan"])
        #expect(other.status == 0 && other.stderr.isEmpty, "\(other.stderr)")
    }

    @Test func reconstructedIsExplainedWhereItIsShown() throws {
        let folder = TemporaryDirectory("cli-criteria-reconstructed")
        let found = try ntm.output(["criteria", "nha tam"], folder)
        #expect(found.contains("[dựng lại]"), "\(found)")
        #expect(found.contains("[dựng lại]: nội dung dựng lại, chưa đối chiếu văn bản gốc"))
        let english = try ntm.output(["criteria", "--lang", "en", "makeshift"], folder)
        #expect(
            english.contains("[reconstructed]: content reconstructed, not yet checked against the original document"))
        let help = try ntm.run(["criteria", "--help"], in: folder.path)
        #expect(help.stdout.contains("[dựng lại]: nội dung dựng lại, chưa đối chiếu văn bản gốc"), "\(help.stdout)")
    }

    @Test func inputThatShouldBeRefusedIsRefused() throws {
        let folder = TemporaryDirectory("cli-refused-input")
        let db = ["--db", "x.sqlite"]
        // Without an author, init says at once that writes will need one.
        let created = try ntm.run(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly"] + db, in: folder.path)
        #expect(created.status == 0)
        #expect(created.stderr.hasPrefix("ntm: cảnh báo: chưa có tên người ghi"), "\(created.stderr)")
        let named = try ntm.run(
            ["init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--db", "y.sqlite"], in: folder.path,
            environment: ["NTM_USER": "Lan"])
        #expect(named.status == 0 && named.stderr.isEmpty)

        // 9.1 "Nhà tạm, dột nát": target "Không"; 3 makeshift houses left is a miss.
        let missed = try ntm.refuse(["assess", "9.1", "dat", "--value", "3"], folder, db: "x.sqlite")
        #expect(missed.contains("chỉ tiêu 9.1: giá trị 3 chưa đạt mục tiêu Không"), "\(missed)")
        try ntm.output(["assess", "9.1", "dat", "--value", "3", "--note", "Đã có quyết định hỗ trợ"] + db, folder)
        try ntm.output(["assess", "9.1", "dat", "--value", "0"] + ["--db", "y.sqlite"], folder)

        // An inspection before the dossier was sent: given together, or against the stored date.
        let together = try ntm.refuse(
            ["appraisal", "so xay dung", "--sent", "20/10/2018", "--inspected", "15/10/2018"], folder, db: "x.sqlite")
        #expect(together.contains("ngày kiểm tra 15/10/2018 trước ngày gửi hồ sơ 20/10/2018"), "\(together)")
        try ntm.output(["appraisal", "so xay dung", "--sent", "20/10/2018"] + db, folder)
        _ = try ntm.refuse(["appraisal", "so xay dung", "--inspected", "19/10/2018"], folder, db: "x.sqlite")
        try ntm.output(["appraisal", "so xay dung", "--inspected", "20/10/2018"] + db, folder)
        _ = try ntm.refuse(["appraisal", "so xay dung", "--sent", "01/11/2018"], folder, db: "x.sqlite")
    }

    @Test func deadlinesAndNotesCanBeCorrected() throws {
        let folder = TemporaryDirectory("cli-deadline-note")
        let db = ["--db", "x.sqlite"]
        try ntm.output(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý"] + db, folder)
        // The indicator's deadline set with assess is a deadline like the others.
        let assessed = try ntm.output(
            ["assess", "15.1", "chua-dat", "--value", "82", "--deadline", "30/09/2030"] + db, folder)
        #expect(assessed.contains("hạn hoàn thành: 30/09/2030 (mã hạn "), "\(assessed)")
        let listed = try ntm.output(["deadline", "list"] + db, folder)
        #expect(listed.contains("30/09/2030 Bảo hiểm xã hội huyện: hoàn thành chỉ tiêu 15.1 — chưa xong"), "\(listed)")
        let uid = String(listed.prefix(12))
        try ntm.output(["deadline", "done", String(uid.prefix(5))] + db, folder)
        #expect(try ntm.output(["deadline", "list"] + db, folder).contains("hoàn thành chỉ tiêu 15.1 — xong ngày"))
        // Setting it again opens it again, on the same row.
        try ntm.output(["assess", "15.1", "chua-dat", "--deadline", "31/10/2030"] + db, folder)
        let again = try ntm.output(["deadline", "list"] + db, folder)
        #expect(
            again.contains("\(uid)  31/10/2030 Bảo hiểm xã hội huyện: hoàn thành chỉ tiêu 15.1 — chưa xong"), "\(again)"
        )
        #expect(again.split(separator: "\n").count == 1)

        // Edit and remove.
        let added = try ntm.output(
            ["deadline", "add", "--title", "Nộp hồ sơ", "--due", "01/12/2030", "--department", "UBND xã"] + db, folder)
        let other = String(added.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        try ntm.output(
            ["deadline", "edit", String(other.prefix(6)), "--title", "Nộp hồ sơ chung", "--person", "Lan"] + db, folder)
        #expect(
            try ntm.output(["deadline", "list"] + db, folder).contains("01/12/2030 Lan: Nộp hồ sơ chung — chưa xong"))
        _ = try ntm.refuse(["deadline", "edit", other], folder, db: "x.sqlite")
        _ = try ntm.refuse(["deadline", "edit", "zzzz", "--title", "x"], folder, db: "x.sqlite")
        try ntm.output(["deadline", "remove", other] + db, folder)
        #expect(!(try ntm.output(["deadline", "list"] + db, folder).contains("Nộp hồ sơ chung")))

        let note = try ntm.output(["note", "add", "Thôn 3 còn 12 hộ"] + db, folder)
        let noteID = String(note.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        try ntm.output(["note", "edit", String(noteID.prefix(4)), "Thôn 3 còn 10 hộ"] + db, folder)
        #expect(try ntm.output(["note", "list"] + db, folder).contains("Thôn 3 còn 10 hộ"))
        _ = try ntm.refuse(["note", "edit", noteID, " "], folder, db: "x.sqlite")
        _ = try ntm.refuse(["note", "remove", "zzzz"], folder, db: "x.sqlite")
        try ntm.output(["note", "remove", noteID] + db, folder)
        #expect(try ntm.output(["note", "list"] + db, folder).contains("Chưa có ghi chú."))
        // All of it replicated: the log holds the writes and the database agrees with itself.
        try ntm.output(["verify"] + db, folder)
        let log = try ntm.output(["log"] + db, folder)
        #expect(log.contains("ghi chú \(noteID) · xóa"), "\(log)")
    }

    @Test func communeCommandsOnTheHubAskForACommune() throws {
        let folder = TemporaryDirectory("cli-hub-commune")
        try ntm.output(
            [
                "hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--name", "Triệu Sơn", "--db",
                "hub.sqlite",
            ],
            folder)
        try ntm.output(
            [
                "init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--district",
                "trieu-son", "--db", "x.sqlite",
            ],
            folder)
        try ntm.output(["bundle", "export", "x.ndjson", "--db", "x.sqlite"], folder)
        try ntm.output(["bundle", "import", "x.ndjson", "--commune", "dan-ly", "--db", "hub.sqlite"], folder)
        for arguments in [
            ["assess", "17.1", "dat"], ["status"], ["evidence", "add", "17.1", "--title", "Biên bản"],
            ["dossier", "17", "--complete", "yes"], ["note", "list"],
        ] {
            let message = try ntm.refuse(arguments, folder, db: "hub.sqlite")
            #expect(
                message == "ntm: lỗi: đây là cơ sở dữ liệu của máy chủ huyện; dùng --commune SLUG (các xã: dan-ly)\n",
                "\(arguments): \(message)")
        }
        let english = try ntm.run(["status", "--lang", "en", "--db", "hub.sqlite"], in: folder.path)
        #expect(
            english.stderr == "ntm: error: this is the district hub's database; use --commune SLUG (communes: dan-ly)\n"
        )
        // With a commune it works; the district report needs none.
        try ntm.output(
            ["assess", "17.1", "dat", "--commune", "dan-ly", "--db", "hub.sqlite"], folder, user: "Phòng TN&MT")
        #expect(
            try ntm.output(["status", "--commune", "dan-ly", "--db", "hub.sqlite"], folder).hasPrefix(
                "Xã Dân Lý (dan-ly)"))
        #expect(try ntm.output(["report", "--db", "hub.sqlite"], folder).contains("CẤP HUYỆN"))
        // A district office's own database is about the district: not called a commune.
        try ntm.output(
            [
                "init", "--replica", "huyen-ts-1", "--district", "trieu-son", "--name", "Triệu Sơn", "--db",
                "office.sqlite",
            ], folder)
        let status = try ntm.output(["status", "--db", "office.sqlite"], folder)
        #expect(status.hasPrefix("Huyện Triệu Sơn (trieu-son)"), "\(status)")
    }

    @Test func aRefusedWriteCanBeWithdrawnAndTheLaptopShowsWhatTheDistrictHolds() throws {
        let folder = TemporaryDirectory("cli-refused-withdraw")
        let x = ["--db", "x.sqlite"]
        let via = ["--via", "\(ntm.path) hub stdio --db hub.sqlite"]
        try ntm.output(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        try ntm.output(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--district", "trieu-son"]
                + x,
            folder)
        // Written before the laptop was enrolled (nothing checked it then): a commune may not write the
        // department's verification, nor a sector's verdict.
        try ntm.output(
            ["verification", "17", "--result", "dat", "--department", "tai nguyen", "--date", "20/10/2018"] + x, folder)
        try ntm.output(["appraisal", "so xay dung", "--sent", "10/10/2018", "--verdict", "dat"] + x, folder)
        try ntm.output(["assess", "17.1", "dat", "--value", "96"] + x, folder)
        #expect(try ntm.enrol("xa-dan-ly-1", as: "commune:dan-ly", db: "x.sqlite", in: folder.path) == nil)
        let sync = try ntm.output(["sync"] + x + via, folder)
        #expect(sync.contains("máy chủ từ chối"), "\(sync)")

        // Status says what and why in the domain's words; reports leave the refused values out.
        let status = try ntm.output(["status"] + x, folder)
        #expect(
            status.contains(
                "thẩm tra tiêu chí 17 · kết quả thẩm tra = đạt — vai trò xã không được ghi kết quả thẩm tra của phòng"),
            "\(status)")
        #expect(
            status.contains("thẩm định: Sở Xây dựng · kết quả = đạt — vai trò xã không được ghi kết luận của sở ngành"))
        #expect(!status.contains("forbidden") && !status.contains("no rule"))
        #expect(status.contains("ntm refused withdraw"))
        let report = try ntm.output(["report", "--json"] + x, folder)
        let figures = try JSONParser.parse(report).object
        #expect(figures?["criteria_verified"]?.int == 0 && figures?["sectors_passed"]?.int == 0, "\(report)")
        #expect(figures?["sectors_sent"]?.int == 1, "the sending date is the commune's to write")

        // Another laptop of the commune never receives them through a bundle.
        try ntm.output(["init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--db", "y.sqlite"], folder)
        try ntm.output(["bundle", "export", "x.ndjson"] + x, folder)
        try ntm.output(["bundle", "import", "x.ndjson", "--db", "y.sqlite"], folder)
        #expect(try ntm.output(["verification", "17", "--db", "y.sqlite"], folder).contains("chưa phòng nào thẩm tra"))
        #expect(!(try ntm.output(["dump", "--db", "y.sqlite"], folder).contains("\"verification\"")))

        let listed = try ntm.output(["refused"] + x, folder)
        let ids = listed.split(separator: "\n").compactMap { line -> String? in
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
        #expect(ids.count == 4, "\(listed)")  // department and result; verdict and sector name

        // Withdraw one by a prefix, then the rest.
        _ = try ntm.refuse(["refused", "withdraw", "zzzz"], folder, db: "x.sqlite")
        _ = try ntm.refuse(["refused", "withdraw"], folder, db: "x.sqlite")
        #expect(
            try ntm.output(["refused", "withdraw", String(ids[0].prefix(5))] + x, folder).contains(
                "Đã rút lại 1 thay đổi"))
        #expect(try ntm.output(["refused", "withdraw", "--all"] + x, folder).contains("Đã rút lại 3 thay đổi"))
        #expect(try ntm.output(["refused", "--all"] + x, folder).contains("đã rút lại"))
        #expect(try ntm.output(["refused"] + x, folder).contains("Không có thay đổi nào bị từ chối."))
        let after = try ntm.output(["status"] + x, folder)
        #expect(!after.contains("từ chối"), "\(after)")
        let shown = try ntm.output(["verification", "17"] + x, folder)
        #expect(shown.contains("chưa phòng nào thẩm tra"), "\(shown)")
        // The laptop holds what the hub holds, and agrees with itself.
        try ntm.output(["verify"] + x, folder)
        #expect(
            try ntm.output(["dump", "--commune", "dan-ly"] + x, folder)
                == ntm.output(["dump", "--commune", "dan-ly", "--db", "hub.sqlite"], folder))
        // The next sync carries new work and nothing more is refused.
        try ntm.output(["assess", "15.1", "chua-dat"] + x, folder)
        let next = try ntm.output(["sync"] + x + via, folder)
        #expect(!next.contains("từ chối"), "\(next)")
        #expect(
            try ntm.output(["hub", "quarantine", "--json", "--db", "hub.sqlite"], folder).split(separator: "\n").count
                == 4)
        #expect(
            try ntm.output(["dump", "--commune", "dan-ly"] + x, folder)
                == ntm.output(["dump", "--commune", "dan-ly", "--db", "hub.sqlite"], folder))

        // When the district's department then verifies, the laptop receives it as usual.
        try ntm.output(
            [
                "verification", "17", "--result", "khong-dat", "--department", "tai nguyen", "--commune", "dan-ly",
                "--db", "hub.sqlite",
            ],
            folder, user: "Phòng TN&MT")
        try ntm.output(["sync"] + x + via, folder)
        #expect(
            try ntm.output(["verification", "17"] + x, folder).contains("Phòng Tài nguyên và Môi trường: không đạt"))
        try ntm.output(["verify"] + x, folder)
    }
}
