import Foundation
import TestSupport
import Testing

/// What a first user met when trying the README on the built binary: each one ends in one clear line
/// in the person's words, or works as the README says.
@Suite struct CLIFirstUserTests {
    let ntm = NTMBinary()

    @Test func aDepartmentLaptopIsMadeFromItsCredentialAloneAndWritesNothingItsRoleMayNot() throws {
        let folder = TemporaryDirectory("first-department")
        try ntm.ok(
            [
                "hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--name", "Triệu Sơn",
                "--db", "hub.sqlite",
            ], folder)
        try ntm.ok(
            [
                "hub", "enroll", "--replica", "phong-gd", "--role", "department:Phòng Giáo dục và Đào tạo", "--out",
                "pgd.cred", "--db", "hub.sqlite",
            ], folder)
        try ntm.ok(["init", "--credential", "pgd.cred", "--db", "pgd.sqlite"], folder)
        let synced = try ntm.ok(
            ["sync", "--db", "pgd.sqlite", "--via", "\(ntm.path) hub stdio --db hub.sqlite 2>/dev/null"], folder)
        #expect(!synced.stdout.contains("từ chối"), "\(synced.stdout)")
        #expect(try ntm.ok(["hub", "quarantine", "--db", "hub.sqlite"], folder).stdout.contains("Không có thay đổi"))
        // The district's own rows came from the hub.
        #expect(
            try ntm.ok(["dump", "--commune", "trieu-son", "--db", "pgd.sqlite"], folder).stdout
                == ntm.ok(["dump", "--commune", "trieu-son", "--db", "hub.sqlite"], folder).stdout)
        // A department that does not own the criterion is named as such.
        try ntm.ok(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--db", "x.sqlite"], folder)
        let other = try ntm.attempt(
            ["verification", "5", "--result", "dat", "--department", "y te", "--db", "x.sqlite"], folder)
        #expect(other.status == 1)
        #expect(other.stderr.contains("Phòng Y tế không phụ trách tiêu chí 5; phòng phụ trách: "), "\(other.stderr)")
        // A --via command that fails for a reason of its own is not worth retrying (exit 1, not 75).
        let missing = try ntm.attempt(
            ["sync", "--db", "pgd.sqlite", "--via", "\(ntm.path) hub stdio --db nothere.sqlite"], folder)
        #expect(missing.status == 1, "\(missing.stderr)")
    }

    @Test func shortIdsEmptyDumpsAndOtherFilesAreNamed() throws {
        let folder = TemporaryDirectory("first-mistakes")
        try ntm.ok(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly"], folder)
        let added = try ntm.ok(["evidence", "add", "17.1", "--title", "Biên bản"], folder).stdout
        let id = try #require(added.split(whereSeparator: { !$0.isHexDigit }).first { $0.count == 12 })
        let short = try ntm.attempt(["evidence", "remove", String(id.prefix(2))], folder)
        #expect(short.status == 1)
        #expect(short.stderr.contains("quá ngắn: gõ ít nhất 4 ký tự đầu"), "\(short.stderr)")
        try ntm.ok(["evidence", "remove", String(id.prefix(4))], folder)
        // A dump of a commune this database holds nothing of says so (a typo would compare equal).
        let dump = try ntm.ok(["dump", "--commune", "khong-co"], folder)
        #expect(dump.stdout == "\n")
        #expect(dump.stderr.contains("không có bản ghi nào của \"khong-co\" (có ở đây: dan-ly)"), "\(dump.stderr)")
        // A deadline past its day is listed as overdue; marking it done twice writes nothing the second time.
        let deadline = try ntm.ok(
            ["deadline", "add", "--title", "Nộp báo cáo", "--due", "01/01/2020", "--department", "UBND xã"], folder)
        let deadlineID = try #require(
            deadline.stdout.split(whereSeparator: { !$0.isHexDigit }).first { $0.count == 12 })
        #expect(try ntm.ok(["deadline", "list"], folder).stdout.contains("quá hạn, chưa xong"))
        try ntm.ok(["deadline", "done", String(deadlineID)], folder)
        let operations = try ntm.ok(["log"], folder).stdout.split(separator: "\n").count
        let twice = try ntm.attempt(["deadline", "done", String(deadlineID)], folder)
        #expect(twice.status == 1 && twice.stderr.contains("đã xong ngày"), "\(twice.stderr)")
        #expect(try ntm.ok(["log"], folder).stdout.split(separator: "\n").count == operations)
        #expect(try ntm.ok(["deadline", "list"], folder).stdout.contains("xong ngày "))
        // `ntm help asess` is the same mistake as `ntm asess`.
        let help = try ntm.attempt(["help", "asess"], folder)
        #expect(help.status == 64 && help.stderr.contains("ý bạn là \"ntm assess\""), "\(help.stderr)")
        #expect(try ntm.ok(["help", "assess"], folder).stdout.contains("assess"))
        // A file that is not a bundle, in Vietnamese.
        try Data("%PDF-1.4\n".utf8).write(to: URL(fileURLWithPath: folder.file("bb12.pdf")))
        let pdf = try ntm.attempt(["bundle", "import", "bb12.pdf"], folder)
        #expect(pdf.status == 1)
        #expect(pdf.stderr.contains("không phải gói ntm (dòng đầu không phải phần đầu của một gói"), "\(pdf.stderr)")
        #expect(!pdf.stderr.contains("JSON"))
    }
}
