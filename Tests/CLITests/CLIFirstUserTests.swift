import Foundation
import TestSupport
import Testing

/// What a first user met when trying the README on the built binary: each one ends in one clear line
/// in the person's words, or works as the README says.
@Suite struct CLIFirstUserTests {
    let ntm = NTMBinary()

    func run(_ arguments: [String], _ folder: TemporaryDirectory) throws -> RunResult {
        let result = try ntm.run(arguments, in: folder.path, environment: ["NTM_USER": "Lan"])
        #expect(result.status == 0, "ntm \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    func fail(_ arguments: [String], _ folder: TemporaryDirectory) throws -> RunResult {
        try ntm.run(arguments, in: folder.path, environment: ["NTM_USER": "Lan"])
    }

    @Test func aDepartmentLaptopIsMadeFromItsCredentialAloneAndWritesNothingItsRoleMayNot() throws {
        let folder = TemporaryDirectory("first-department")
        _ = try run(
            [
                "hub", "init", "--replica", "huyen-trieu-son", "--district", "trieu-son", "--name", "Triệu Sơn",
                "--db", "hub.sqlite",
            ], folder)
        _ = try run(
            [
                "hub", "enroll", "--replica", "phong-gd", "--role", "department:Phòng Giáo dục và Đào tạo", "--out",
                "pgd.cred", "--db", "hub.sqlite",
            ], folder)
        _ = try run(["init", "--credential", "pgd.cred", "--db", "pgd.sqlite"], folder)
        let synced = try run(
            ["sync", "--db", "pgd.sqlite", "--via", "\(ntm.path) hub stdio --db hub.sqlite 2>/dev/null"], folder)
        #expect(!synced.stdout.contains("từ chối"), "\(synced.stdout)")
        #expect(try run(["hub", "quarantine", "--db", "hub.sqlite"], folder).stdout.contains("Không có thay đổi"))
        // The district's own rows came from the hub.
        #expect(
            try run(["dump", "--commune", "trieu-son", "--db", "pgd.sqlite"], folder).stdout
                == run(["dump", "--commune", "trieu-son", "--db", "hub.sqlite"], folder).stdout)
        // A department that does not own the criterion is named as such.
        _ = try run(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly", "--db", "x.sqlite"], folder)
        let other = try fail(
            ["verification", "5", "--result", "dat", "--department", "y te", "--db", "x.sqlite"], folder)
        #expect(other.status == 1)
        #expect(other.stderr.contains("Phòng Y tế không phụ trách tiêu chí 5; phòng phụ trách: "), "\(other.stderr)")
        // A --via command that fails for a reason of its own is not worth retrying (exit 1, not 75).
        let missing = try fail(
            ["sync", "--db", "pgd.sqlite", "--via", "\(ntm.path) hub stdio --db nothere.sqlite"], folder)
        #expect(missing.status == 1, "\(missing.stderr)")
    }

    @Test func shortIdsEmptyDumpsAndOtherFilesAreNamed() throws {
        let folder = TemporaryDirectory("first-mistakes")
        _ = try run(["init", "--replica", "xa-dan-ly-1", "--commune", "dan-ly"], folder)
        let added = try run(["evidence", "add", "17.1", "--title", "Biên bản"], folder).stdout
        let id = try #require(added.split(whereSeparator: { !$0.isHexDigit }).first { $0.count == 12 })
        let short = try fail(["evidence", "remove", String(id.prefix(2))], folder)
        #expect(short.status == 1)
        #expect(short.stderr.contains("quá ngắn: gõ ít nhất 4 ký tự đầu"), "\(short.stderr)")
        _ = try run(["evidence", "remove", String(id.prefix(4))], folder)
        // A dump of a commune this database holds nothing of says so (a typo would compare equal).
        let dump = try run(["dump", "--commune", "khong-co"], folder)
        #expect(dump.stdout == "\n")
        #expect(dump.stderr.contains("không có bản ghi nào của \"khong-co\" (có ở đây: dan-ly)"), "\(dump.stderr)")
        // A deadline past its day is listed as overdue; marking it done twice writes nothing the second time.
        let deadline = try run(
            ["deadline", "add", "--title", "Nộp báo cáo", "--due", "01/01/2020", "--department", "UBND xã"], folder)
        let deadlineID = try #require(
            deadline.stdout.split(whereSeparator: { !$0.isHexDigit }).first { $0.count == 12 })
        #expect(try run(["deadline", "list"], folder).stdout.contains("quá hạn, chưa xong"))
        _ = try run(["deadline", "done", String(deadlineID)], folder)
        let operations = try run(["log"], folder).stdout.split(separator: "\n").count
        let twice = try fail(["deadline", "done", String(deadlineID)], folder)
        #expect(twice.status == 1 && twice.stderr.contains("đã xong ngày"), "\(twice.stderr)")
        #expect(try run(["log"], folder).stdout.split(separator: "\n").count == operations)
        #expect(try run(["deadline", "list"], folder).stdout.contains("xong ngày "))
        // `ntm help asess` is the same mistake as `ntm asess`.
        let help = try fail(["help", "asess"], folder)
        #expect(help.status == 64 && help.stderr.contains("ý bạn là \"ntm assess\""), "\(help.stderr)")
        #expect(try run(["help", "assess"], folder).stdout.contains("assess"))
        // A file that is not a bundle, in Vietnamese.
        try Data("%PDF-1.4\n".utf8).write(to: URL(fileURLWithPath: folder.file("bb12.pdf")))
        let pdf = try fail(["bundle", "import", "bb12.pdf"], folder)
        #expect(pdf.status == 1)
        #expect(pdf.stderr.contains("không phải gói ntm (dòng đầu không phải phần đầu của một gói"), "\(pdf.stderr)")
        #expect(!pdf.stderr.contains("JSON"))
    }
}
