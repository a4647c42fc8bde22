import Crypto
import Foundation
import SyncCore
import TestSupport
import Testing

/// Signed work by any path (`protocol/PROTOCOL.md` §14): a laptop without a connection reaches the hub
/// through a colleague's, a commune's bundle imported at the hub is judged by its writer's role, and
/// a relayed forgery is refused and named with nothing of it applied.
@Suite struct CLIRelayTests {
    let ntm = NTMBinary(user: "Cán bộ xã")

    /// A district with two laptops of Dân Lý, both enrolled: `a.sqlite` (xa-dan-ly-1), which never
    /// sees the network, and `b.sqlite` (xa-dan-ly-2); `a` has assessed two indicators and exported its
    /// bundle `a.ndjson`.
    func district(_ label: String) throws -> TemporaryDirectory {
        let folder = TemporaryDirectory(label)
        try ntm.district(
            folder, laptops: [("xa-dan-ly-1", "dan-ly", "a.sqlite"), ("xa-dan-ly-2", "dan-ly", "b.sqlite")])
        try ntm.ok(["assess", "17.1", "dat", "--value", "96", "--db", "a.sqlite"], folder)
        try ntm.ok(["assess", "2.1", "dat", "--db", "a.sqlite"], folder)
        try ntm.ok(["bundle", "export", "a.ndjson", "--db", "a.sqlite"], folder)
        return folder
    }

    func count(_ origin: String, in db: String, _ folder: TemporaryDirectory) throws -> Int {
        Int(try sqlite3(folder.file(db), "SELECT count(*) FROM oplog WHERE origin = '\(origin)'")) ?? -1
    }

    var via: [String] { ["--via", "\(ntm.path) hub stdio --db hub.sqlite"] }

    @Test func aLaptopWithoutAConnectionReachesTheHubThroughAColleague() throws {
        let folder = try district("relay-colleague")
        let written = try count("xa-dan-ly-1", in: "a.sqlite", folder)
        #expect(written >= 2)
        try ntm.ok(["bundle", "import", "a.ndjson", "--db", "b.sqlite"], folder)
        let sync = try ntm.output(["sync", "--db", "b.sqlite"] + via, folder)
        #expect(sync.contains("đã chuyển tiếp \(written) thao tác của máy khác"), "\(sync)")
        #expect(!sync.contains("chưa gửi được"), "\(sync)")
        // At the hub, as a's own: every operation, none quarantined, the row in the district's view.
        #expect(try count("xa-dan-ly-1", in: "hub.sqlite", folder) == written)
        #expect(try sqlite3(folder.file("hub.sqlite"), "SELECT count(*) FROM quarantine") == "0")
        #expect(try ntm.output(["dump", "--commune", "dan-ly", "--db", "hub.sqlite"], folder).contains("17.1"))
        // When a finally syncs, its work is already there.
        try ntm.ok(["sync", "--db", "a.sqlite"] + via, folder)
        #expect(try count("xa-dan-ly-1", in: "hub.sqlite", folder) == written)
    }

    @Test func aForgedRelayIsRefusedNamedAndNothingOfItApplied() throws {
        let folder = try district("relay-forged")
        let bSeed = try credentialSeed(folder.file("xa-dan-ly-2.cred"))
        let forgeries: [(name: String, expect: String, forge: (inout Bundle) throws -> Void)] = [
            ("first-value", "không nối đúng chuỗi thao tác của máy xa-dan-ly-1", { $0.operations[0].note = "sửa" }),
            ("last-value", "không khớp chữ ký của máy đó", { $0.operations[$0.operations.count - 1].note = "sửa" }),
            ("one-removed", "không khớp chữ ký của máy đó", { $0.operations.remove(at: $0.operations.count - 1) }),
            (
                "re-signed", "không khớp chữ ký của máy đó",
                { bundle in
                    bundle.checkpoints = try bundle.checkpoints.map {
                        try Checkpoint.sign(origin: $0.origin, seq: $0.seq, head: $0.head, seed: bSeed)
                    }
                }
            ),
        ]
        for forgery in forgeries {
            var bundle = try Bundle(read: folder.file("a.ndjson"))
            try forgery.forge(&bundle)
            let file = "\(forgery.name).ndjson"
            try bundle.write(to: folder.file(file))
            // By USB at the hub: one line naming the writer, exit 1, nothing of it applied.
            let refused = try ntm.refuse(["bundle", "import", file], folder, db: "hub.sqlite")
            #expect(refused.contains(forgery.expect), "\(forgery.name): \(refused)")
            #expect(refused.contains("xa-dan-ly-1") && refused.contains("không nhập gì"), "\(refused)")
            #expect(try count("xa-dan-ly-1", in: "hub.sqlite", folder) == 0, "\(forgery.name)")
        }
        // Relayed through b (a laptop does not check): b's own sync goes through, the forgery is named
        // and not applied.
        try ntm.ok(["assess", "5", "dat", "--db", "b.sqlite"], folder)
        try ntm.ok(["bundle", "import", "last-value.ndjson", "--db", "b.sqlite"], folder)
        let sync = try ntm.output(["sync", "--db", "b.sqlite"] + via, folder)
        #expect(sync.contains("huyện từ chối việc của xa-dan-ly-1 mang qua máy này"), "\(sync)")
        #expect(try count("xa-dan-ly-1", in: "hub.sqlite", folder) == 0)
        #expect(
            try count("xa-dan-ly-2", in: "hub.sqlite", folder) == (try count("xa-dan-ly-2", in: "b.sqlite", folder)))
        // The genuine bundle goes in whole: the checks above refused the forgeries, not every bundle.
        let imported = try ntm.output(["bundle", "import", "a.ndjson", "--db", "hub.sqlite"], folder)
        #expect(imported.contains("mới"), "\(imported)")
        #expect(
            try count("xa-dan-ly-1", in: "hub.sqlite", folder) == (try count("xa-dan-ly-1", in: "a.sqlite", folder)))
    }

    @Test func aCommunesBundleAtTheHubIsJudgedByItsWritersRole() throws {
        let folder = TemporaryDirectory("relay-usb-hub")
        try ntm.ok(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        try ntm.ok(
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--district", "trieu-son", "--db", "x.sqlite"],
            folder)
        // Written before the laptop was enrolled: its own assessment, and the department's verification,
        // which a commune may not write (nothing checked it then).
        try ntm.ok(["assess", "17.1", "dat", "--value", "96", "--db", "x.sqlite"], folder)
        try ntm.ok(
            ["verification", "17", "--result", "dat", "--department", "tai nguyen", "--db", "x.sqlite"], folder)
        try ntm.ok(["bundle", "export", "unsigned.ndjson", "--db", "x.sqlite"], folder)
        // Not enrolled: the hub does not know whose work this is, and takes none of it.
        let unknown = try ntm.ok(["bundle", "import", "unsigned.ndjson", "--db", "hub.sqlite"], folder)
        #expect(unknown.stdout.contains("0 mới"), "\(unknown.stdout)")
        #expect(unknown.stderr.contains("máy chưa ghi danh ở huyện"), "\(unknown.stderr)")
        #expect(try count("xa-dan-ly-1", in: "hub.sqlite", folder) == 0)
        // Vouching for a commune that is no slug (a name typed by hand) is refused before anything is read.
        let typo = try ntm.refuse(
            ["bundle", "import", "unsigned.ndjson", "--commune", "Dân Lý"], folder, db: "hub.sqlite")
        #expect(typo.contains("mã xã \"Dân Lý\" không hợp lệ"), "\(typo)")
        #expect(try sqlite3(folder.file("hub.sqlite"), "SELECT count(*) FROM quarantine") == "0")
        // Enrolled, its next bundle is signed; the hub applies the assessment and quarantines the
        // verification, judged by the writer's role (commune:dan-ly), not by who carried the stick.
        #expect(try ntm.enrol("xa-dan-ly-1", as: "commune:dan-ly", db: "x.sqlite", in: folder.path) == nil)
        try ntm.ok(["bundle", "export", "signed.ndjson", "--db", "x.sqlite"], folder)
        let imported = try ntm.output(["bundle", "import", "signed.ndjson", "--db", "hub.sqlite"], folder)
        #expect(imported.contains("bị từ chối vì người ghi không có quyền"), "\(imported)")
        let quarantine = try ntm.output(["hub", "quarantine", "--json", "--db", "hub.sqlite"], folder)
        #expect(quarantine.contains("\"verification\"") && !quarantine.contains("\"assessment\""), "\(quarantine)")
        let dump = try ntm.output(["dump", "--commune", "dan-ly", "--db", "hub.sqlite"], folder)
        #expect(dump.contains("17.1") && !dump.contains("\"verification\""), "\(dump)")
        // A person may vouch for a commune that was never enrolled: its work is judged as that
        // commune's (here a laptop of another commune, whose verification is quarantined the same way).
        try ntm.ok(
            [
                "init", "--replica", "xa-tan-ninh-1", "--commune", "tan-ninh", "--district", "trieu-son", "--db",
                "y.sqlite",
            ], folder)
        try ntm.ok(["assess", "17.1", "dat", "--value", "97", "--db", "y.sqlite"], folder)
        try ntm.ok(["verification", "17", "--result", "dat", "--department", "tai nguyen", "--db", "y.sqlite"], folder)
        try ntm.ok(["bundle", "export", "y.ndjson", "--db", "y.sqlite"], folder)
        let vouched = try ntm.output(
            ["bundle", "import", "y.ndjson", "--commune", "tan-ninh", "--db", "hub.sqlite"], folder)
        #expect(vouched.contains("bị từ chối vì người ghi không có quyền"), "\(vouched)")
        #expect(try ntm.output(["dump", "--commune", "tan-ninh", "--db", "hub.sqlite"], folder).contains("17.1"))
    }

    /// A hub restored from a backup learns from the laptops what it lost: the enrolment log entries (a
    /// revocation holds again) and its own writes (relayed, verified under its key), with no bundle
    /// imported by hand; until every laptop has synced it says so in its report.
    @Test func aRestoredHubTakesBackItsRevocationsAndItsOwnWritesFromTheLaptops() throws {
        let folder = TemporaryDirectory("relay-restore")
        try ntm.district(
            folder, laptops: [("xa-dan-ly-1", "dan-ly", "a.sqlite"), ("xa-tan-ninh-1", "tan-ninh", "b.sqlite")])
        for db in ["a.sqlite", "b.sqlite"] { try ntm.ok(["sync", "--db", db] + via, folder) }
        try ntm.ok(["hub", "backup", "backup.sqlite", "--db", "hub.sqlite"], folder)
        // After the backup: a third laptop is enrolled, syncs, and is revoked (lost); district staff write.
        try ntm.ok(
            [
                "init", "--replica", "xa-dan-ly-2", "--commune", "dan-ly", "--district", "trieu-son", "--db",
                "c.sqlite",
            ], folder)
        #expect(try ntm.enrol("xa-dan-ly-2", as: "commune:dan-ly", db: "c.sqlite", in: folder.path) == nil)
        try ntm.ok(["assess", "2.1", "dat", "--db", "c.sqlite"], folder)
        try ntm.ok(["sync", "--db", "c.sqlite"] + via, folder)
        try ntm.ok(["hub", "revoke", "xa-dan-ly-2", "--db", "hub.sqlite"], folder)
        try ntm.ok(
            ["assess", "5.3", "dat", "--commune", "trieu-son", "--db", "hub.sqlite"], folder, user: "Phòng GD&ĐT")
        let lost = try count("huyen-trieu-son", in: "hub.sqlite", folder)
        try ntm.ok(["sync", "--db", "a.sqlite"] + via, folder)
        // The disk fails; the office restores the backup, which knows neither c nor the write.
        try FileManager.default.moveItem(atPath: folder.file("hub.sqlite"), toPath: folder.file("broken.sqlite"))
        try ntm.ok(["hub", "restore", "backup.sqlite", "--db", "hub.sqlite"], folder)
        #expect(try count("huyen-trieu-son", in: "hub.sqlite", folder) < lost)
        let report = try ntm.output(["hub", "report", "--db", "hub.sqlite"], folder)
        #expect(report.contains("chưa lấy lại đủ") && report.contains("xa-dan-ly-1, xa-tan-ninh-1"), "\(report)")
        // a syncs: it gives back the log entries and relays the hub's own writes.
        let sync = try ntm.output(["sync", "--db", "a.sqlite"] + via, folder)
        #expect(sync.contains("đã trả lại máy chủ 2 bản ghi ghi danh"), "\(sync)")
        #expect(try count("huyen-trieu-son", in: "hub.sqlite", folder) == lost)
        #expect(
            try ntm.output(["dump", "--commune", "trieu-son", "--db", "hub.sqlite"], folder).contains("5.3"))
        // The revocation holds again: c is shut out, and its enrolment is listed as revoked.
        let shut = try ntm.run(["sync", "--db", "c.sqlite"] + via, in: folder.path)
        #expect(shut.status == 1 && shut.stderr.contains("thu hồi"), "\(shut.stderr)")
        #expect(try ntm.output(["hub", "report", "--db", "hub.sqlite"], folder).contains("(xa-tan-ninh-1)"))
        // Once every laptop has synced, the hub has caught up and says nothing more.
        try ntm.ok(["sync", "--db", "b.sqlite"] + via, folder)
        #expect(!(try ntm.output(["hub", "report", "--db", "hub.sqlite"], folder).contains("chưa lấy lại đủ")))
    }

    /// Work a revoked laptop wrote before its revocation stands; what it wrote after, relayed by a
    /// colleague, is quarantined; a renewed laptop's older bundle, signed with its retired key, still
    /// goes in up to the renewal.
    @Test func aRevocationCutsAtWhatTheHubHeldAndARenewalKeepsTheOldKeyUpToIt() throws {
        let folder = try district("relay-revoke")
        try ntm.ok(["sync", "--db", "a.sqlite"] + via, folder)
        let before = try count("xa-dan-ly-1", in: "hub.sqlite", folder)
        try ntm.ok(["hub", "revoke", "xa-dan-ly-1", "--db", "hub.sqlite"], folder)
        // The revoked laptop goes on writing and its bundle travels through b.
        try ntm.ok(["assess", "2.2", "dat", "--db", "a.sqlite"], folder)
        try ntm.ok(["bundle", "export", "late.ndjson", "--db", "a.sqlite"], folder)
        try ntm.ok(["bundle", "import", "late.ndjson", "--db", "b.sqlite"], folder)
        try ntm.ok(["sync", "--db", "b.sqlite"] + via, folder)
        let quarantine = try ntm.output(["hub", "quarantine", "--json", "--db", "hub.sqlite"], folder)
        #expect(quarantine.contains("\"origin\":\"xa-dan-ly-1\"") && quarantine.contains("revoked"), "\(quarantine)")
        #expect(try count("xa-dan-ly-1", in: "hub.sqlite", folder) == before)
        // Renewal: b gets a new key. Its bundles signed with the old key still go in up to the renewal
        // (the old key is retired, not forgotten); work signed after it waits for the new key.
        let held = try count("xa-dan-ly-2", in: "hub.sqlite", folder)
        try ntm.ok(["bundle", "export", "old-key-held.ndjson", "--db", "b.sqlite"], folder)
        try ntm.ok(["assess", "5", "dat", "--db", "b.sqlite"], folder)
        try ntm.ok(["bundle", "export", "old-key.ndjson", "--db", "b.sqlite"], folder)
        try ntm.ok(
            [
                "hub", "enroll", "--replica", "xa-dan-ly-2", "--role", "commune:dan-ly", "--out", "b-new.cred",
                "--renew", "--db", "hub.sqlite",
            ], folder)
        try ntm.ok(["bundle", "import", "old-key-held.ndjson", "--db", "hub.sqlite"], folder)
        let imported = try ntm.run(["bundle", "import", "old-key.ndjson", "--db", "hub.sqlite"], in: folder.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try count("xa-dan-ly-2", in: "hub.sqlite", folder) == held)
        #expect(imported.stderr.contains("chưa có chữ ký của máy đó"), "\(imported.stderr)")
        try ntm.ok(["credential", "install", "b-new.cred", "--db", "b.sqlite"], folder)
        try ntm.ok(["bundle", "export", "new-key.ndjson", "--db", "b.sqlite"], folder)
        try ntm.ok(["bundle", "import", "new-key.ndjson", "--db", "hub.sqlite"], folder)
        #expect(
            try count("xa-dan-ly-2", in: "hub.sqlite", folder) == (try count("xa-dan-ly-2", in: "b.sqlite", folder)))
    }

    /// Two signed histories of one replica id (a copied laptop) prove a fork: the hub refuses the
    /// second, freezes the origin (its work waits, its own sync is refused) and says so in `ntm hub
    /// replicas`, until the district renews its key.
    @Test func aProvenForkFreezesTheOriginUntilItsKeyIsRenewed() throws {
        let folder = try district("relay-fork")
        _ = try sqlite3(folder.file("a.sqlite"), ".backup '\(folder.file("copy.sqlite"))'")
        for code in ["2.1", "2.2", "3.1"] { try ntm.ok(["assess", code, "dat", "--db", "a.sqlite"], folder) }
        try ntm.ok(["bundle", "export", "a-next.ndjson", "--db", "a.sqlite"], folder)
        try ntm.ok(["assess", "5", "dat", "--db", "copy.sqlite"], folder)
        try ntm.ok(["bundle", "export", "copy.ndjson", "--db", "copy.sqlite"], folder)
        try ntm.ok(["bundle", "import", "a-next.ndjson", "--db", "hub.sqlite"], folder)
        let held = try count("xa-dan-ly-1", in: "hub.sqlite", folder)
        let refused = try ntm.refuse(["bundle", "import", "copy.ndjson"], folder, db: "hub.sqlite")
        #expect(refused.contains("có hai lịch sử khác nhau"), "\(refused)")
        #expect(
            try ntm.output(["hub", "replicas", "--db", "hub.sqlite"], folder).contains("bị khóa: có hai lịch sử"))
        // Frozen: the original's next work waits, its own sync is refused.
        try ntm.ok(["assess", "6.1", "dat", "--db", "a.sqlite"], folder)
        try ntm.ok(["bundle", "export", "a-later.ndjson", "--db", "a.sqlite"], folder)
        let waits = try ntm.ok(["bundle", "import", "a-later.ndjson", "--db", "hub.sqlite"], folder)
        #expect(waits.stderr.contains("máy đó bị khóa ở huyện"), "\(waits.stderr)")
        #expect(try count("xa-dan-ly-1", in: "hub.sqlite", folder) == held)
        #expect(try ntm.run(["sync", "--db", "a.sqlite"] + via, in: folder.path).status != 0)
        // Renewed (the copy would recover under a new id): the original's work goes in again.
        try ntm.ok(
            [
                "hub", "enroll", "--replica", "xa-dan-ly-1", "--role", "commune:dan-ly", "--out", "a-new.cred",
                "--renew", "--db", "hub.sqlite",
            ], folder)
        try ntm.ok(["credential", "install", "a-new.cred", "--db", "a.sqlite"], folder)
        try ntm.ok(["sync", "--db", "a.sqlite"] + via, folder)
        #expect(
            try count("xa-dan-ly-1", in: "hub.sqlite", folder) == (try count("xa-dan-ly-1", in: "a.sqlite", folder)))
        #expect(
            !(try ntm.output(["hub", "replicas", "--db", "hub.sqlite"], folder).contains("bị khóa")))
    }

    /// The 32-byte key a credential file holds.
    func credentialSeed(_ path: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let json = try JSONParser.parse(text.trimmingCharacters(in: .whitespacesAndNewlines))
        return try #require(json["key"]?.string.flatMap(Hex.bytes))
    }
}

/// A bundle as a carrier could rewrite it: its header's checkpoints and its operations, with the
/// trailer's count and SHA-256 made anew, so that only the signatures can tell.
struct Bundle {
    var header: JSONObject
    var operations: [SyncOperation]
    var checkpoints: [Checkpoint] {
        get { (try? Checkpoint.list(header["checkpoints"])) ?? [] }
        set { header["checkpoints"] = .array(newValue.map(\.json)) }
    }

    init(read path: String) throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        header = try #require(try JSONParser.parse(lines[0]).object)
        operations = try lines.dropFirst().dropLast().map { try SyncOperation(json: try JSONParser.parse($0)) }
    }

    func write(to path: String) throws {
        let lines = operations.map(\.jsonLine)
        var digest = SHA256()
        for line in lines { digest.update(data: Array((line + "\n").utf8)) }
        let trailer = JSONValue.object([
            "type": .string("end"), "count": .int(Int64(lines.count)),
            "sha256": .string(Array(digest.finalize()).hexString),
        ])
        let text = ([JSONWriter.string(.object(header))] + lines + [JSONWriter.string(trailer)]).joined(separator: "\n")
        try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
