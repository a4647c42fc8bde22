import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// `ntm sync` and `ntm hub` as processes: over a child's stdin/stdout (the ssh way), over TCP, and with
/// the hub killed in the middle of syncs.
@Suite struct CLISyncTests {
    let ntm = NTMBinary()

    @Test func communesSyncThroughAChildProcessLikeSSH() throws {
        let folder = TemporaryDirectory("cli-stdio")
        let via = ["--via", "\(ntm.path) hub stdio --db hub.sqlite"]
        try ntm.ok(
            [
                "hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--name", "Triệu Sơn", "--db",
                "hub.sqlite",
            ], folder)
        for (slug, name) in [("dan-ly", "Dân Lý"), ("tan-ninh", "Tân Ninh")] {
            try ntm.ok(
                [
                    "init", "--replica", "xa-\(slug)-1", "--commune", slug, "--name", name, "--district", "trieu-son",
                    "--db", "\(slug).sqlite",
                ], folder)
        }
        try ntm.ok(["init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--db", "dan-ly-2.sqlite"], folder)
        for (replica, commune, db) in [
            ("xa-dan-ly-1", "dan-ly", "dan-ly.sqlite"), ("xa-tan-ninh-1", "tan-ninh", "tan-ninh.sqlite"),
            ("xa-dan-ly-2", "dan-ly", "dan-ly-2.sqlite"),
        ] {
            #expect(try ntm.enrol(replica, as: "commune:\(commune)", db: db, in: folder.path) == nil)
        }
        try ntm.ok(["assess", "17.1", "đạt", "--value", "96", "--db", "dan-ly.sqlite"], folder)
        try ntm.ok(
            ["assess", "17.1", "chưa đạt", "--value", "90", "--db", "dan-ly-2.sqlite"], folder, user: "Hùng")
        try ntm.ok(["assess", "5", "đạt", "--db", "tan-ninh.sqlite"], folder)
        for round in 0..<2 {
            for db in ["dan-ly.sqlite", "dan-ly-2.sqlite", "tan-ninh.sqlite"] {
                let result = try ntm.ok(["sync", "--db", db] + via, folder)
                // The first night sends each laptop's work; the second has nothing new to send.
                #expect(
                    result.stdout.hasPrefix(
                        "Đã đồng bộ với huyen-trieu-son: " + (round == 0 ? "gửi " : "không có gì mới để gửi, ")),
                    "\(result.stdout)")
                // No progress line when not on a terminal, and the hub's own log lines stay off the
                // person's terminal (over ssh they are the district's).
                #expect(result.stderr.isEmpty, "\(result.stderr)")
            }
        }
        // The same conflict at the hub and on both laptops of Dân Lý; none in Tân Ninh.
        // (Compared by id and values: the time a conflict opened is each replica's own.)
        func listed(_ db: String, _ extra: [String] = []) throws -> [String] {
            let text = try ntm.ok(["conflicts", "--json", "--db", db] + extra, folder).stdout
            return try JSONParser.parse(text).array?.map { item in
                "\(item.object?["id"]?.string ?? "") \(item.object?["indicator"]?.string ?? "") \(JSONWriter.string(item.object?["values"] ?? .null))"
            } ?? []
        }
        let hubConflicts = try listed("hub.sqlite", ["--commune", "dan-ly"])
        #expect(hubConflicts.count == 2 && hubConflicts.allSatisfy { $0.contains(" 17.1 ") })
        #expect(try listed("dan-ly.sqlite") == hubConflicts)
        #expect(try listed("dan-ly-2.sqlite") == hubConflicts)
        #expect(try ntm.ok(["conflicts", "--db", "tan-ninh.sqlite"], folder).stdout.contains("Không có xung đột."))
        for (db, commune) in [
            ("dan-ly.sqlite", "dan-ly"), ("dan-ly-2.sqlite", "dan-ly"), ("tan-ninh.sqlite", "tan-ninh"),
        ] {
            #expect(
                try ntm.ok(["dump", "--commune", commune, "--db", db], folder).stdout
                    == ntm.ok(["dump", "--commune", commune, "--db", "hub.sqlite"], folder).stdout)
        }
        #expect(try ntm.ok(["dump", "--commune", "dan-ly", "--db", "tan-ninh.sqlite"], folder).stdout == "\n")
        let report = try ntm.ok(["hub", "report", "--db", "hub.sqlite"], folder).stdout
        #expect(report.contains("Xã đạt chuẩn: 0/2 xã") && report.contains("Tân Ninh"))
        // A hub that cannot be reached, or a command that fails, is one line and exit 1.
        let refused = try ntm.run(["sync", "--hub", "127.0.0.1:1", "--db", "dan-ly.sqlite"], in: folder.path)
        #expect(refused.status == 75 && refused.stderr.hasPrefix("ntm: lỗi: không kết nối được máy chủ 127.0.0.1:1"))
        let both = try ntm.run(["sync", "--db", "dan-ly.sqlite"], in: folder.path)
        #expect(
            both.status == 64 && both.stderr == "ntm: lỗi: cần đúng một trong hai: --hub HOST:PORT hoặc --via LỆNH\n")
        let broken = try ntm.run(["sync", "--via", "false", "--db", "dan-ly.sqlite"], in: folder.path)
        #expect(broken.status == 1 && broken.stderr == "ntm: lỗi: không chạy được lệnh \"false\" (mã thoát 1)\n")
    }

    @Test func aHubRestoredFromBackupTakesANewIdentityAndGetsBackWhatItLost() throws {
        let folder = TemporaryDirectory("cli-restore")
        let via = ["--via", "\(ntm.path) hub stdio --db hub.sqlite"]
        try ntm.ok(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        try ntm.ok(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--district", "trieu-son", "--db", "x.sqlite"],
            folder)
        #expect(try ntm.enrol("xa-dan-ly-1", as: "commune:dan-ly", db: "x.sqlite", in: folder.path) == nil)
        try ntm.ok(["assess", "17.1", "dat", "--db", "x.sqlite"], folder)
        try ntm.ok(["sync", "--db", "x.sqlite"] + via, folder)
        try ntm.ok(["hub", "backup", "backup.sqlite", "--db", "hub.sqlite"], folder)
        // After the backup, district staff write at the hub and the commune receives it.
        try ntm.ok(
            ["assess", "5.3", "dat", "--commune", "trieu-son", "--db", "hub.sqlite"], folder, user: "Phòng GD&ĐT")
        try ntm.ok(["assess", "15.1", "chua-dat", "--db", "x.sqlite"], folder)
        try ntm.ok(["sync", "--db", "x.sqlite"] + via, folder)
        // The hub's disk fails: the office restores the backup.
        try FileManager.default.moveItem(atPath: folder.file("hub.sqlite"), toPath: folder.file("broken.sqlite"))
        let restored = try ntm.ok(["hub", "restore", "backup.sqlite", "--db", "hub.sqlite"], folder).stdout
        #expect(restored.contains("mã bản sao mới huyen-trieu-son-r"))
        #expect(restored.contains("Các máy xã sẽ tự trả lại khi đồng bộ"))
        // The district's own write after the backup (5.3) now exists only on the laptop: it comes back in
        // the laptop's bundle, vouched for by the hub's own key (a sync brings it back too: CLIRelayTests).
        try ntm.ok(["bundle", "export", "x.ndjson", "--db", "x.sqlite"], folder)
        try ntm.ok(["bundle", "import", "x.ndjson", "--db", "hub.sqlite"], folder)
        // Staff write again at once: with a new replica id these are new dots, not reused ones.
        try ntm.ok(
            ["assess", "5.1", "dat", "--commune", "trieu-son", "--db", "hub.sqlite"], folder, user: "Phòng Y tế")
        let sync = try ntm.ok(["sync", "--db", "x.sqlite"] + via, folder).stdout
        #expect(sync.contains("máy chủ đã đổi"))
        try ntm.ok(["sync", "--db", "x.sqlite"] + via, folder)
        for unit in ["dan-ly", "trieu-son"] {
            #expect(
                try ntm.ok(["dump", "--commune", unit, "--db", "x.sqlite"], folder).stdout
                    == ntm.ok(["dump", "--commune", unit, "--db", "hub.sqlite"], folder).stdout)
        }
        #expect(
            try ntm.ok(["report", "--commune", "trieu-son", "--db", "hub.sqlite"], folder).stdout.contains(
                "chỉ tiêu đạt: 2/11"))
        // Serving a commune's database as a hub is refused.
        let wrong = try ntm.run(["hub", "stdio", "--db", "x.sqlite"], in: folder.path)
        #expect(wrong.status == 1 && wrong.stderr.contains("là cơ sở dữ liệu của một xã, không phải của máy chủ huyện"))
    }

    /// Starts `ntm hub serve` on a free port and waits until it listens.
    func serve(_ folder: TemporaryDirectory, port: Int) throws -> Process {
        let process = try ntm.start(
            ["hub", "serve", "--listen", "127.0.0.1:\(port)", "--db", "hub.sqlite"], in: folder.path)
        if !PortProbe.waitUntilListening(port) { Issue.record("the hub did not start listening") }
        return process
    }

    @Test func theHubKilledInTheMiddleOfSyncsLosesNothing() throws {
        let folder = TemporaryDirectory("cli-kill-hub")
        try ntm.ok(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        var communes: [(db: String, slug: String)] = []
        for slug in ["dan-ly", "tan-ninh", "tho-the"] {
            let db = folder.file("\(slug).sqlite")
            let replica = try NTMDatabase.create(
                at: db, replicaID: "xa-\(slug)-1", home: .commune(.init(slug: slug, district: "trieu-son")), author: "x"
            ).commune()
            var changes: [RowChange] = []
            for index in 0..<1500 {
                changes.append(
                    RowChange(
                        table: NTMSchema.Table.evidence, row: "\(slug)/\(String(format: "%012x", index))",
                        values: ["indicator": .text("17.1"), "title": .text("Văn bản \(index)")]))
            }
            try replica.store.write(changes, author: "x")
            communes.append(("\(slug).sqlite", slug))
            #expect(try ntm.enrol("xa-\(slug)-1", as: "commune:\(slug)", db: "\(slug).sqlite", in: folder.path) == nil)
        }
        var random = SeededRandom(seed: 7)
        let port = try PortProbe.freePort()
        for kill in 0..<8 {
            let hub = try serve(folder, port: port)
            let syncs = try communes.map {
                try ntm.start(["sync", "--hub", "127.0.0.1:\(port)", "--db", $0.db], in: folder.path)
            }
            usleep(UInt32.random(in: 5_000...150_000, using: &random))
            Foundation.kill(hub.processIdentifier, SIGKILL)
            hub.waitUntilExit()
            for sync in syncs { sync.waitUntilExit() }
            _ = kill
        }
        // A last night without accidents: everything arrives, nothing is doubled.
        let hub = try serve(folder, port: port)
        for _ in 0..<2 {
            for commune in communes {
                try ntm.ok(["sync", "--hub", "127.0.0.1:\(port)", "--db", commune.db], folder)
            }
        }
        hub.terminate()
        hub.waitUntilExit()
        #expect(hub.terminationStatus == 0, "SIGTERM stops the hub cleanly")
        let store = try ReplicaStore.open(at: folder.file("hub.sqlite"), schema: NTMSchema.schema)
        #expect(try store.integrityCheck() == ["ok"])
        for commune in communes {
            #expect(
                try ntm.ok(["dump", "--commune", commune.slug, "--db", commune.db], folder).stdout
                    == ntm.ok(["dump", "--commune", commune.slug, "--db", "hub.sqlite"], folder).stdout)
        }
        var written = try store.localOperationCount()
        for commune in communes {
            written += try ReplicaStore.open(at: folder.file(commune.db), schema: NTMSchema.schema)
                .localOperationCount()
        }
        #expect(try store.operationCount() == written)
    }
}

@Suite struct CLINightTests {
    let ntm = NTMBinary()

    @Test func theDemoShowsOneConflictIdenticallyOnThreeReplicas() throws {
        let folder = TemporaryDirectory("cli-demo")
        let result = try ntm.run(["demo"], in: folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Giống hệt nhau trên 3 máy: có"))
        #expect(result.stdout.contains("Xã đạt chuẩn: 0/3 xã"))
        // The photo a Dân Lý laptop attached reached the hub whole.
        #expect(result.stdout.contains("Huyện mở được ảnh xã gửi (be-loc-thon-3.jpg): giống hệt bản trên máy xã: có"))
        #expect(result.stdout.contains("xa-dan-ly-2: gửi ") && result.stdout.contains("tệp: gửi 1 tệp (1,5 MB)"))
        let hashes = result.stdout.split(separator: "\n").filter { $0.contains("dump --commune dan-ly @") }
            .map { $0.split(separator: " ").last! }
        #expect(hashes.count == 3 && Set(hashes).count == 1)
        // The district's decision at the hub closes the conflicts on both laptops after the next sync.
        #expect(result.stdout.contains("] trạng thái → đạt (Nguyễn Thị Lan, "))
        #expect(
            result.stdout.contains(
                "huyen-trieu-son: 0 xung đột · xa-dan-ly-1: 0 xung đột · xa-dan-ly-2: 0 xung đột"))
        #expect(
            try ntm.run(["demo", "--lang", "en"], in: folder.path).stdout.contains("Identical on the 3 replicas: yes"))
    }

    @Test func theProvinceDemoCarriesASectorsVerdictTwoHopsDownToTheCommune() throws {
        let folder = TemporaryDirectory("cli-demo-province")
        let result = try ntm.run(["demo", "--province"], in: folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        // The line is printed only when the commune's own replica holds the sector's verdict and number.
        #expect(
            result.stdout.contains(
                "Kết quả thẩm định của Sở Xây dựng đã đến máy xã sau hai chặng (tỉnh → huyện → xã): đạt, văn bản số 125/SXD-QH"
            ), "\(result.stdout)")
        // The province took the commune's enrolment from the district's log.
        #expect(result.stdout.contains("tỉnh đã ghi danh 1 máy của huyện"))
        let english = try ntm.run(["demo", "--province", "--lang", "en"], in: folder.path)
        #expect(english.status == 0, "\(english.stderr)")
        #expect(
            english.stdout.contains(
                "The Sở Xây dựng's verdict reached the commune's laptop after two hops (province → district → commune): met, document no. 125/SXD-QH"
            ))
    }

    @Test func theNightlyScriptSyncsACommuneAndReportsAtTheHub() throws {
        let folder = TemporaryDirectory("cli-nightly")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/nightly.sh").path
        let env = ["NTM_USER": "Lan", "NTM_BIN": ntm.path, "NTM_LOG": folder.file("night.log")]
        for arguments in [
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"],
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--district", "trieu-son", "--db", "x.sqlite"],
            ["assess", "17.1", "dat", "--db", "x.sqlite"],
        ] {
            #expect(try ntm.run(arguments, in: folder.path, environment: env).status == 0)
        }
        func bash(_ arguments: [String]) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [script] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
            process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        // A district whose hub holds no commune yet: the night is good, with no document to make.
        #expect(try bash(["hub", "hub.sqlite", "empty"]) == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.file("empty/tong-quan.html")))
        #expect(
            try String(contentsOfFile: folder.file("night.log"), encoding: .utf8).contains("no document or page yet"))
        // Not enrolled yet: refused at once, not retried for minutes.
        #expect(try bash(["commune", "via:\(ntm.path) hub stdio --db hub.sqlite", "x.sqlite"]) == 1)
        #expect(try String(contentsOfFile: folder.file("night.log"), encoding: .utf8).contains("not retried"))
        #expect(try ntm.enrol("xa-dan-ly-1", as: "commune:dan-ly", db: "x.sqlite", in: folder.path) == nil)
        #expect(try bash(["commune", "via:\(ntm.path) hub stdio --db hub.sqlite", "x.sqlite"]) == 0)
        #expect(try bash(["hub", "hub.sqlite", "out", "sang"]) == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.file("out")).sorted()
        #expect(
            files.count == 7 && files.contains { $0.hasSuffix(".csv") } && files.contains { $0.hasPrefix("huyen-") }
                && files.contains { $0.hasSuffix(".docx") } && files.contains { $0.hasPrefix("tong-quan-") },
            "\(files)")
        // The morning's copies, the same bytes as the night's dated files.
        let morning = try FileManager.default.contentsOfDirectory(atPath: folder.file("sang")).sorted()
        #expect(morning == ["bao-cao.docx", "tep-minh-chung", "tong-quan.html"], "\(morning)")
        #expect(
            FileManager.default.contents(atPath: folder.file("sang/tong-quan.html"))
                == FileManager.default.contents(
                    atPath: folder.file("out/\(files.first { $0.hasPrefix("tong-quan-") }!)")))
        // A second night replaces the morning's page and the dated files.
        #expect(try bash(["hub", "hub.sqlite", "out", "sang"]) == 0)
        let log = try String(contentsOfFile: folder.file("night.log"), encoding: .utf8)
        #expect(log.contains("sync ok: Đã đồng bộ với huyen-trieu-son") && log.contains("report ok"))
        let report = try String(
            contentsOfFile: folder.file("out/\(files.first { $0.hasSuffix(".txt") }!)"), encoding: .utf8)
        #expect(report.contains("Xã đạt chuẩn: 0/1 xã"))
        #expect(try bash(["frobnicate"]) == 2)

        // The district hub, after its night, syncs upward with its province (nightly.sh district).
        for arguments in [
            [
                "hub", "init", "--replica", "tinh-thanh-hoa", "--province", "thanh-hoa", "--name", "Thanh Hóa", "--db",
                "tinh.sqlite",
            ],
            [
                "hub", "enroll", "--replica", "huyen-trieu-son", "--role", "district:trieu-son", "--out", "huyen.cred",
                "--db", "tinh.sqlite",
            ],
            ["credential", "install", "huyen.cred", "--db", "hub.sqlite"],
        ] {
            let result = try ntm.run(arguments, in: folder.path, environment: env)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        #expect(try bash(["district", "via:\(ntm.path) hub stdio --db tinh.sqlite", "hub.sqlite"]) == 0)
        let night = try String(contentsOfFile: folder.file("night.log"), encoding: .utf8)
        #expect(night.contains("sync up ok: Đã đồng bộ với tinh-thanh-hoa"), "\(night)")
        #expect(night.contains("máy chủ cấp trên đã ghi danh 1 máy của máy chủ này"), "\(night)")
        // The commune's work reached the province, signed by its laptop.
        let dump = try ntm.run(["dump", "--db", "tinh.sqlite"], in: folder.path, environment: env)
        #expect(dump.stdout.contains("\"origin\":\"xa-dan-ly-1\""), "\(dump.stdout.prefix(2000))")
        #expect(try bash(["district", "via:\(ntm.path) hub stdio --db tinh.sqlite"]) == 1)
    }
}
