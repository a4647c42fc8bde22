import Foundation
import NTM
import Replica
import SyncCore
import TestSupport
import Testing

/// Hubs above hubs (issue 16): a province hub, district hubs that sync upward with `ntm sync` as any
/// replica does, province sectors writing their verdicts, and communes that report straight to the
/// province. Every hub runs as its own `ntm hub serve` process over TLS.
@Suite(.serialized) struct CLIProvinceTests {
    let ntm = NTMBinary(user: "Cán bộ")

    /// The hubs of one test: their processes and ports, stopped at the end.
    final class Hubs {
        var running: [String: (process: Process, port: Int)] = [:]
        deinit { for (_, hub) in running { hub.process.terminate() } }
    }

    /// Starts `ntm hub serve` on `db` (TLS) and waits until it listens; returns its port.
    @discardableResult
    func serve(_ db: String, _ folder: TemporaryDirectory, _ hubs: Hubs, port: Int? = nil) throws -> Int {
        signal(SIGPIPE, SIG_IGN)
        let port = try port ?? PortProbe.freePort()
        let process = try ntm.start(["hub", "serve", "--listen", "127.0.0.1:\(port)", "--db", db], in: folder.path)
        if !PortProbe.waitUntilListening(port) { Issue.record("the hub \(db) did not start listening") }
        hubs.running[db] = (process, port)
        return port
    }

    func sync(_ db: String, to hub: String, _ folder: TemporaryDirectory, _ hubs: Hubs) throws -> String {
        try ntm.output(["sync", "--hub", "127.0.0.1:\(hubs.running[hub]!.port)", "--db", db], folder)
    }

    func count(_ sql: String, _ db: String, _ folder: TemporaryDirectory) throws -> Int {
        Int(try sqlite3(folder.file(db), sql)) ?? -1
    }

    /// The conflict ids a database shows.
    func conflictIDs(_ db: String, _ folder: TemporaryDirectory, commune: String? = nil) throws -> [String] {
        let text = try ntm.output(
            ["conflicts", "--json", "--db", db] + (commune.map { ["--commune", $0] } ?? []), folder)
        let pattern = try NSRegularExpression(pattern: "\"id\":\"([^\"]+)\"")
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }.sorted()
    }

    /// A province (tinh.sqlite, Thanh Hóa) with a sector's laptop (sxd.sqlite, Sở Xây dựng) and the
    /// district hubs named, each with its communes' laptops (`<commune>.sqlite`), every credential
    /// issued and installed.
    func province(_ label: String, districts: [(slug: String, communes: [String])]) throws -> TemporaryDirectory {
        let folder = TemporaryDirectory(label)
        try ntm.ok(
            [
                "hub", "init", "--replica", "tinh-thanh-hoa", "--province", "thanh-hoa", "--name", "Thanh Hóa", "--db",
                "tinh.sqlite",
            ], folder)
        for district in districts {
            let db = "huyen-\(district.slug).sqlite"
            try ntm.ok(
                ["hub", "init", "--replica", "huyen-\(district.slug)", "--district", district.slug, "--db", db], folder)
            #expect(
                try ntm.enrol(
                    "huyen-\(district.slug)", as: "district:\(district.slug)", db: db, hub: "tinh.sqlite",
                    in: folder.path) == nil)
            for commune in district.communes {
                try ntm.ok(
                    [
                        "init", "--replica", "xa-\(commune)-1", "--commune", commune, "--district", district.slug,
                        "--db",
                        "\(commune).sqlite",
                    ], folder)
                #expect(
                    try ntm.enrol(
                        "xa-\(commune)-1", as: "commune:\(commune)", db: "\(commune).sqlite", hub: db,
                        in: folder.path) == nil)
            }
        }
        try ntm.ok(
            [
                "hub", "enroll", "--replica", "so-xd-1", "--role", "sector:so xay dung", "--out", "sxd.cred", "--db",
                "tinh.sqlite",
            ], folder)
        try ntm.ok(["init", "--credential", "sxd.cred", "--db", "sxd.sqlite"], folder)
        return folder
    }

    /// Two districts of three communes each, a province and a sector, over TCP: work written at every
    /// level reaches every replica that should hold it, a sector's verdict reaches the commune laptop
    /// after two hops, every replica's copy of a commune equals the province's, and concurrent edits at
    /// the commune and at the province are one conflict everywhere, with one id.
    @Test func workTravelsUpAndDownTwoHopsAndEveryCopyAgrees() throws {
        let districts = [
            ("trieu-son", ["dan-ly", "tan-ninh", "minh-chau"]), ("tho-xuan", ["xuan-hoa", "bac-luong", "xuan-lai"]),
        ]
        let folder = try province("province-two-hops", districts: districts)
        let hubs = Hubs()
        try serve("tinh.sqlite", folder, hubs)
        for (slug, _) in districts { try serve("huyen-\(slug).sqlite", folder, hubs) }
        // Every level writes: communes assess and send their dossier to the sector; each district office
        // verifies at its hub; the province imports a criteria set for everyone.
        for (slug, communes) in districts {
            for commune in communes {
                try ntm.ok(["assess", "17.1", "dat", "--value", "96", "--db", "\(commune).sqlite"], folder)
                try ntm.ok(["appraisal", "so xay dung", "--sent", "01/10/2018", "--db", "\(commune).sqlite"], folder)
            }
        }
        try ntm.ok(
            [
                "catalogue", "import", CLIReportTests.fixture("thanh-hoa-nang-cao-synthetic.json"), "--db",
                "tinh.sqlite",
            ],
            folder)
        // The night, bottom-up: communes, then districts (twice for the districts: the second brings
        // down what the province had not yet when the first ran).
        func night() throws {
            for (slug, communes) in districts {
                for commune in communes { _ = try sync("\(commune).sqlite", to: "huyen-\(slug).sqlite", folder, hubs) }
            }
            for (slug, _) in districts { _ = try sync("huyen-\(slug).sqlite", to: "tinh.sqlite", folder, hubs) }
        }
        try night()
        // Each district office verifies a commune's criterion at its hub (it knows the commune now).
        for (slug, communes) in districts {
            try ntm.ok(
                [
                    "verification", "17", "--commune", communes[0], "--result", "dat", "--department", "tai nguyen",
                    "--db", "huyen-\(slug).sqlite",
                ], folder)
        }
        // The province holds every commune's work, each as its writer's own, nothing quarantined.
        for (_, communes) in districts {
            for commune in communes {
                #expect(
                    try count("SELECT count(*) FROM oplog WHERE origin = 'xa-\(commune)-1'", "tinh.sqlite", folder)
                        == (try count(
                            "SELECT count(*) FROM oplog WHERE origin = 'xa-\(commune)-1'", "\(commune).sqlite", folder))
                )
            }
        }
        #expect(try count("SELECT count(*) FROM quarantine", "tinh.sqlite", folder) == 0)
        // The sector sees the backlog's rows and records its verdict; the province office assesses an
        // indicator a commune assesses too, at the same time.
        _ = try sync("sxd.sqlite", to: "tinh.sqlite", folder, hubs)
        try ntm.ok(
            [
                "appraisal", "so xay dung", "--commune", "dan-ly", "--inspected", "05/10/2018", "--verdict", "dat",
                "--document", "123/SXD-QH", "--db", "sxd.sqlite",
            ], folder)
        _ = try sync("sxd.sqlite", to: "tinh.sqlite", folder, hubs)
        try ntm.ok(["assess", "2.1", "dat", "--db", "dan-ly.sqlite"], folder)
        try ntm.ok(["assess", "2.1", "khong-dat", "--commune", "dan-ly", "--db", "tinh.sqlite"], folder)
        try night()
        try night()
        // Two hops down: the verdict is on the commune's laptop, as the sector wrote it.
        let appraisal = try ntm.output(["dump", "--commune", "dan-ly", "--db", "dan-ly.sqlite"], folder)
        #expect(appraisal.contains("123/SXD-QH") && appraisal.contains("\"origin\":\"so-xd-1\""), "\(appraisal)")
        // The province's criteria set reached a commune of each district.
        for commune in ["dan-ly", "xuan-hoa"] {
            #expect(
                try count("SELECT count(*) FROM catalogue", "\(commune).sqlite", folder) == 1, "\(commune)")
        }
        // Every copy of a commune equals the province's: the laptop's, its district's, the province's.
        for (slug, communes) in districts {
            for commune in communes {
                let top = try ntm.output(["dump", "--commune", commune, "--db", "tinh.sqlite"], folder)
                #expect(!top.isEmpty)
                #expect(
                    try ntm.output(["dump", "--commune", commune, "--db", "\(commune).sqlite"], folder) == top,
                    "\(commune)")
                #expect(
                    try ntm.output(["dump", "--commune", commune, "--db", "huyen-\(slug).sqlite"], folder) == top,
                    "\(commune)")
            }
        }
        // A district sees nothing of the other district's communes.
        let other = try ntm.output(["dump", "--commune", "xuan-hoa", "--db", "huyen-trieu-son.sqlite"], folder)
        #expect(other.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(other)")
        // One conflict, one id, at every level.
        let ids = try conflictIDs("dan-ly.sqlite", folder)
        #expect(ids.count == 1, "\(ids)")
        #expect(try conflictIDs("huyen-trieu-son.sqlite", folder, commune: "dan-ly") == ids)
        #expect(try conflictIDs("tinh.sqlite", folder, commune: "dan-ly") == ids)
    }

    /// A district hub cannot forge a sector's verdict: written at the district office and synced up,
    /// it is quarantined at the province, listed there, and never reaches anyone; the district's own
    /// rights (its communes' rows) still go through. A district cannot reach into another district.
    @Test func aDistrictsForgedVerdictIsQuarantinedAtTheProvince() throws {
        let folder = try province(
            "province-forged-verdict", districts: [("trieu-son", ["dan-ly"]), ("tho-xuan", ["xuan-hoa"])])
        let hubs = Hubs()
        try serve("tinh.sqlite", folder, hubs)
        try serve("huyen-trieu-son.sqlite", folder, hubs)
        try serve("huyen-tho-xuan.sqlite", folder, hubs)
        _ = try sync("dan-ly.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
        _ = try sync("xuan-hoa.sqlite", to: "huyen-tho-xuan.sqlite", folder, hubs)
        _ = try sync("huyen-tho-xuan.sqlite", to: "tinh.sqlite", folder, hubs)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        // The district office is told at once that a verdict is the sector's (the province enrolled the hub
        // as district:trieu-son).
        let told = try ntm.refuse(
            ["appraisal", "so xay dung", "--commune", "dan-ly", "--verdict", "dat", "--document", "99/GIA"], folder,
            db: "huyen-trieu-son.sqlite")
        #expect(told.contains("sở, ngành thẩm định"), "\(told)")
        // Forged beneath the CLI, on the hub's database itself.
        let forger = try NTMDatabase.open(at: folder.file("huyen-trieu-son.sqlite"))
        try forger.store.write(
            [
                RowChange(
                    table: NTMSchema.Table.appraisal, row: "dan-ly/qd1980-2016/so-xay-dung",
                    values: ["verdict": .text("dat"), "document": .text("99/GIA")])
            ], author: "Văn phòng")
        try ntm.ok(
            [
                "verification", "17", "--commune", "dan-ly", "--result", "dat", "--department", "tai nguyen", "--db",
                "huyen-trieu-son.sqlite",
            ], folder)
        let synced = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        #expect(synced.contains("từ chối 2"), "\(synced)")
        let held = try ntm.output(["hub", "quarantine", "--json", "--db", "tinh.sqlite"], folder)
        #expect(held.contains("verdict") && held.contains("document") && held.contains("forbidden"), "\(held)")
        #expect(!held.contains("\"verification\""), "\(held)")
        let top = try ntm.output(["dump", "--commune", "dan-ly", "--db", "tinh.sqlite"], folder)
        #expect(!top.contains("99/GIA") && top.contains("\"verification\""), "\(top)")
        // The other district's sync never brings it down.
        _ = try sync("huyen-tho-xuan.sqlite", to: "tinh.sqlite", folder, hubs)
        #expect(!(try ntm.output(["dump", "--db", "huyen-tho-xuan.sqlite"], folder)).contains("99/GIA"))
        // Writing into another district's commune from trieu-son (its database does not hold that commune,
        // so the write is made beneath the CLI): quarantined too.
        try forger.store.write(
            [
                RowChange(
                    table: NTMSchema.Table.assessment, row: "xuan-hoa/qd1980-2016/17.1",
                    values: ["status": .text("dat")])
            ], author: "Văn phòng")
        let reaching = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        #expect(reaching.contains("từ chối 1"), "\(reaching)")
        #expect(try count("SELECT count(*) FROM quarantine", "tinh.sqlite", folder) == 3)
    }

    /// A two-tier province: a commune enrolled straight at the province, with no district hub, syncs
    /// with the province and gets the sector's verdict after one hop; its scope holds its rows and the
    /// province's, not other communes'.
    @Test func aCommuneReportsStraightToTheProvince() throws {
        let folder = try province("province-two-tier", districts: [("trieu-son", ["dan-ly"])])
        try ntm.ok(
            [
                "init", "--replica", "xa-hai-tien-1", "--commune", "hai-tien", "--name", "Hải Tiến", "--db",
                "hai-tien.sqlite",
            ], folder)
        #expect(
            try ntm.enrol(
                "xa-hai-tien-1", as: "commune:hai-tien", db: "hai-tien.sqlite", hub: "tinh.sqlite",
                in: folder.path) == nil)
        // --district is only for a commune, and only at a province hub.
        let wrong = try ntm.refuse(
            [
                "hub", "enroll", "--replica", "x-1", "--role", "sector:so xay dung", "--district", "trieu-son", "--out",
                "x.cred",
            ], folder, db: "tinh.sqlite")
        #expect(wrong.contains("--district"), "\(wrong)")
        let hubs = Hubs()
        try serve("tinh.sqlite", folder, hubs)
        try serve("huyen-trieu-son.sqlite", folder, hubs)
        try ntm.ok(["appraisal", "so xay dung", "--sent", "01/10/2018", "--db", "hai-tien.sqlite"], folder)
        _ = try sync("hai-tien.sqlite", to: "tinh.sqlite", folder, hubs)
        _ = try sync("dan-ly.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        _ = try sync("sxd.sqlite", to: "tinh.sqlite", folder, hubs)
        try ntm.ok(
            [
                "appraisal", "so xay dung", "--commune", "hai-tien", "--inspected", "05/10/2018", "--verdict",
                "khong-dat", "--document", "7/SXD", "--db", "sxd.sqlite",
            ], folder)
        _ = try sync("sxd.sqlite", to: "tinh.sqlite", folder, hubs)
        _ = try sync("hai-tien.sqlite", to: "tinh.sqlite", folder, hubs)
        let own = try ntm.output(["dump", "--db", "hai-tien.sqlite"], folder)
        #expect(own.contains("7/SXD"), "\(own)")
        #expect(!own.contains("dan-ly/"), "a commune receives no other commune's rows")
        #expect(
            try ntm.output(["dump", "--commune", "hai-tien", "--db", "hai-tien.sqlite"], folder)
                == (try ntm.output(["dump", "--commune", "hai-tien", "--db", "tinh.sqlite"], folder)))
        // The district hub never receives the province-level commune's rows.
        let district = try ntm.output(["dump", "--commune", "hai-tien", "--db", "huyen-trieu-son.sqlite"], folder)
        #expect(district.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(district)")
    }

    /// A hub enrolled below one of its own children is refused: once a district hub has synced with its
    /// province, enrolling the province at the district is one clear line, and nothing is enrolled.
    @Test func aCycleIsRefused() throws {
        let folder = try province("province-cycle", districts: [("trieu-son", [])])
        let hubs = Hubs()
        try serve("tinh.sqlite", folder, hubs)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        let refused = try ntm.refuse(
            ["hub", "enroll", "--replica", "tinh-thanh-hoa", "--role", "district", "--out", "loop.cred"], folder,
            db: "huyen-trieu-son.sqlite")
        #expect(refused.contains("một vòng"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("loop.cred")))
        // A province does not enrol a district-office role without its district, nor a department.
        let bare = try ntm.refuse(
            ["hub", "enroll", "--replica", "x-1", "--role", "district", "--out", "x.cred"], folder, db: "tinh.sqlite")
        #expect(bare.contains("máy chủ tỉnh không ghi danh vai trò district"), "\(bare)")
    }

    /// A commune moved from its district to the province directly keeps its history: the province
    /// enrols its laptop itself, the laptop syncs with the province, and nothing of what it wrote
    /// through the district is lost or doubled; the district's later syncs do not take it back.
    @Test func aCommuneMovedToTheProvinceKeepsItsHistory() throws {
        let folder = try province("province-moved", districts: [("trieu-son", ["dan-ly", "tan-ninh"])])
        let hubs = Hubs()
        try serve("tinh.sqlite", folder, hubs)
        try serve("huyen-trieu-son.sqlite", folder, hubs)
        try ntm.ok(["assess", "17.1", "dat", "--db", "dan-ly.sqlite"], folder)
        _ = try sync("dan-ly.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        let before = try count("SELECT count(*) FROM oplog WHERE origin = 'xa-dan-ly-1'", "tinh.sqlite", folder)
        #expect(before > 0)
        let delegated = try ntm.output(["hub", "replicas", "--db", "tinh.sqlite"], folder)
        #expect(
            delegated.contains("xa-dan-ly-1  commune:dan-ly") && delegated.contains("(ghi danh qua huyen-trieu-son)"),
            "\(delegated)")
        // A district's credential fits that district's hub only.
        try ntm.ok(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "tho-xuan", "--db", "tho-xuan.sqlite"], folder
        )
        let misplaced = try ntm.refuse(
            ["credential", "install", "huyen-trieu-son.cred"], folder, db: "tho-xuan.sqlite")
        #expect(misplaced.contains("district:trieu-son"), "\(misplaced)")
        // The reorganisation: the province enrols the laptop directly (no district any more).
        #expect(
            try ntm.enrol(
                "xa-dan-ly-1", as: "commune:dan-ly", db: "dan-ly.sqlite", hub: "tinh.sqlite",
                in: folder.path) == nil)
        try ntm.ok(["assess", "2.1", "dat", "--db", "dan-ly.sqlite"], folder)
        _ = try sync("dan-ly.sqlite", to: "tinh.sqlite", folder, hubs)
        let laptop = try count("SELECT count(*) FROM oplog WHERE origin = 'xa-dan-ly-1'", "dan-ly.sqlite", folder)
        #expect(try count("SELECT count(*) FROM oplog WHERE origin = 'xa-dan-ly-1'", "tinh.sqlite", folder) == laptop)
        // The district syncs again: it takes nothing back and changes nothing of the moved commune.
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        let replicas = try ntm.output(["hub", "replicas", "--db", "tinh.sqlite"], folder)
        let line = replicas.split(separator: "\n").first { $0.hasPrefix("xa-dan-ly-1  commune:dan-ly") }
        #expect(line != nil && !line!.contains("ghi danh qua"), "\(replicas)")
        #expect(try count("SELECT count(*) FROM quarantine", "tinh.sqlite", folder) == 0)
        #expect(
            try ntm.output(["dump", "--commune", "dan-ly", "--db", "dan-ly.sqlite"], folder)
                == (try ntm.output(["dump", "--commune", "dan-ly", "--db", "tinh.sqlite"], folder)))
        // Its old district still serves its other commune.
        _ = try sync("tan-ninh.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
    }

    /// The province hub killed at random points while a district hub syncs with it, again and again:
    /// each committed batch stays, the next sync resumes, and in the end the province holds exactly
    /// what the district holds of its own and of its communes, nothing doubled.
    @Test func theProvinceKilledMidSyncLosesNothing() throws {
        let folder = try province("province-killed", districts: [("trieu-son", ["dan-ly"])])
        let hubs = Hubs()
        try serve("huyen-trieu-son.sqlite", folder, hubs)
        try ntm.ok(["assess", "17.1", "dat", "--db", "dan-ly.sqlite"], folder)
        _ = try sync("dan-ly.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
        hubs.running["huyen-trieu-son.sqlite"]?.process.terminate()
        hubs.running["huyen-trieu-son.sqlite"]?.process.waitUntilExit()
        // Thousands of the district office's own writes, so that a sync takes many batches.
        let district = try NTMDatabase.open(at: folder.file("huyen-trieu-son.sqlite"))
        let changes = (0..<12_000).map { index in
            RowChange(
                table: NTMSchema.Table.deadline, row: "trieu-son/bulk-\(index)",
                values: ["title": .text("Hạn \(index)"), "due": .text("2018-10-01")])
        }
        for chunk in stride(from: 0, to: changes.count, by: 3000) {
            try district.store.write(Array(changes[chunk..<min(chunk + 3000, changes.count)]), author: "Văn phòng")
        }
        let port = try PortProbe.freePort()
        var generator = SystemRandomNumberGenerator()
        var cut = 0
        for _ in 0..<6 {
            try serve("tinh.sqlite", folder, hubs, port: port)
            let sync = try ntm.start(
                ["sync", "--hub", "127.0.0.1:\(port)", "--db", "huyen-trieu-son.sqlite"], in: folder.path,
                environment: ["NTM_USER": "Văn phòng"])
            usleep(UInt32.random(in: 50_000...400_000, using: &generator))
            kill(hubs.running["tinh.sqlite"]!.process.processIdentifier, SIGKILL)
            hubs.running["tinh.sqlite"]!.process.waitUntilExit()
            sync.waitUntilExit()
            if sync.terminationStatus != 0 { cut += 1 }
        }
        // Most rounds ended mid-session (the sync failed): the test killed the hub while it worked.
        #expect(cut >= 3, "\(cut) of 6 syncs were cut")
        try serve("tinh.sqlite", folder, hubs, port: port)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        for origin in ["huyen-trieu-son", "xa-dan-ly-1"] {
            let held = try count(
                "SELECT count(*) FROM oplog WHERE origin = '\(origin)'", "huyen-trieu-son.sqlite", folder)
            #expect(
                try count("SELECT count(*) FROM oplog WHERE origin = '\(origin)'", "tinh.sqlite", folder) == held,
                "\(origin)")
            #expect(
                try count("SELECT count(DISTINCT seq) FROM oplog WHERE origin = '\(origin)'", "tinh.sqlite", folder)
                    == held)
        }
        try ntm.ok(["verify", "--db", "tinh.sqlite"], folder)
        #expect(
            try ntm.output(["dump", "--commune", "trieu-son", "--db", "tinh.sqlite"], folder)
                == (try ntm.output(["dump", "--commune", "trieu-son", "--db", "huyen-trieu-son.sqlite"], folder)))
    }

    /// A restored district hub recovers from its province as it recovers from its communes: once the
    /// province enrols its new replica id (the restore says how), its sync upward brings back what it
    /// had sent up after the backup, and it goes on relaying its communes' work.
    @Test func aRestoredDistrictHubRecoversFromItsProvince() throws {
        let folder = try province("province-restored-district", districts: [("trieu-son", ["dan-ly", "tan-ninh"])])
        let hubs = Hubs()
        try serve("tinh.sqlite", folder, hubs)
        try serve("huyen-trieu-son.sqlite", folder, hubs)
        _ = try sync("dan-ly.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        try ntm.ok(["hub", "backup", "backup.sqlite", "--db", "huyen-trieu-son.sqlite"], folder)
        // After the backup: the communes' work and the district office's reach the province, then the
        // district's disk dies.
        try ntm.ok(["assess", "17.1", "dat", "--value", "96", "--db", "dan-ly.sqlite"], folder)
        try ntm.ok(["assess", "2.1", "dat", "--db", "tan-ninh.sqlite"], folder)
        _ = try sync("dan-ly.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
        _ = try sync("tan-ninh.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
        try ntm.ok(
            [
                "verification", "17", "--commune", "dan-ly", "--result", "dat", "--department", "tai nguyen", "--db",
                "huyen-trieu-son.sqlite",
            ], folder)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        hubs.running["huyen-trieu-son.sqlite"]?.process.terminate()
        hubs.running["huyen-trieu-son.sqlite"]?.process.waitUntilExit()
        let restore = try ntm.output(["hub", "restore", "backup.sqlite", "--db", "restored.sqlite"], folder)
        guard let newID = restore.firstMatch(of: /mã bản sao mới ([a-z0-9-]+)/)?.1 else {
            Issue.record("no new replica id in: \(restore)")
            return
        }
        #expect(restore.contains("ntm hub enroll --replica \(newID) --role district:trieu-son"), "\(restore)")
        #expect(
            try ntm.enrol(
                String(newID), as: "district:trieu-son", db: "restored.sqlite", hub: "tinh.sqlite",
                in: folder.path) == nil)
        _ = try sync("restored.sqlite", to: "tinh.sqlite", folder, hubs)
        // What it had sent up after the backup is back, from the province alone (no commune has synced).
        for commune in ["dan-ly", "tan-ninh"] {
            #expect(
                try ntm.output(["dump", "--commune", commune, "--db", "restored.sqlite"], folder)
                    == (try ntm.output(["dump", "--commune", commune, "--db", "tinh.sqlite"], folder)), "\(commune)")
        }
        #expect(
            try ntm.output(["dump", "--commune", "dan-ly", "--db", "restored.sqlite"], folder).contains(
                "\"verification\""))
        // It goes on: a commune's new work reaches the province through the restored hub.
        try serve("restored.sqlite", folder, hubs)
        try ntm.ok(["assess", "5", "dat", "--db", "dan-ly.sqlite"], folder)
        _ = try sync("dan-ly.sqlite", to: "restored.sqlite", folder, hubs)
        _ = try sync("restored.sqlite", to: "tinh.sqlite", folder, hubs)
        #expect(
            try ntm.output(["dump", "--commune", "dan-ly", "--db", "dan-ly.sqlite"], folder)
                == (try ntm.output(["dump", "--commune", "dan-ly", "--db", "tinh.sqlite"], folder)))
        #expect(try count("SELECT count(*) FROM quarantine", "tinh.sqlite", folder) == 0)
    }

    /// During a reorganisation a commune's replicas sync with both levels: one laptop still with the
    /// district, another already enrolled at the province. Their concurrent edits converge, one
    /// conflict with one id everywhere, and nothing is lost.
    @Test func aCommuneSyncingWithBothLevelsConverges() throws {
        let folder = try province("province-both-levels", districts: [("trieu-son", ["dan-ly"])])
        try ntm.ok(
            [
                "init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--district", "trieu-son", "--db",
                "dan-ly-2.sqlite",
            ], folder)
        try ntm.ok(
            [
                "hub", "enroll", "--replica", "xa-dan-ly-2", "--role", "commune:dan-ly", "--district", "trieu-son",
                "--out", "x2.cred", "--db", "tinh.sqlite",
            ], folder)
        try ntm.ok(["credential", "install", "x2.cred", "--db", "dan-ly-2.sqlite"], folder)
        let hubs = Hubs()
        try serve("tinh.sqlite", folder, hubs)
        try serve("huyen-trieu-son.sqlite", folder, hubs)
        try ntm.ok(["assess", "17.1", "dat", "--value", "96", "--db", "dan-ly.sqlite"], folder)
        try ntm.ok(["assess", "17.1", "khong-dat", "--value", "80", "--db", "dan-ly-2.sqlite"], folder)
        try ntm.ok(["assess", "2.1", "dat", "--db", "dan-ly-2.sqlite"], folder)
        for _ in 0..<2 {
            _ = try sync("dan-ly.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
            _ = try sync("dan-ly-2.sqlite", to: "tinh.sqlite", folder, hubs)
            _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        }
        _ = try sync("dan-ly.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
        let top = try ntm.output(["dump", "--commune", "dan-ly", "--db", "tinh.sqlite"], folder)
        for db in ["dan-ly.sqlite", "dan-ly-2.sqlite", "huyen-trieu-son.sqlite"] {
            #expect(try ntm.output(["dump", "--commune", "dan-ly", "--db", db], folder) == top, "\(db)")
        }
        // Both laptops set 17.1's status and its value: two fields in conflict, each with one id.
        let ids = try conflictIDs("tinh.sqlite", folder, commune: "dan-ly")
        #expect(ids.count == 2, "\(ids)")
        for db in ["dan-ly.sqlite", "dan-ly-2.sqlite"] { #expect(try conflictIDs(db, folder) == ids, "\(db)") }
        #expect(try count("SELECT count(*) FROM quarantine", "tinh.sqlite", folder) == 0)
    }

    /// A district hub grants at the province only what is its own: a commune named like another
    /// district, or a commune the province enrolled straight under itself, is not enrolled there through
    /// its log; and a revocation at the district keeps, at the province, the work the district had taken
    /// before it (the district's cutoff, not what the province happened to hold).
    @Test func aDistrictGrantsOnlyItsOwnAndItsCutoffsHold() throws {
        let folder = try province(
            "province-grants", districts: [("trieu-son", ["dan-ly"]), ("tho-xuan", ["xuan-hoa"])])
        try ntm.ok(
            ["init", "--replica", "xa-hai-tien-1", "--commune", "hai-tien", "--db", "hai-tien.sqlite"], folder)
        #expect(
            try ntm.enrol(
                "xa-hai-tien-1", as: "commune:hai-tien", db: "hai-tien.sqlite", hub: "tinh.sqlite", in: folder.path)
                == nil)
        let hubs = Hubs()
        try serve("tinh.sqlite", folder, hubs)
        try serve("huyen-trieu-son.sqlite", folder, hubs)
        _ = try sync("huyen-tho-xuan.sqlite", to: "tinh.sqlite", folder, hubs)
        // trieu-son enrols laptops for tho-xuan (another district) and hai-tien (straight under the province).
        for (replica, commune) in [("gia-1", "tho-xuan"), ("gia-2", "hai-tien")] {
            try ntm.ok(
                [
                    "hub", "enroll", "--replica", replica, "--role", "commune:\(commune)", "--out", "\(replica).cred",
                    "--db", "huyen-trieu-son.sqlite",
                ], folder)
        }
        // dan-ly writes, syncs with its district; the district revokes its laptop before syncing up.
        try ntm.ok(["assess", "17.1", "dat", "--value", "96", "--db", "dan-ly.sqlite"], folder)
        _ = try sync("dan-ly.sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
        try ntm.ok(["hub", "revoke", "xa-dan-ly-1", "--db", "huyen-trieu-son.sqlite"], folder)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        let replicas = try ntm.output(["hub", "replicas", "--db", "tinh.sqlite"], folder)
        #expect(!replicas.contains("gia-1") && !replicas.contains("gia-2"), "\(replicas)")
        #expect(replicas.contains("xa-dan-ly-1  commune:dan-ly") && replicas.contains("đã thu hồi"), "\(replicas)")
        // Everything the district had taken of dan-ly before revoking stands at the province.
        let held = try count(
            "SELECT count(*) FROM oplog WHERE origin = 'xa-dan-ly-1'", "huyen-trieu-son.sqlite", folder)
        #expect(held > 0)
        #expect(try count("SELECT count(*) FROM oplog WHERE origin = 'xa-dan-ly-1'", "tinh.sqlite", folder) == held)
        #expect(try count("SELECT count(*) FROM quarantine", "tinh.sqlite", folder) == 0)
        // The district's scope at the province did not grow.
        #expect(
            try ntm.output(["dump", "--commune", "hai-tien", "--db", "huyen-trieu-son.sqlite"], folder)
                .trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    /// A cycle on the wire: a province enrolled (by mistake) as a replica of its own district, once the
    /// district has synced up, is refused when it syncs with that district, with nothing taken.
    @Test func aHubBelowItsOwnChildIsRefusedOnTheWire() throws {
        let folder = try province("province-wire-cycle", districts: [("trieu-son", [])])
        // Enrolled before the district knew its province: the enrolment could not tell.
        #expect(
            try ntm.enrol(
                "tinh-thanh-hoa", as: "district", db: "tinh.sqlite", hub: "huyen-trieu-son.sqlite", in: folder.path)
                == nil)
        let hubs = Hubs()
        try serve("tinh.sqlite", folder, hubs)
        try serve("huyen-trieu-son.sqlite", folder, hubs)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        let before = try count("SELECT count(*) FROM oplog", "huyen-trieu-son.sqlite", folder)
        let refused = try ntm.attempt(
            [
                "sync", "--hub", "127.0.0.1:\(hubs.running["huyen-trieu-son.sqlite"]!.port)", "--db", "tinh.sqlite",
            ], folder)
        #expect(refused.status != 0 && refused.stderr.contains("cycle"), "\(refused.stderr)")
        #expect(try count("SELECT count(*) FROM oplog", "huyen-trieu-son.sqlite", folder) == before)
    }

    /// The offline path up: a district hub that never reaches its province hands it a bundle. The
    /// bundle introduces the district's log (signed with the credential the province issued), so the
    /// province enrols the district's communes and takes their work, signed by them, as a session would.
    /// An introduction altered on the way refuses the bundle whole, in one line.
    @Test func aDistrictsBundleReachesTheProvinceByHand() throws {
        let folder = try province("province-usb-up", districts: [("trieu-son", ["dan-ly", "tan-ninh"])])
        let hubs = Hubs()
        try serve("huyen-trieu-son.sqlite", folder, hubs)
        for commune in ["dan-ly", "tan-ninh"] {
            try ntm.ok(["assess", "17.1", "dat", "--db", "\(commune).sqlite"], folder)
            _ = try sync("\(commune).sqlite", to: "huyen-trieu-son.sqlite", folder, hubs)
        }
        try ntm.ok(
            [
                "verification", "17", "--commune", "dan-ly", "--result", "dat", "--department", "tai nguyen", "--db",
                "huyen-trieu-son.sqlite",
            ], folder)
        try ntm.ok(["bundle", "export", "up.ndjson", "--db", "huyen-trieu-son.sqlite"], folder)
        // Altered on the way: another log key in the introduction.
        let text = try String(contentsOfFile: folder.file("up.ndjson"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let key = try #require(lines[0].firstMatch(of: /"lower_hub":\{[^}]*"key":"([0-9a-f]{64})"/)?.1)
        lines[0] = lines[0].replacingOccurrences(of: String(key), with: String(repeating: "ab", count: 32))
        try lines.joined(separator: "\n").write(
            toFile: folder.file("altered.ndjson"), atomically: true, encoding: .utf8)
        let refused = try ntm.refuse(["bundle", "import", "altered.ndjson"], folder, db: "tinh.sqlite")
        #expect(refused.contains("không có chữ ký đúng của huyen-trieu-son"), "\(refused)")
        // The genuine bundle.
        let imported = try ntm.output(["bundle", "import", "up.ndjson", "--db", "tinh.sqlite"], folder)
        #expect(imported.contains("ghi danh 2 máy của máy chủ cấp dưới"), "\(imported)")
        for commune in ["dan-ly", "tan-ninh"] {
            #expect(
                try ntm.output(["dump", "--commune", commune, "--db", "tinh.sqlite"], folder)
                    == (try ntm.output(["dump", "--commune", commune, "--db", "huyen-trieu-son.sqlite"], folder)))
        }
        #expect(try count("SELECT count(*) FROM quarantine", "tinh.sqlite", folder) == 0)
        // Later the district reaches its province online: nothing doubled, nothing refused.
        try serve("tinh.sqlite", folder, hubs)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        #expect(try count("SELECT count(*) FROM quarantine", "tinh.sqlite", folder) == 0)
        #expect(
            try ntm.output(["dump", "--commune", "trieu-son", "--db", "tinh.sqlite"], folder)
                == (try ntm.output(["dump", "--commune", "trieu-son", "--db", "huyen-trieu-son.sqlite"], folder)))
    }

    /// A commune the district knows without any laptop enrolled (its work came on a stick the district
    /// vouched for): the district claims it at the province, which places it under the district, so the
    /// district office's own writes on its rows are taken there, not quarantined.
    @Test func aDistrictClaimsItsCommunesWithoutALaptop() throws {
        let folder = try province("province-claims", districts: [("trieu-son", [])])
        try ntm.ok(
            [
                "init", "--replica", "xa-minh-chau-1", "--commune", "minh-chau", "--district", "trieu-son", "--db",
                "minh-chau.sqlite",
            ], folder)
        try ntm.ok(["bundle", "export", "paper.ndjson", "--db", "minh-chau.sqlite"], folder)
        try ntm.ok(
            ["bundle", "import", "paper.ndjson", "--commune", "minh-chau", "--db", "huyen-trieu-son.sqlite"], folder)
        try ntm.ok(
            [
                "verification", "17", "--commune", "minh-chau", "--result", "dat", "--department", "tai nguyen",
                "--db", "huyen-trieu-son.sqlite",
            ], folder)
        let hubs = Hubs()
        try serve("tinh.sqlite", folder, hubs)
        _ = try sync("huyen-trieu-son.sqlite", to: "tinh.sqlite", folder, hubs)
        #expect(try count("SELECT count(*) FROM quarantine", "tinh.sqlite", folder) == 0)
        #expect(
            try sqlite3(folder.file("tinh.sqlite"), "SELECT parent FROM unit_parent WHERE unit = 'minh-chau'")
                == "trieu-son")
        let top = try ntm.output(["dump", "--commune", "minh-chau", "--db", "tinh.sqlite"], folder)
        #expect(top.contains("\"verification\""), "\(top)")
    }
}
