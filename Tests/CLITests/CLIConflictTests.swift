import Foundation
import NTM
import SyncCore
import TestSupport
import Testing

/// Conflict review end to end, as processes: two communes and the district hub edit the same
/// indicators while apart, sync through `ntm hub stdio`, and people list, show, resolve and review the
/// conflicts from the command line.
@Suite struct CLIConflictTests {
    let ntm = NTMBinary()
    static let name171 = "chỉ tiêu 17.1 Tỷ lệ hộ được sử dụng nước hợp vệ sinh và nước sạch theo quy định"

    func syncAll(_ folder: TemporaryDirectory) throws {
        for _ in 0..<2 {
            for db in ["dan-ly-1.sqlite", "dan-ly-2.sqlite", "tan-ninh.sqlite"] {
                try ntm.output(["sync", "--db", db, "--via", "\(ntm.path) hub stdio --db hub.sqlite"], folder)
            }
        }
    }

    func conflicts(_ db: String, _ folder: TemporaryDirectory, _ extra: [String] = []) throws -> [JSONObject] {
        let text = try ntm.output(["conflicts", "--json", "--db", db] + extra, folder)
        return try JSONParser.parse(text).array?.compactMap(\.object) ?? []
    }

    /// What every replica agrees on: the conflict without its local arrival time and `written_here`.
    func shared(_ objects: [JSONObject]) -> [String] {
        objects.map { object in
            var copy = object
            copy["open_since_ms"] = nil
            copy["written_here"] = nil
            return JSONWriter.string(.object(copy))
        }
    }

    func values(_ object: JSONObject) -> [String] {
        object["values"]?.array?.compactMap { $0.object?["display"]?.string } ?? []
    }

    /// The district, Dân Lý's two laptops and Tân Ninh; Dân Lý's 17.1 measured at 80% and synced.
    func setUp(_ folder: TemporaryDirectory) throws {
        try ntm.output(
            [
                "hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--name", "Triệu Sơn", "--db",
                "hub.sqlite",
            ],
            folder)
        try ntm.output(
            [
                "init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--district",
                "trieu-son", "--db", "dan-ly-1.sqlite",
            ],
            folder)
        try ntm.output(["init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--db", "dan-ly-2.sqlite"], folder)
        try ntm.output(
            [
                "init", "--replica", "xa-tan-ninh-1", "--commune", "tan-ninh", "--name", "Tân Ninh", "--district",
                "trieu-son", "--db", "tan-ninh.sqlite",
            ],
            folder)
        for (replica, commune, db) in [
            ("xa-dan-ly-1", "dan-ly", "dan-ly-1.sqlite"), ("xa-dan-ly-2", "dan-ly", "dan-ly-2.sqlite"),
            ("xa-tan-ninh-1", "tan-ninh", "tan-ninh.sqlite"),
        ] {
            #expect(try ntm.enrol(replica, as: "commune:\(commune)", db: db, in: folder.path) == nil)
        }
        try ntm.output(["assess", "17.1", "chưa đạt", "--value", "80", "--db", "dan-ly-1.sqlite"], folder)
        try syncAll(folder)
    }

    @Test func theSameConflictIsListedEverywhereAndAHubDecisionClosesItEverywhere() throws {
        let folder = TemporaryDirectory("cli-conflicts")
        try setUp(folder)
        // Apart: both Dân Lý laptops and the district's department edit Dân Lý's 17.1; Tân Ninh and the
        // education department disagree on Tân Ninh's criterion 5.
        try ntm.output(
            ["assess", "17.1", "đạt", "--value", "96", "--note", "theo biên bản 12", "--db", "dan-ly-1.sqlite"], folder)
        try ntm.output(["assess", "17.1", "đang thực hiện", "--db", "dan-ly-2.sqlite"], folder, user: "Hùng")
        try ntm.output(
            ["assess", "17.1", "chưa đạt", "--value", "85", "--commune", "dan-ly", "--db", "hub.sqlite"], folder,
            user: "Phòng NN&PTNT")
        try ntm.output(["assess", "5", "đạt", "--db", "tan-ninh.sqlite"], folder)
        try ntm.output(
            ["assess", "5", "chưa đạt", "--commune", "tan-ninh", "--db", "hub.sqlite"], folder, user: "Phòng GD&ĐT")
        try syncAll(folder)

        // The same conflicts, with the same ids, at the hub and on both laptops.
        let atHub = try conflicts("hub.sqlite", folder, ["--commune", "dan-ly"])
        #expect(atHub.count == 2)
        #expect(shared(try conflicts("dan-ly-1.sqlite", folder)) == shared(atHub))
        #expect(shared(try conflicts("dan-ly-2.sqlite", folder)) == shared(atHub))
        let tanNinh = try conflicts("tan-ninh.sqlite", folder)
        #expect(shared(tanNinh) == shared(try conflicts("hub.sqlite", folder, ["--commune", "Tân Ninh"])))
        #expect(try conflicts("hub.sqlite", folder).count == 3)
        let status = try #require(atHub.first { $0["column"]?.string == "status" })
        let measured = try #require(atHub.first { $0["column"]?.string == "value" })
        let statusID = try #require(status["id"]?.string)
        let measuredID = try #require(measured["id"]?.string)
        #expect(status["commune"]?.string == "dan-ly" && status["indicator"]?.string == "17.1")
        #expect(status["field"]?.string == "trạng thái" && measured["field"]?.string == "giá trị đo")
        #expect(Set(values(status)) == ["đạt", "chưa đạt", "đang thực hiện"])
        #expect(Set(values(measured)) == ["96", "85"])

        // The list as a person reads it, in both languages.
        let list = try ntm.output(["conflicts", "--db", "dan-ly-2.sqlite"], folder)
        #expect(list.hasPrefix("2 xung đột chưa xử lý:\n"))
        #expect(list.contains("[\(statusID)] Dân Lý · \(Self.name171) · trạng thái: 3 giá trị, từ "))
        #expect(list.contains("đạt — Lan (xa-dan-ly-1), ") && list.contains(" «theo biên bản 12»"))
        #expect(list.contains("đang thực hiện — Hùng (xa-dan-ly-2), "))
        #expect(list.contains("← đang hiển thị"))
        let english = try ntm.output(["conflicts", "--lang", "en", "--db", "dan-ly-2.sqlite"], folder)
        #expect(
            english.contains(
                "Dân Lý · indicator 17.1 Households with hygienic and clean water · status: 3 values, since "))
        #expect(english.contains("in progress — Hùng (xa-dan-ly-2)"))

        // Filters: criterion, the owning department, and what this replica wrote.
        #expect(
            try conflicts("hub.sqlite", folder, ["--criterion", "5"]).map { $0["commune"]?.string } == ["tan-ninh"])
        #expect(try conflicts("hub.sqlite", folder, ["--department", "giao duc"]).count == 1)
        #expect(try conflicts("hub.sqlite", folder, ["--department", "Phòng Nông nghiệp và PTNT"]).count == 2)
        #expect(try conflicts("dan-ly-2.sqlite", folder, ["--mine"]).map { $0["id"]?.string } == [statusID])
        #expect(try conflicts("dan-ly-1.sqlite", folder, ["--mine"]).count == 2)

        // show: the values side by side, and what the field held before both edits.
        let show = try ntm.output(["conflicts", "show", String(statusID.prefix(5)), "--db", "dan-ly-2.sqlite"], folder)
        let lines = show.split(separator: "\n").map(String.init)
        #expect(lines.first == "Xung đột \(statusID): Dân Lý · \(Self.name171) · trạng thái")
        #expect(
            lines.contains { $0.hasPrefix("bộ tiêu chí qd1980-2016 · phụ trách: Phòng Nông nghiệp và PTNT · mở từ ") })
        #expect(lines.contains { $0.contains("đạt") && $0.contains("Lan") && $0.contains("theo biên bản 12") })
        let before = try #require(lines.first { $0.hasPrefix("  trước") })
        #expect(before.contains("chưa đạt") && before.contains("Lan") && before.contains("xa-dan-ly-1 #"))
        let shownJSON = try JSONParser.parse(
            try ntm.output(["conflicts", "show", statusID, "--json", "--db", "hub.sqlite"], folder)
        ).object
        #expect(shownJSON?["before"]?.array?.first?.object?["value"]?.string == "chua-dat")

        // The district decides at the hub; after the next sync the conflict is closed everywhere.
        let pick = try #require(values(status).firstIndex(of: "đạt")) + 1
        let decided = try ntm.output(
            [
                "conflicts", "resolve", statusID, "--pick", "\(pick)", "--note", "theo biên bản kiểm tra 20/11", "--db",
                "hub.sqlite",
            ],
            folder, user: "Trưởng phòng NN")
        #expect(
            decided.hasPrefix("Đã giải quyết xung đột \(statusID): Dân Lý · \(Self.name171) · trạng thái → đạt (Lan, "))
        try syncAll(folder)
        for db in ["hub.sqlite", "dan-ly-1.sqlite", "dan-ly-2.sqlite"] {
            #expect(try conflicts(db, folder).allSatisfy { $0["id"]?.string != statusID }, "\(db)")
        }
        // The history shows the competing values, who decided, when and why.
        let log = try ntm.output(["log", "17.1", "--db", "dan-ly-2.sqlite"], folder)
        let decision = try #require(log.split(separator: "\n").last.map(String.init))
        #expect(decision.contains("Trưởng phòng NN (huyen-trieu-son)"))
        #expect(decision.contains("trạng thái: chưa đạt | đạt | đang thực hiện → đạt  [giải quyết xung đột]"))
        #expect(decision.hasSuffix("«theo biên bản kiểm tra 20/11»"))

        // Rival decisions on the measured value, made before they sync, re-open it everywhere.
        let pick96 = try #require(values(measured).firstIndex(of: "96")) + 1
        try ntm.output(["conflicts", "resolve", measuredID, "--pick", "\(pick96)", "--db", "dan-ly-1.sqlite"], folder)
        try ntm.output(
            ["conflicts", "resolve", measuredID, "--value", "90,5", "--db", "hub.sqlite"], folder, user: "Hà")
        try syncAll(folder)
        for db in ["hub.sqlite", "dan-ly-1.sqlite", "dan-ly-2.sqlite"] {
            let reopened = try #require(try conflicts(db, folder).first { $0["id"]?.string == measuredID })
            #expect(Set(values(reopened)) == ["96", "90,5"], "\(db)")
        }

        // review on the hub: decide the first conflict with a note, then quit before the second;
        // what was decided stays decided.
        let reviewed = try ntm.output(
            ["conflicts", "review", "--db", "hub.sqlite"], folder, user: "Hà",
            stdin: "?\n9\nn\nđo lại ngày 21/11\ng\n91\nq\n")
        #expect(reviewed.hasPrefix("2 xung đột cần xem."))
        #expect(reviewed.contains("Không hiểu \"?\"."))
        #expect(reviewed.contains("Không ghi: không có giá trị số 9: xung đột này có 2 giá trị, chọn từ 1 đến 2"))
        #expect(reviewed.contains("Đã giải quyết xung đột \(measuredID): "))
        #expect(reviewed.contains("giá trị mới: 91"))
        #expect(reviewed.contains("Đã quyết định 1, bỏ qua 0; còn 1 xung đột đang mở."))
        try syncAll(folder)
        #expect(try conflicts("dan-ly-1.sqlite", folder).isEmpty)
        #expect(
            try ntm.output(["log", "17.1", "--db", "dan-ly-1.sqlite"], folder).contains(
                "→ 91  [giải quyết xung đột]  «đo lại ngày 21/11»"))
        #expect(try conflicts("tan-ninh.sqlite", folder).count == 1)

        // A rule for the rest, after showing what it will do; "k" (no) writes nothing.
        let cancelled = try ntm.output(
            ["conflicts", "resolve", "--all", "--prefer", "replica=xa-tan-ninh-1", "--db", "hub.sqlite"], folder,
            stdin: "k\n")
        #expect(cancelled.contains("Sẽ giải quyết 1 xung đột:") && cancelled.contains("Đã hủy; không ghi gì."))
        #expect(try conflicts("hub.sqlite", folder).count == 1)
        let ruled = try ntm.output(
            ["conflicts", "resolve", "--all", "--prefer", "replica=xa-tan-ninh-1", "--yes", "--db", "hub.sqlite"],
            folder)
        #expect(ruled.contains("Tân Ninh · chỉ tiêu 5 ") && ruled.contains("→ đạt (Lan, "))
        #expect(ruled.contains("Đã giải quyết 1 xung đột."))
        try syncAll(folder)
        for db in ["hub.sqlite", "dan-ly-1.sqlite", "dan-ly-2.sqlite", "tan-ninh.sqlite"] {
            #expect(try ntm.output(["conflicts", "--db", db], folder) == "Không có xung đột.\n")
        }
    }

    @Test func anEditOfARemovedDocumentIsShownAsSuchAndEitherSideCanWin() throws {
        let folder = TemporaryDirectory("cli-edit-delete")
        try setUp(folder)
        let added = try ntm.output(
            ["evidence", "add", "17.1", "--title", "Biên bản kiểm tra nước", "--db", "dan-ly-1.sqlite"], folder)
        try syncAll(folder)
        let uidArgument = String(added.split(separator: " ")[4])
        try ntm.output(["evidence", "remove", uidArgument, "--db", "dan-ly-1.sqlite"], folder)
        try ntm.output(
            [
                "evidence", "edit", uidArgument, "--title", "Biên bản kiểm tra nước sạch 2026", "--db",
                "dan-ly-2.sqlite",
            ], folder, user: "Hùng")
        try syncAll(folder)
        let list = try ntm.output(["conflicts", "--db", "hub.sqlite"], folder)
        #expect(
            list.contains(
                "Dân Lý · minh chứng \(uidArgument) (chỉ tiêu 17.1) · tên văn bản — sửa trong khi bản ghi bị xóa: 2 giá trị"
            ))
        #expect(list.contains("1. xóa bản ghi — Lan (xa-dan-ly-1)"))
        #expect(list.contains("2. Biên bản kiểm tra nước sạch 2026 — Hùng (xa-dan-ly-2)"))
        let object = try #require(try conflicts("dan-ly-1.sqlite", folder).first)
        #expect(object["kind"]?.string == "edit-delete")
        let id = try #require(object["id"]?.string)
        let show = try ntm.output(["conflicts", "show", id, "--db", "dan-ly-1.sqlite", "--lang", "en"], folder)
        #expect(show.contains("Someone deleted the record while someone else edited it"))
        #expect(
            show.split(separator: "\n").contains { $0.hasPrefix("  before") && $0.contains("Biên bản kiểm tra nước ") })
        // A typed value for a field that says where a file came from is refused; picking the edit keeps
        // the document, with the edit.
        #expect(
            try ntm.refuse(["conflicts", "resolve", id, "--pick", "3"], folder, db: "hub.sqlite").contains(
                "chọn từ 1 đến 2"))
        try ntm.output(["conflicts", "resolve", id, "--pick", "2", "--db", "hub.sqlite"], folder)
        try syncAll(folder)
        #expect(
            try ntm.output(["evidence", "list", "--db", "dan-ly-1.sqlite"], folder).contains(
                "Biên bản kiểm tra nước sạch 2026"))
        #expect(try conflicts("dan-ly-1.sqlite", folder).isEmpty)
    }

    /// `ntm conflicts --json` and `ntm dump` have the shapes protocol/PROTOCOL.md appendix C documents:
    /// members in the documented order, the note typed with a status (`assess --note`, a `note` column
    /// of its own, appendix B) shown with that value, dump members sorted, rows by table and row id,
    /// siblings by dot (not in display order), the provisional value apart.
    @Test func theOutputsOtherToolsReadHaveTheDocumentedShapes() throws {
        let folder = TemporaryDirectory("cli-shapes")
        try ntm.output(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--db", "a.sqlite"], folder)
        try ntm.output(["init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--db", "b.sqlite"], folder)
        try ntm.output(
            ["assess", "17.1", "dat", "--value", "96,5", "--note", "theo biên bản 12", "--db", "a.sqlite"], folder)
        try ntm.output(["assess", "17.1", "dang-thuc-hien", "--db", "b.sqlite"], folder)
        for (from, to) in [("a", "b"), ("b", "a")] {
            try ntm.output(["bundle", "export", "\(from).ndjson", "--db", "\(from).sqlite"], folder)
            try ntm.output(["bundle", "import", "\(from).ndjson", "--db", "\(to).sqlite"], folder)
        }
        let listed = try ntm.output(["conflicts", "--json", "--db", "a.sqlite"], folder)
        #expect(listed.hasSuffix("]\n") && listed.filter { $0 == "\n" }.count == 1)
        let conflict = try #require(try conflicts("a.sqlite", folder).first)
        #expect(
            conflict.members.map(\.key) == [
                "id", "commune", "commune_name", "set", "criterion", "indicator", "indicator_name", "departments",
                "table", "row", "column", "kind", "subject", "field", "values", "open_since_ms", "written_here",
            ])
        let values = try #require(conflict["values"]?.array).compactMap(\.object)
        #expect(
            values.first?.members.map(\.key) == [
                "value", "display", "deletion", "author", "replica", "seq", "wall_ms", "note",
            ])
        // Display order: the later write (or, at the same millisecond, the greater replica id) first.
        let first = try #require(values.first)
        let wallMs = values.compactMap { $0["wall_ms"]?.int }
        #expect(
            wallMs.count == 2
                && (wallMs[0] > wallMs[1] || (wallMs[0] == wallMs[1] && first["replica"]?.string == "xa-dan-ly-2")))
        let written = try #require(values.first { $0["replica"]?.string == "xa-dan-ly-1" })
        #expect(written["note"]?.string == "theo biên bản 12")
        #expect(values.first { $0["replica"]?.string == "xa-dan-ly-2" }?["note"] == .null)

        let dump = try ntm.output(["dump", "--db", "a.sqlite"], folder).split(separator: "\n").map {
            try JSONParser.parse(String($0))
        }
        #expect(dump.first?.object?.members.map(\.key) == ["holdings"])
        let rows = dump.dropFirst().compactMap(\.object)
        #expect(rows.allSatisfy { $0.members.map(\.key) == ["conflicts", "deleted", "fields", "row", "table"] })
        let order = rows.map { [$0["table"]?.string ?? "", $0["row"]?.string ?? ""] }
        #expect(order == order.sorted { $0.lexicographicallyPrecedes($1) })
        let row = try #require(rows.first { $0["row"]?.string == "dan-ly/qd1980-2016/17.1" })
        #expect(row["conflicts"]?.array?.compactMap(\.string) == ["status:value"])
        let status = try #require(row["fields"]?["status"]?.object)
        #expect(status.members.map(\.key) == ["conflict", "siblings", "value", "vector"])
        let siblings = try #require(status["siblings"]?.array).compactMap(\.object)
        #expect(siblings.compactMap { $0["origin"]?.string } == ["xa-dan-ly-1", "xa-dan-ly-2"])
        #expect(siblings.first?.members.map(\.key) == ["author", "origin", "seq", "value", "wall_ms"])
        #expect(status["value"] == first["value"])
    }

    @Test func mistakesEndInOneLineAndWriteNothing() throws {
        let folder = TemporaryDirectory("cli-conflict-errors")
        try setUp(folder)
        try ntm.output(["assess", "17.1", "đạt", "--value", "96", "--db", "dan-ly-1.sqlite"], folder)
        try ntm.output(
            ["assess", "17.1", "đang thực hiện", "--value", "90", "--db", "dan-ly-2.sqlite"], folder, user: "Hùng")
        try syncAll(folder)
        let all = try conflicts("dan-ly-1.sqlite", folder)
        let status = try #require(all.first { $0["column"]?.string == "status" }?["id"]?.string)
        let measured = try #require(all.first { $0["column"]?.string == "value" }?["id"]?.string)
        let db = "dan-ly-1.sqlite"
        #expect(
            try ntm.refuse(["conflicts", "resolve", "0000beef", "--pick", "1"], folder, db: db).contains(
                "có thể đã được giải quyết"))
        #expect(try ntm.refuse(["conflicts", "show", "zz"], folder, db: db).contains("không có xung đột nào đang mở"))
        #expect(
            try ntm.refuse(["conflicts", "resolve", status, "--pick", "0"], folder, db: db).contains("chọn từ 1 đến 2"))
        #expect(try ntm.refuse(["conflicts", "resolve", status, "--value", "tốt"], folder, db: db).contains("tốt"))
        #expect(
            try ntm.refuse(["conflicts", "resolve", measured, "--value", "abc"], folder, db: db).contains(
                "không phải là số"))
        #expect(
            try ntm.refuse(["conflicts", "resolve", measured, "--value", "120"], folder, db: db).contains("0–100%"))
        #expect(
            try ntm.refuse(["conflicts", "resolve", measured, "--value", " "], folder, db: db).contains(
                "không được để trống"))
        #expect(try ntm.refuse(["conflicts", "resolve", status], folder, db: db).contains("--pick N và --value"))
        #expect(
            try ntm.refuse(["conflicts", "resolve", status, "--pick", "1", "--value", "dat"], folder, db: db).contains(
                "--pick N và --value"))
        #expect(try ntm.refuse(["conflicts", "resolve", "--all"], folder, db: db).contains("--all với --prefer"))
        #expect(
            try ntm.refuse(["conflicts", "resolve", "--all", "--prefer", "loudest"], folder, db: db).contains("loudest")
        )
        #expect(
            try ntm.refuse(["conflicts", "--department", "Phòng Không Có"], folder, db: db).contains("Phòng Không Có"))
        #expect(try ntm.refuse(["conflicts", "--commune", "xa-khac"], folder, db: db).contains("xa-khac"))
        // Without a terminal or --yes, a rule is not applied.
        #expect(
            try ntm.refuse(["conflicts", "resolve", "--all", "--prefer", "newest"], folder, db: db).contains("--yes"))
        let english = try ntm.run(
            ["conflicts", "resolve", status, "--pick", "5", "--lang", "en", "--db", db], in: folder.path,
            environment: ["NTM_USER": "Lan"])
        #expect(english.stderr == "ntm: error: there is no value number 5: this conflict has 2 values, pick 1 to 2\n")
        // A decision on a conflict someone closed since: said so.
        try ntm.output(
            ["conflicts", "resolve", status, "--pick", "1", "--db", "dan-ly-2.sqlite"], folder, user: "Hùng")
        try syncAll(folder)
        #expect(
            try ntm.refuse(["conflicts", "resolve", status, "--pick", "1"], folder, db: db).contains(
                "có thể đã được giải quyết"))
    }

    @Test func reviewReadsSingleKeysOnATerminal() throws {
        let folder = TemporaryDirectory("cli-review-pty")
        try setUp(folder)
        try ntm.output(["assess", "17.1", "chưa đạt", "--value", "82", "--db", "dan-ly-1.sqlite"], folder)
        try ntm.output(["assess", "17.1", "đang thực hiện", "--db", "dan-ly-2.sqlite"], folder, user: "Hùng")
        try ntm.output(["assess", "5", "đạt", "--db", "tan-ninh.sqlite"], folder)
        try ntm.output(
            ["assess", "5", "chưa đạt", "--commune", "tan-ninh", "--db", "hub.sqlite"], folder, user: "Phòng GD&ĐT")
        try syncAll(folder)
        func review(_ terminal: PseudoTerminal) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ntm.path)
            process.arguments = ["conflicts", "review", "--db", "hub.sqlite"]
            process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
            process.environment = ["NTM_USER": "Hà", "TZ": "Asia/Ho_Chi_Minh", "PATH": "/usr/bin:/bin"]
            process.standardInput = terminal.child
            process.standardOutput = terminal.child
            process.standardError = terminal.child
            try process.run()
            return process
        }
        /// Waits for the text; if it never comes, the process is stopped so that the test fails, not hangs.
        func expectOutput(_ terminal: PseudoTerminal, _ process: Process, _ text: String, occurrences: Int = 1) {
            let seen = terminal.waitFor(text, occurrences: occurrences)
            #expect(seen, "waiting for \(text): \(terminal.output)")
            if !seen { kill(process.processIdentifier, SIGKILL) }
        }
        do {
            let terminal = try PseudoTerminal()
            defer { terminal.close() }
            // A narrow terminal: every line is wrapped at spaces to its width.
            terminal.setWidth(60)
            let process = try review(terminal)
            // One key each, no Enter: 2 picks the second value of the first conflict, an arrow key is
            // ignored, s skips the second.
            expectOutput(terminal, process, "q: thoát > ")
            terminal.send("2")
            expectOutput(terminal, process, "q: thoát > ", occurrences: 2)
            terminal.send("\u{1B}[A")
            usleep(500_000)
            terminal.send("s")
            expectOutput(terminal, process, "Đã quyết định 1, bỏ qua 1; còn 1 xung đột đang mở.")
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(terminal.output)")
            #expect(!terminal.output.contains("Không hiểu"), "the arrow key is ignored")
            #expect(terminal.isCooked, "the terminal is put back after the review")
            let lines = terminal.output.replacingOccurrences(of: "\r", with: "").split(separator: "\n")
            #expect(lines.allSatisfy { $0.count <= 60 }, "\(lines.filter { $0.count > 60 })")
            #expect(lines.contains { $0.hasPrefix("Xung đột ") } && lines.contains { $0.hasPrefix("    ") })
        }
        #expect(try conflicts("hub.sqlite", folder).count == 1)
        #expect(try conflicts("hub.sqlite", folder, ["--commune", "tan-ninh"]).count == 1)
        // Stopped by a signal while waiting for a key: the terminal is put back all the same.
        do {
            let terminal = try PseudoTerminal()
            defer { terminal.close() }
            let process = try review(terminal)
            expectOutput(terminal, process, "q: thoát > ")
            usleep(200_000)
            process.terminate()
            for _ in 0..<100 where process.isRunning { usleep(100_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
            #expect(terminal.isCooked, "the terminal is put back after SIGTERM")
        }
        #expect(try conflicts("hub.sqlite", folder).count == 1)
    }
}
