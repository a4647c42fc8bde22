import ArgumentParser
import Foundation
import NTM
import SyncCore

/// What ArgumentParser prints, in ntm's languages: the help screen's own words (headings, the help and
/// version flags, defaults) and its usage errors, each made one line with the command to ask for help
/// and, for a misspelled command, the nearest one. Both languages side by side, as everywhere in ntm.
enum ParserMessages {
    /// Prints the help, the version or the usage error that `error` stands for, and ends the process:
    /// help and version on standard output with status 0, a usage error as one line on standard error
    /// with ArgumentParser's usage status (64).
    static func exit(_ error: any Error, arguments: [String], language: Language) -> Never {
        let code = NTMCommand.exitCode(for: error)
        // `ntm help asess`: the help of a command that does not exist is the same mistake as `ntm asess`.
        if code.rawValue == 0, arguments.count > 2, arguments[1] == "help",
            let (sentence, help) = misspelledCommand([arguments[0]] + arguments.dropFirst(2), language)
        {
            let line = sentence + language.pick("; xem: \(help)", "; see: \(help)")
            FileHandle.standardError.write(Data((language.pick("ntm: lỗi: ", "ntm: error: ") + line + "\n").utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        if code.rawValue == 0 {
            // Vietnamese headings are a little longer than ArgumentParser's: leave them room.
            let width = (Terminal.width ?? 80) - (language == .vi ? 4 : 0)
            var text = NTMCommand.fullMessage(for: error, columns: width)
            if language == .vi { text = helpInVietnamese(text) }
            print(text)
            Foundation.exit(0)
        }
        let message = NTMCommand.message(for: error)
        guard !message.isEmpty else { Foundation.exit(code.rawValue) }
        let line = usageError(message, full: NTMCommand.fullMessage(for: error, columns: 10_000), arguments, language)
        FileHandle.standardError.write(Data((language.pick("ntm: lỗi: ", "ntm: error: ") + line + "\n").utf8))
        Foundation.exit(code.rawValue)
    }

    // MARK: - Help

    /// ArgumentParser's words on a help screen, and what they are in Vietnamese. Matched within lines;
    /// each is short enough never to be split by wrapping.
    static let helpWords: [(en: String, vi: String)] = [
        ("Show help information.", "Hiện phần trợ giúp này."),
        ("Show the version.", "In số phiên bản của ntm."),
        ("(default:", "(mặc định:"),
        ("(default)", "(mặc định)"),
        ("(values:", "(các giá trị:"),
        ("<subcommand>", "<lệnh>"),
        ("[<options>]", "[<tùy-chọn>]"),
    ]

    /// The headings at the start of a line, with the Vietnamese of each.
    static let headings: [(en: String, vi: String)] = [
        ("OVERVIEW: ", "MÔ TẢ: "),
        ("USAGE: ", "CÁCH DÙNG: "),
        ("ARGUMENTS:", "ĐỐI SỐ:"),
        ("OPTIONS:", "TÙY CHỌN:"),
        ("SUBCOMMANDS:", "CÁC LỆNH:"),
    ]

    /// A help screen with ArgumentParser's words in Vietnamese (ntm's own texts are already in it).
    static func helpInVietnamese(_ text: String) -> String {
        var lines: [String] = []
        var usageIndent: Int?
        for raw in text.components(separatedBy: "\n") {
            var line = raw
            // The usage's continuation lines are indented under its first line: follow the longer heading.
            if let extra = usageIndent {
                if line.hasPrefix("       ") {
                    line = String(repeating: " ", count: extra) + line
                } else {
                    usageIndent = nil
                }
            }
            for (en, vi) in headings where line.hasPrefix(en) {
                line = vi + line.dropFirst(en.count)
                if en == "USAGE: " { usageIndent = vi.count - en.count }
            }
            if let match = line.range(
                of: #"^  See '(.+) <subcommand>' for detailed help\.$"#, options: .regularExpression)
            {
                let command = line[match].dropFirst("  See '".count).dropLast(" <subcommand>' for detailed help.".count)
                line = "  Xem chi tiết từng lệnh: \(command) <lệnh>"
            }
            for (en, vi) in helpWords { line = line.replacingOccurrences(of: en, with: vi) }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Usage errors

    /// ArgumentParser's usage errors (their English as it prints them, `$1`… the quoted parts) and
    /// ntm's sentence for each, in Vietnamese and in English.
    static let errors: [(pattern: String, vi: String, en: String)] = [
        (#"^Missing expected argument '(.+)'$"#, "thiếu đối số $1", "missing argument $1"),
        (#"^Missing one of: (.+)$"#, "thiếu một trong các đối số $1", "missing one of $1"),
        (#"^Unexpected argument '(.+)'$"#, "thừa đối số \"$1\"", "unexpected argument \"$1\""),
        (#"^(\d+) unexpected arguments: (.+)$"#, "thừa $1 đối số: $2", "$1 unexpected arguments: $2"),
        (
            #"^Unknown option '(.+)'\. Did you mean '(.+)'\?$"#, "không có tùy chọn $1; ý bạn là $2",
            "unknown option $1; did you mean $2"
        ),
        (#"^Unknown option '(.+)'$"#, "không có tùy chọn $1", "unknown option $1"),
        (#"^Missing value for '(.+)'$"#, "thiếu giá trị cho $1", "missing value for $1"),
        (
            #"^The option '(.+)' does not take any value, but '(.*)' was specified\.$"#,
            "tùy chọn $1 không nhận giá trị, nhưng đã cho \"$2\"", "option $1 takes no value, but \"$2\" was given"
        ),
        (
            #"^The value '(.*)' is invalid for '([^']+)'.*$"#, "giá trị \"$1\" không hợp lệ cho $2",
            "invalid value \"$1\" for $2"
        ),
        (#"^Invalid option: (.+)$"#, "tùy chọn không hợp lệ: $1", "invalid option: $1"),
        (#"^Missing required subcommand\.$"#, "thiếu lệnh", "missing command"),
        (
            #"^Value to be set with (.+) had already been set with (.+)$"#, "$1 lặp lại điều $2 đã đặt",
            "$1 repeats what $2 already set"
        ),
    ]

    /// One line for a usage error: the mistake, what the argument is for, where to read more.
    static func usageError(_ message: String, full: String, _ arguments: [String], _ language: Language) -> String {
        let lines = full.components(separatedBy: "\n")
        // "  See 'ntm assess --help' for more information."
        let see = lines.compactMap { line -> String? in
            guard line.hasPrefix("  See '"), let end = line.range(of: "' for more information.") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 7)..<end.lowerBound])
        }.first
        let hint = see.map { language.pick("; xem: \($0)", "; see: \($0)") } ?? ""
        if let (sentence, help) = misspelledCommand(arguments, language) {
            return sentence + language.pick("; xem: \(help)", "; see: \(help)")
        }
        let first = message.components(separatedBy: "\n")[0]
        var sentence = first
        for (pattern, vi, en) in errors {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                let match = regex.firstMatch(in: first, range: NSRange(first.startIndex..., in: first))
            else { continue }
            // The templates hold no backslash, and `$` only before a group's number.
            sentence = regex.replacementString(for: match, in: first, offset: 0, template: language.pick(vi, en))
            break
        }
        // "Help:  <code>  Mã chỉ tiêu, ví dụ 17.1." — what the missing or wrong argument is for.
        if let help = lines.first(where: { $0.hasPrefix("Help:  ") }),
            let gap = help.dropFirst(7).range(of: "  ")
        {
            var abstract = help.dropFirst(7)[gap.upperBound...].trimmingCharacters(in: .whitespaces)
            if abstract.hasSuffix(".") { abstract.removeLast() }
            if !abstract.isEmpty { sentence += " (\(abstract))" }
        }
        return sentence + hint
    }

    /// For a word where a command was expected (`ntm asess`, `ntm hub repicas`): the sentence naming
    /// the nearest command, or listing them when none is near, and the help that lists them.
    static func misspelledCommand(_ arguments: [String], _ language: Language) -> (sentence: String, help: String)? {
        var command: any ParsableCommand.Type = NTMCommand.self
        var path = ["ntm"]
        var word: String?
        for argument in Interface.parsedArguments(arguments) {
            guard
                let next = command.configuration.subcommands.first(where: {
                    $0._commandName == argument || $0.configuration.aliases.contains(argument)
                })
            else {
                word = argument
                break
            }
            command = next
            path.append(next._commandName)
        }
        let names = command.configuration.subcommands.map { $0._commandName }
        // Where a command is expected, a word that names none is the mistake, whatever else is wrong.
        guard let word, !word.hasPrefix("-"), word != "help", !names.isEmpty else { return nil }
        let typed = (path + [word]).joined(separator: " ")
        // `ntm conflicts --help` is its default command's help: `ntm help conflicts` lists the commands.
        let help =
            command.configuration.defaultSubcommand == nil
            ? path.joined(separator: " ") + " --help" : (["ntm", "help"] + path.dropFirst()).joined(separator: " ")
        // The one command the word begins (`conf`), else the nearest within a typo or two.
        let begun = word.count >= 3 ? names.filter { $0.hasPrefix(word) } : []
        let nearest = names.map { (name: $0, distance: editDistance($0, word)) }.min { $0.distance < $1.distance }
        var best: String?
        if begun.count == 1 {
            best = begun[0]
        } else if let nearest, nearest.distance <= min(2, max(1, nearest.name.count / 3)) {
            best = nearest.name
        }
        if let best {
            let suggestion = (path + [best]).joined(separator: " ")
            let sentence = language.pick(
                "không có lệnh \"\(typed)\"; ý bạn là \"\(suggestion)\"",
                "there is no command \"\(typed)\"; did you mean \"\(suggestion)\"")
            return (sentence, help)
        }
        let sentence = language.pick(
            "không có lệnh \"\(typed)\"; các lệnh: \(names.joined(separator: ", "))",
            "there is no command \"\(typed)\"; the commands are: \(names.joined(separator: ", "))")
        return (sentence, help)
    }

    /// The edit distance between two words, in characters: insertions, deletions, substitutions and
    /// swaps of two neighbours (`lsit` is one from `list`) each count one.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
