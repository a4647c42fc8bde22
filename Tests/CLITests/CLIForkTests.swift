import Foundation
import SyncCore
import TestSupport
import Testing

/// A commune's database copied to a second laptop, both written on, both synced: the copy is told it
/// forked, recovers under a new id, and in the end the hub and both laptops agree with nothing lost.
@Suite struct CLIForkTests {
    let ntm = NTMBinary()

    @Test func aCopiedLaptopIsToldItForkedAndRecoversWithNothingLost() throws {
        let folder = TemporaryDirectory("cli-fork")
        // The hub's log goes to a file, as an ssh user's would stay on the district's machine.
        let via = ["--via", "\(ntm.path) hub stdio --db hub.sqlite 2>>hub.log"]
        try ntm.ok(
            ["hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--db", "hub.sqlite"], folder)
        try ntm.ok(
            [
                "init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý", "--district",
                "trieu-son", "--db", "office.sqlite",
            ], folder)
        #expect(try ntm.enrol("xa-dan-ly-1", as: "commune:dan-ly", db: "office.sqlite", in: folder.path) == nil)
        try ntm.ok(["assess", "17.1", "dang-thuc-hien", "--db", "office.sqlite"], folder)
        try ntm.ok(["sync", "--db", "office.sqlite"] + via, folder)
        // The officer copies the office laptop's database to take home.
        try FileManager.default.copyItem(atPath: folder.file("office.sqlite"), toPath: folder.file("home.sqlite"))
        try ntm.ok(["assess", "17.1", "dat", "--value", "96,5", "--db", "office.sqlite"], folder)
        try ntm.ok(["assess", "17.1", "chua-dat", "--db", "home.sqlite"], folder, user: "Hùng")
        try ntm.ok(["assess", "5", "dat", "--db", "home.sqlite"], folder, user: "Hùng")
        try ntm.ok(["sync", "--db", "office.sqlite"] + via, folder)

        let forked = try ntm.run(["sync", "--db", "home.sqlite"] + via, in: folder.path)
        #expect(forked.status == 1)
        #expect(forked.stderr.hasPrefix("ntm: lỗi: rẽ nhánh từ thao tác "), "\(forked.stderr)")
        #expect(forked.stderr.contains("ntm replica fork-recover"))
        // The hub's own log names the fork too.
        let log = try String(contentsOfFile: folder.file("hub.log"), encoding: .utf8)
        #expect(log.contains("error=fork: fork of replica xa-dan-ly-1 at seq "), "\(log)")
        let hubBefore = try ntm.ok(["dump", "--db", "hub.sqlite"], folder).stdout
        #expect(!hubBefore.contains("chua-dat"))
        // Until it is recovered, status says so and sync refuses at once, in either language.
        #expect(try ntm.ok(["status", "--db", "home.sqlite"], folder).stdout.contains("Rẽ nhánh, chưa khôi phục"))
        let again = try ntm.run(["sync", "--db", "home.sqlite", "--lang", "en"] + via, in: folder.path)
        #expect(again.status == 1 && again.stderr.hasPrefix("ntm: error: fork from operation "), "\(again.stderr)")
        #expect(try ntm.ok(["dump", "--db", "hub.sqlite"], folder).stdout == hubBefore)

        // A recovery without the right means is refused and changes nothing.
        let bare = try ntm.run(
            ["replica", "fork-recover", "--replica", "xa-dan-ly-3", "--db", "home.sqlite"], in: folder.path)
        #expect(bare.status == 1 && bare.stderr.contains("cần một"), "\(bare.stderr)")
        let none = try ntm.run(["replica", "fork-recover", "--replica", "x", "--db", "office.sqlite"], in: folder.path)
        #expect(none.status == 1 && none.stderr.contains("không bị rẽ nhánh"), "\(none.stderr)")

        // The district issues a credential for a new id; the home laptop recovers with it.
        try ntm.ok(
            [
                "hub", "enroll", "--replica", "xa-dan-ly-3", "--role", "commune:dan-ly", "--out", "home.cred", "--db",
                "hub.sqlite",
            ], folder)
        let recovered = try ntm.ok(
            ["replica", "fork-recover", "--credential", "home.cred", "--db", "home.sqlite"], folder
        ).stdout
        #expect(recovered.contains("xa-dan-ly-3") && recovered.contains("2 thao tác rẽ nhánh"), "\(recovered)")
        #expect(try ntm.ok(["verify", "--db", "home.sqlite"], folder).status == 0)
        func replicas() throws -> [String] {
            try ntm.ok(["hub", "replicas", "--db", "hub.sqlite"], folder).stdout.split(separator: "\n").map(String.init)
        }
        #expect(try replicas().contains { $0.hasPrefix("xa-dan-ly-3 ") && $0.hasSuffix("chưa đồng bộ") })
        try ntm.ok(["sync", "--db", "home.sqlite"] + via, folder)
        #expect(try replicas().contains { $0.hasPrefix("xa-dan-ly-3 ") && $0.contains("đồng bộ lần cuối ") })
        try ntm.ok(["sync", "--db", "office.sqlite"] + via, folder)

        // Both laptops' work is at the hub; the two statuses are one conflict everywhere; dumps agree.
        let dump = try ntm.ok(["dump", "--commune", "dan-ly", "--db", "hub.sqlite"], folder).stdout
        for db in ["office.sqlite", "home.sqlite"] {
            #expect(try ntm.ok(["dump", "--commune", "dan-ly", "--db", db], folder).stdout == dump)
            let conflicts = try ntm.ok(["conflicts", "--json", "--db", db], folder).stdout
            #expect(try JSONParser.parse(conflicts).array?.count == 1, "\(conflicts)")
        }
        let report = try ntm.ok(["report", "--commune", "dan-ly", "--json", "--db", "hub.sqlite"], folder).stdout

        for db in ["office.sqlite", "home.sqlite", "hub.sqlite"] {
            #expect(try ntm.ok(["verify", "--db", db], folder).status == 0)
        }
    }
}
