import Foundation
import TestSupport
import Testing

/// `ntm verify`: the database integrity check, as an official runs it on a laptop's file; and the
/// district's verification of a criterion, now `ntm verification`.
@Suite struct CLIVerifyTests {
    let ntm = NTMBinary(user: "Nguyễn Thị Lan")

    /// A commune database with a few days' work.
    func prepared() throws -> TemporaryDirectory {
        let folder = TemporaryDirectory("cli-verify")
        for arguments in [
            ["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--name", "Dân Lý"],
            ["assess", "17.1", "dat", "--value", "96,5", "--note", "Theo biên bản 12/BB-UBND"],
            ["assess", "15.1", "chua-dat", "--value", "82"],
            ["dossier", "17", "--complete", "yes"],
            ["verification", "17", "--result", "dat", "--department", "tai nguyen"],
        ] {
            try ntm.ok(arguments, folder)
        }
        return folder
    }

    @Test func aSoundDatabaseIsReportedIntactInOneLine() throws {
        let folder = try prepared()
        let operations = try sqlite3(folder.file("ntm.sqlite"), "SELECT count(*) FROM oplog")
        let result = try ntm.attempt(["verify"], folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("Cơ sở dữ liệu nguyên vẹn: \(operations) thao tác của 1 bản sao, "))
        #expect(result.stdout.filter { $0 == "\n" }.count == 1)
        let english = try ntm.attempt(["verify", "--lang", "en", "--db", "ntm.sqlite"], folder)
        #expect(english.status == 0)
        #expect(english.stdout.hasPrefix("Database intact: \(operations) operations from 1 replica, "))
    }

    @Test func aTamperedCopyFailsNamingTheDeletedOperation() throws {
        let folder = try prepared()
        // The file and its write-ahead log, if ntm left one.
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: folder.file("ntm.sqlite" + suffix)) {
            try FileManager.default.copyItem(
                atPath: folder.file("ntm.sqlite" + suffix), toPath: folder.file("copy.sqlite" + suffix))
        }
        let seq = try sqlite3(
            folder.file("copy.sqlite"), "SELECT seq FROM oplog WHERE tbl = 'assessment' AND col = 'note' LIMIT 1")
        #expect(!seq.isEmpty)
        _ = try sqlite3(folder.file("copy.sqlite"), "DELETE FROM oplog WHERE origin = 'xa-dan-ly-1' AND seq = \(seq)")

        let result = try ntm.attempt(["verify", "--db", "copy.sqlite"], folder)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "Thao tác xa-dan-ly-1:\(seq) có trong danh sách đã có nhưng không còn trong nhật ký (đã bị xóa)")
        #expect(lines.contains { $0.hasPrefix("Hàng assessment dan-ly/") && $0.contains("cột note") })
        #expect(lines.last?.hasPrefix("Cơ sở dữ liệu có \(lines.count - 1) lỗi (đã kiểm tra ") == true)

        let english = try ntm.attempt(["verify", "--db", "copy.sqlite", "--lang", "en"], folder)
        #expect(english.status == 1)
        #expect(english.stdout.hasPrefix("operation xa-dan-ly-1:\(seq) is held but missing from the log (deleted)\n"))
        #expect(english.stdout.contains("\n\(lines.count - 1) problems found (checked "))

        // The original is untouched and still intact.
        #expect(try ntm.attempt(["verify"], folder).status == 0)
    }

    @Test func aChangedValueInTheLogIsNamedByItsOperation() throws {
        let folder = try prepared()
        let path = folder.file("ntm.sqlite")
        let seq = try sqlite3(path, "SELECT seq FROM oplog WHERE tbl = 'assessment' AND col = 'value' LIMIT 1")
        _ = try sqlite3(path, "UPDATE oplog SET value = '99' WHERE origin = 'xa-dan-ly-1' AND seq = \(seq)")
        let result = try ntm.attempt(["verify", "--lang", "en"], folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("column value: the stored value of xa-dan-ly-1:\(seq) differs from the log's"))
    }

    @Test func theDistrictsVerificationIsNowVerification() throws {
        let folder = try prepared()
        // The old spelling is the integrity check now, which takes no criterion.
        let old = try ntm.attempt(["verify", "17", "--result", "dat", "--department", "tai nguyen"], folder)
        #expect(old.status != 0)
        let status = try ntm.attempt(["status"], folder)
        #expect(status.status == 0)
        let help = try ntm.attempt(["--help"], folder)
        #expect(help.stdout.contains("verification"))
        #expect(help.stdout.contains("verify"))
    }
}
