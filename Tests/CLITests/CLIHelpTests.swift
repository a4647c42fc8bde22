import Foundation
import NTM
import SyncCore
import TestSupport
import Testing

/// Help, usage errors and everything else the binary prints come in one language: Vietnamese by
/// default, English with `--lang en` or NTM_LANG=en.
@Suite struct CLIHelpTests {
    let ntm = NTMBinary()

    /// A letter of Vietnamese (ă, đ, ơ, ạ, …): none may show in English output, but for the names
    /// of places used in examples.
    static func vietnameseLetters(_ text: String) -> String {
        var text = text
        // Word by word: a name may be wrapped over two lines.
        for name in ["Dân", "Lý", "Triệu", "Sơn"] { text = text.replacingOccurrences(of: name, with: "") }
        return String(text.filter { $0.isLetter && !$0.isASCII })
    }

    /// ArgumentParser's own English, which must not show in Vietnamese output.
    static let parserEnglish = [
        "OVERVIEW", "USAGE", "ARGUMENTS:", "OPTIONS:", "SUBCOMMANDS", "Show help information", "Show the version",
        "(default", "See '", "Error:", "Usage:", "Help:", "Missing", "Unexpected", "Unknown option", "is invalid",
    ]

    /// Every command's path (`["assess"]`, `["hub", "init"]`), read from the help screens themselves.
    func commands(_ path: [String] = [], in folder: TemporaryDirectory) throws -> [[String]] {
        // `ntm help` shows a group's own help even where it has a default command (conflicts).
        let help = try ntm.run(["help"] + path, in: folder.path, environment: ["NTM_LANG": "en"]).stdout
        guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [path] }
        var found: [[String]] = path.isEmpty ? [] : [path]
        for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else {
                if line.isEmpty || !line.hasPrefix(" ") { break }
                continue
            }
            let name = String(line.dropFirst(2).prefix { $0 != " " })
            guard name != "help" else { continue }
            found += try commands(path + [name], in: folder)
        }
        return found
    }

    @Test func everyHelpScreenIsInOneLanguage() throws {
        let folder = TemporaryDirectory("cli-help")
        let all = try commands(in: folder)
        #expect(all.count > 40, "\(all)")
        #expect(all.contains(["hub", "replicas"]) && all.contains(["conflicts", "review"]))
        for path in [[]] + all {
            let english = try ntm.run(path + ["--help", "--lang", "en"], in: folder.path)
            #expect(english.status == 0)
            #expect(Self.vietnameseLetters(english.stdout).isEmpty, "ntm \(path) --help --lang en: \(english.stdout)")
            #expect(english.stdout.contains("USAGE: ntm"))
            let vietnamese = try ntm.run(path + ["--help"], in: folder.path)
            #expect(vietnamese.status == 0)
            #expect(vietnamese.stdout.contains("CÁCH DÙNG: ntm"), "ntm \(path) --help: \(vietnamese.stdout)")
            for word in Self.parserEnglish {
                #expect(!vietnamese.stdout.contains(word), "ntm \(path) --help shows \(word): \(vietnamese.stdout)")
            }
        }
        // The same with NTM_LANG, and for the root.
        let root = try ntm.run(["--help"], in: folder.path, environment: ["NTM_LANG": "en"])
        #expect(root.stdout.hasPrefix("OVERVIEW: A commune's New Rural Development criteria evidence"))
        #expect(root.stdout.contains("SUBCOMMANDS:") && root.stdout.contains("Show the version."))
        let assess = try ntm.run(["assess", "--help"], in: folder.path, environment: ["NTM_LANG": "en"])
        #expect(assess.stdout.contains("The measured value, e.g. 96.5"), "\(assess.stdout)")
        let vi = try ntm.run(["assess", "--help"], in: folder.path)
        #expect(vi.stdout.hasPrefix("MÔ TẢ: Ghi kết quả tự đánh giá một chỉ tiêu."), "\(vi.stdout)")
        #expect(vi.stdout.contains("TÙY CHỌN:") && vi.stdout.contains("Hiện phần trợ giúp này."))
        #expect(vi.stdout.contains("(mặc định:") == false || vi.stdout.contains("(mặc định: "))
        // `ntm` alone and `ntm help CMD` are help screens too.
        #expect(try ntm.run([], in: folder.path).stdout.contains("CÁC LỆNH:"))
        #expect(try ntm.run(["help", "assess", "--lang", "en"], in: folder.path).stdout.contains("The measured value"))
        #expect(try ntm.run(["report", "--help"], in: folder.path).stdout.contains("(mặc định: 30)"))
        // --lang before any command, or to `ntm` alone.
        #expect(try ntm.run(["--lang", "en"], in: folder.path).stdout.hasPrefix("OVERVIEW: "))
        #expect(try ntm.run(["--lang=en", "--help"], in: folder.path).stdout.hasPrefix("OVERVIEW: "))
    }

    /// One line on stderr, with ArgumentParser's usage status, in the chosen language.
    func usageError(_ arguments: [String], in folder: TemporaryDirectory, environment: [String: String] = [:]) throws
        -> String
    {
        let result = try ntm.run(arguments, in: folder.path, environment: environment)
        #expect(result.status == 64, "ntm \(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1, "ntm \(arguments): \(result.stderr)")
        return result.stderr
    }

    @Test func usageErrorsAreOneLineInTheChosenLanguage() throws {
        let folder = TemporaryDirectory("cli-usage-lang")
        let cases: [(arguments: [String], vi: String, en: String)] = [
            (
                ["assess"], "ntm: lỗi: thiếu đối số <code> (Mã chỉ tiêu, ví dụ 17.1); xem: ntm assess --help\n",
                "ntm: error: missing argument <code> (The indicator's code, e.g. 17.1); see: ntm assess --help\n"
            ),
            (
                ["assess", "17.1", "dat", "--frobnicate"],
                "ntm: lỗi: không có tùy chọn --frobnicate; xem: ntm assess --help\n",
                "ntm: error: unknown option --frobnicate; see: ntm assess --help\n"
            ),
            (
                ["assess", "17.1", "dat", "--vlaue", "5"],
                "ntm: lỗi: không có tùy chọn --vlaue; ý bạn là --value; xem: ntm assess --help\n",
                "ntm: error: unknown option --vlaue; did you mean --value; see: ntm assess --help\n"
            ),
            (
                ["assess", "17.1", "dat", "thêm"], "ntm: lỗi: thừa đối số \"thêm\"; xem: ntm assess --help\n",
                "ntm: error: unexpected argument \"thêm\"; see: ntm assess --help\n"
            ),
            (
                ["assess", "17.1", "dat", "--note"],
                "ntm: lỗi: thiếu giá trị cho --note <note> (Ghi chú); xem: ntm assess --help\n",
                "ntm: error: missing value for --note <note> (A note); see: ntm assess --help\n"
            ),
            (
                ["conflicts", "resolve", "abcd", "--pick", "hai"],
                "ntm: lỗi: giá trị \"hai\" không hợp lệ cho --pick <pick>",
                "ntm: error: invalid value \"hai\" for --pick <pick>"
            ),
            (
                ["report", "--json=yes"], "ntm: lỗi: tùy chọn --json không nhận giá trị, nhưng đã cho \"yes\"",
                "ntm: error: option --json takes no value, but \"yes\" was given"
            ),
        ]
        for (arguments, vi, en) in cases {
            let vietnamese = try usageError(arguments, in: folder)
            #expect(vietnamese.hasPrefix(vi), "ntm \(arguments): \(vietnamese)")
            for word in Self.parserEnglish { #expect(!vietnamese.contains(word), "\(vietnamese)") }
            #expect(try usageError(arguments + ["--lang", "en"], in: folder).hasPrefix(en))
            #expect(try usageError(arguments, in: folder, environment: ["NTM_LANG": "en"]).hasPrefix(en))
        }
    }

    /// `--lang` takes vi or en; anything else is a usage error, worded whole in the language in force.
    @Test func anUnknownLanguageIsAUsageError() throws {
        let folder = TemporaryDirectory("cli-bad-lang")
        #expect(
            try usageError(["status", "--lang", "fr"], in: folder)
                == "ntm: lỗi: giá trị \"fr\" không hợp lệ cho --lang <lang> (Ngôn ngữ hiển thị: vi hoặc en); xem: ntm status --help\n"
        )
        #expect(
            try usageError(["--lang", "fr", "status"], in: folder, environment: ["NTM_LANG": "en"])
                == "ntm: error: invalid value \"fr\" for --lang <lang> (Display language: vi or en); see: ntm status --help\n"
        )
    }

    @Test func aMisspelledCommandGetsTheNearestOne() throws {
        let folder = TemporaryDirectory("cli-misspelled")
        #expect(
            try usageError(["asess", "17.1", "dat"], in: folder)
                == "ntm: lỗi: không có lệnh \"ntm asess\"; ý bạn là \"ntm assess\"; xem: ntm --help\n")
        #expect(
            try usageError(["asess", "--lang", "en"], in: folder)
                == "ntm: error: there is no command \"ntm asess\"; did you mean \"ntm assess\"; see: ntm --help\n")
        #expect(
            try usageError(["hub", "repicas"], in: folder)
                == "ntm: lỗi: không có lệnh \"ntm hub repicas\"; ý bạn là \"ntm hub replicas\"; xem: ntm hub --help\n")
        #expect(
            try usageError(["hub", "repicas"], in: folder, environment: ["NTM_LANG": "en"]).contains(
                "did you mean \"ntm hub replicas\""))
        #expect(try usageError(["conf"], in: folder).contains("ý bạn là \"ntm conflicts\""))
        #expect(
            try usageError(["conflicts", "lsit"], in: folder)
                == "ntm: lỗi: không có lệnh \"ntm conflicts lsit\"; ý bạn là \"ntm conflicts list\"; xem: ntm help conflicts\n"
        )
        #expect(try usageError(["--lang", "en", "asess"], in: folder).contains("did you mean \"ntm assess\""))
        // Nothing near: the commands are listed.
        let far = try usageError(["frobnicate"], in: folder)
        #expect(far.contains("không có lệnh \"ntm frobnicate\"; các lệnh: init, commune, target"), "\(far)")
    }

    @Test func aValueMayBeNegative() throws {
        let folder = TemporaryDirectory("cli-negative")
        let env = ["NTM_USER": "Lan"]
        #expect(try ntm.run(["init", "--replica", "xa-1", "--commune", "dan-ly"], in: folder.path).status == 0)
        for arguments in [
            ["assess", "1.1", "dang-thuc-hien", "--value", "-5"],
            ["assess", "1.2", "dang-thuc-hien", "--value", "-2,5", "--note", "âm"],
        ] {
            try ntm.ok(arguments, folder)
        }
        let log = try ntm.run(["log"], in: folder.path).stdout
        #expect(log.contains("(mới) → -5"), "\(log)")
        #expect(log.contains("(mới) → -2,5"), "\(log)")
        // A percentage still has its range: the value was read, and the domain says why it is wrong.
        let percent = try ntm.run(["assess", "15.1", "chua-dat", "--value", "-5"], in: folder.path, environment: env)
        #expect(percent.status == 1 && percent.stderr.contains("phải nằm trong khoảng 0–100%"), "\(percent.stderr)")
        // A decision's new value too: the conflict is what is missing, not the value.
        let resolve = try ntm.run(
            ["conflicts", "resolve", "abcd", "--value", "-5"], in: folder.path, environment: env)
        #expect(resolve.status == 1 && !resolve.stderr.contains("--value"), "\(resolve.stderr)")
        // Where a number cannot be negative, it is refused for that, not taken for an option.
        let within = try ntm.run(["report", "--within", "-5"], in: folder.path)
        #expect(within.stderr == "ntm: lỗi: số ngày \"-5\" không hợp lệ; dùng số nguyên từ 0 đến 366\n")
        let pick = try ntm.run(["conflicts", "resolve", "abcd", "--pick", "-1"], in: folder.path, environment: env)
        #expect(pick.status == 1 && !pick.stderr.contains("--pick"), "\(pick.stderr)")
        // And a command given before --lang still gets it.
        let english = try ntm.run(
            ["--lang", "en", "assess", "1.1", "dat", "--value", "-1"], in: folder.path, environment: env)
        #expect(english.stdout.hasPrefix("Recorded indicator 1.1"), "\(english.stdout) \(english.stderr)")
    }

    @Test func optionsThatDoNotApplyAreHidden() throws {
        let folder = TemporaryDirectory("cli-hidden")
        func options(_ path: [String]) throws -> Set<String> {
            let help = try ntm.run(path + ["--help"], in: folder.path).stdout
            return Set(["--commune", "--set", "--by", "--db", "--lang"].filter { help.contains("  \($0) ") })
        }
        #expect(try options(["assess"]) == ["--commune", "--set", "--by", "--db", "--lang"])
        #expect(try options(["report"]) == ["--commune", "--set", "--db", "--lang"])
        #expect(try options(["conflicts", "review"]) == ["--commune", "--by", "--db", "--lang"])
        #expect(try options(["dump"]) == ["--commune", "--db", "--lang"])
        #expect(try options(["hub", "init"]) == ["--by", "--db", "--lang"])
        for path in [
            ["verify"], ["summary"], ["sync"], ["hub", "serve"], ["bundle", "import"], ["credential", "show"],
        ] {
            #expect(try options(path) == ["--db", "--lang"], "ntm \(path) --help")
        }
        // Still accepted where hidden: a script that passes them everywhere keeps working.
        #expect(try ntm.run(["init", "--replica", "xa-1", "--commune", "dan-ly"], in: folder.path).status == 0)
        let summary = try ntm.run(["summary", "--commune", "dan-ly", "--by", "Lan"], in: folder.path)
        #expect(summary.status == 0, "\(summary.stderr)")
    }

    @Test func versionIsPrinted() throws {
        let folder = TemporaryDirectory("cli-version")
        let result = try ntm.run(["--version"], in: folder.path)
        #expect(result.status == 0)
        #expect(result.stdout == "ntm \(NTMVersion.current)\n")
        #expect(result.stdout.range(of: #"^ntm \d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
        #expect(try ntm.run(["--version", "--lang", "en"], in: folder.path).stdout == result.stdout)
    }

    @Test func systemTextsAreTranslated() throws {
        let folder = TemporaryDirectory("cli-system-text")
        // Not a database.
        try "hello, not SQLite\n".write(toFile: folder.file("notes.txt"), atomically: true, encoding: .utf8)
        let notADatabase = try ntm.run(["status", "--db", "notes.txt"], in: folder.path)
        #expect(notADatabase.status == 1)
        #expect(
            notADatabase.stderr
                == "ntm: lỗi: notes.txt không phải cơ sở dữ liệu ntm (tệp không phải là cơ sở dữ liệu SQLite)\n")
        #expect(
            try ntm.run(["status", "--db", "notes.txt", "--lang", "en"], in: folder.path).stderr
                == "ntm: error: notes.txt is not an ntm replica database (the file is not an SQLite database)\n")
        // A hub that refuses the connection; a --via command that does not exist.
        #expect(try ntm.run(["init", "--replica", "xa-1", "--commune", "dan-ly"], in: folder.path).status == 0)
        let refused = try ntm.run(["sync", "--hub", "127.0.0.1:1", "--insecure"], in: folder.path)
        #expect(refused.status == 75)
        #expect(refused.stderr.contains("máy chủ từ chối kết nối"), "\(refused.stderr)")
        #expect(!refused.stderr.lowercased().contains("connection refused"))
        let missing = try ntm.run(["sync", "--via", "ntm-no-such-command-here"], in: folder.path)
        #expect(missing.stderr.contains("không tìm thấy lệnh (mã thoát 127)"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("exit status"))
        let missingEnglish = try ntm.run(
            ["sync", "--via", "ntm-no-such-command-here", "--lang", "en"], in: folder.path)
        #expect(missingEnglish.stderr.contains("command not found (exit status 127)"), "\(missingEnglish.stderr)")
        // A criteria file's English remark in Vietnamese, its Vietnamese targets in English.
        let vi = try ntm.run(["criteria", "11"], in: folder.path).stdout
        #expect(vi.contains("mục tiêu: theo vùng (chưa kiểm chứng)") && !vi.contains("unverified"), "\(vi)")
        let en = try ntm.run(["criteria", "11", "--lang", "en"], in: folder.path).stdout
        #expect(en.contains("target: by region (unverified)") && !en.contains("theo vùng"), "\(en)")
        let met = try ntm.run(["criteria", "1.1", "--lang", "en"], in: folder.path).stdout
        #expect(met.contains("target: Met") && !met.contains("Đạt"), "\(met)")
    }

    @Test func englishOutputHasRightPluralsAndNoVietnameseWords() throws {
        let folder = TemporaryDirectory("cli-english")
        func run(_ arguments: [String]) throws -> String {
            try ntm.output(arguments, folder, environment: ["NTM_LANG": "en"])
        }
        let created = try run(["init", "--replica", "xa-1", "--commune", "dan-ly", "--name", "Dan Ly"])
        #expect(created.contains("19 criteria, 49 indicators"), "\(created)")
        _ = try run(["assess", "17.1", "chua-dat", "--value", "80"])
        _ = try run(["evidence", "add", "17.1", "--title", "Minutes 12"])
        #expect(try run(["evidence", "list"]).hasSuffix("\n1 document\n"))
        let status = try run(["status"])
        #expect(status.contains("Evidence: 1 document\n"), "\(status)")
        #expect(status.contains("Log: ") && !status.contains(" 1 operations"), "\(status)")
        let exported = try run(["bundle", "export", "one.ndjson"])
        #expect(!exported.contains(" 1 operations") && exported.contains(" operations to one.ndjson"), "\(exported)")
        let report = try run(["report"])
        for text in [status, report, try run(["conflicts"]), try run(["log"]), try run(["criteria", "17"])] {
            // Departments and sectors are names; everything else is English.
            var rest = text
            for line in text.split(separator: "\n") where line.contains("department") || line.contains("Phòng") {
                rest = rest.replacingOccurrences(of: line, with: "")
            }
            for word in ["Đạt", "theo vùng", "đạt", "chung ≥", "nước sạch", "mục tiêu"] {
                #expect(!rest.contains(word), "\(word) in: \(text)")
            }
        }
        #expect(report.contains("target nationwide ≥95% (≥65% clean water)"), "\(report)")
    }

    @Test func reviewWrapsToColumnsAndShowsTheSameKeysInBothLanguages() throws {
        let folder = TemporaryDirectory("cli-review-wrap")
        let env = ["NTM_USER": "Lan"]
        for arguments in [
            ["init", "--replica", "xa-1", "--commune", "dan-ly", "--name", "Dân Lý"],
            ["init", "--replica", "xa-2", "--commune", "dan-ly", "--db", "other.sqlite"],
            ["assess", "17.1", "chua-dat", "--value", "80", "--note", "Thôn 3 còn 12 hộ chưa dùng nước sạch"],
            ["assess", "17.1", "dat", "--value", "96", "--db", "other.sqlite"],
            ["bundle", "export", "other.ndjson", "--db", "other.sqlite"],
            ["bundle", "import", "other.ndjson"],
        ] {
            try ntm.ok(arguments, folder)
        }
        func review(_ environment: [String: String]) throws -> [Substring] {
            let result = try ntm.run(
                ["conflicts", "review"], in: folder.path, environment: env.merging(environment) { $1 }, stdin: "s\nb\n")
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n")
        }
        // To a pipe, whole lines; with COLUMNS, wrapped at spaces to it.
        #expect(try review([:]).contains { $0.count > 50 })
        let vietnamese = try review(["COLUMNS": "50"])
        #expect(vietnamese.allSatisfy { $0.count <= 50 }, "\(vietnamese.filter { $0.count > 50 })")
        let english = try review(["COLUMNS": "50", "NTM_LANG": "en"])
        #expect(english.allSatisfy { $0.count <= 50 }, "\(english.filter { $0.count > 50 })")
        // The same keys, shown at every question, in both languages; a key and its meaning on one line.
        let vi = vietnamese.joined(separator: "\n")
        let en = english.joined(separator: "\n")
        for (key, said) in [("v", "viết giá trị mới"), ("n", "ghi chú"), ("s", "bỏ qua"), ("q", "thoát")] {
            #expect(vi.components(separatedBy: "\(key): \(said)").count == 3, "\(vi)")
        }
        for (key, said) in [("v", "type a new value"), ("n", "note"), ("s", "skip"), ("q", "quit")] {
            #expect(en.components(separatedBy: "\(key): \(said)").count == 3, "\(en)")
        }
        // s skips, and so does b (the Vietnamese "bỏ qua" of earlier versions).
        #expect(vi.contains("Đã quyết định 0, bỏ qua 2; còn 2 xung đột đang mở."), "\(vi)")
        #expect(en.contains("Decided 0, skipped 2; 2 conflicts still open."), "\(en)")
    }
}
