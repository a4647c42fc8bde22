import ArgumentParser
import Foundation
import NTM
import SyncCore

/// The language of the command line itself (help, usage errors), known before parsing: `--lang`, then
/// `NTM_LANG`, then Vietnamese.
///
/// Help texts are declared in both languages where they are written, the Vietnamese first, as the
/// rest of ntm's messages are (`language.pick("vi", "en")`):
///
/// ```swift
/// static let configuration = CommandConfiguration(
///     abstract: Interface.pick("Ghi kết quả tự đánh giá một chỉ tiêu.", "Record an indicator's assessment."))
/// @Option(help: .pick("Giá trị đo, ví dụ 96,5.", "Measured value, e.g. 96.5.")) var value: String?
/// ```
///
/// ArgumentParser evaluates them when it builds a command's help, after ``language`` is read from the
/// arguments, so they come out in the chosen language; its own words (headings, errors) are translated
/// by ``ParserMessages``.
enum Interface {
    /// The language asked for on this command line.
    static let language = GlobalOptions.language(arguments: CommandLine.arguments)

    /// The arguments ArgumentParser parses: all but the program's name, with `--lang` where the
    /// commands take it. `ntm` itself and `ntm help` take no options: a `--lang` given to them (the
    /// language is read before parsing) is left out, or moved after the command it comes before
    /// (`ntm --lang en assess …`).
    static func parsedArguments(_ arguments: [String]) -> [String] {
        var rest = Array(arguments.dropFirst())
        var language: [String] = []
        if rest.first == "--lang" {
            language = Array(rest.prefix(2))
            rest.removeFirst(language.count)
        } else if rest.first?.hasPrefix("--lang=") == true {
            language = [rest.removeFirst()]
        } else if rest.first == "help" {
            if let index = rest.firstIndex(of: "--lang") {
                language = Array(rest[index..<min(index + 2, rest.count)])
                rest.removeSubrange(index..<min(index + 2, rest.count))
            }
            if let index = rest.firstIndex(where: { $0.hasPrefix("--lang=") }) { language = [rest.remove(at: index)] }
        }
        guard let first = rest.first, first != "help", !first.hasPrefix("-") else { return rest }
        return rest + language
    }

    /// Picks the Vietnamese or the English text for help.
    static func pick(_ vi: String, _ en: String) -> String { language.pick(vi, en) }
}

extension ArgumentHelp {
    /// An option's or argument's help in the command line's language (``Interface``).
    static func pick(_ vi: String, _ en: String, visibility: ArgumentVisibility = .default) -> ArgumentHelp {
        ArgumentHelp(Interface.pick(vi, en), visibility: visibility)
    }
}

/// The terminal ntm prints to.
enum Terminal {
    /// The width to wrap at: standard output's terminal's (TIOCGWINSZ), otherwise `$COLUMNS`, otherwise
    /// 80 on a terminal that does not tell; nil when standard output is a file or a pipe and `$COLUMNS` is
    /// not set (whole lines, for programs).
    static var width: Int? {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 {
            return columns
        }
        return isatty(STDOUT_FILENO) == 1 ? 80 : nil
    }
}
