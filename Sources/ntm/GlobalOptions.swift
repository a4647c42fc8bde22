import ArgumentParser
import Foundation
import NTM
import Replica
import SyncCore

/// Which of the shared options a command shows in its help: `--by` where it writes, `--commune` and
/// `--set` where it works on one commune's rows. The others are still accepted (a script passing
/// `--commune` everywhere keeps working) but hidden, since they change nothing there.
protocol SharedOptionScope {
    /// Whether `--by` (the author of writes) applies.
    static var author: Bool { get }
    /// Whether `--commune` applies.
    static var commune: Bool { get }
    /// Whether `--set` (the criteria set) applies.
    static var criteriaSet: Bool { get }
}

/// Every shared option applies: commands that write a commune's rows.
enum ShowAll: SharedOptionScope {
    static let author = true, commune = true, criteriaSet = true
}

/// `--commune` and `--set`: commands that read a commune's rows.
enum ShowPlace: SharedOptionScope {
    static let author = false, commune = true, criteriaSet = true
}

/// `--by` and `--commune`: commands that write, for a commune, without a criteria set.
enum ShowAuthorCommune: SharedOptionScope {
    static let author = true, commune = true, criteriaSet = false
}

/// `--commune` only.
enum ShowCommune: SharedOptionScope {
    static let author = false, commune = true, criteriaSet = false
}

/// `--by` only: writes that belong to no commune.
enum ShowAuthor: SharedOptionScope {
    static let author = true, commune = false, criteriaSet = false
}

/// `--db` and `--lang` only.
enum ShowDatabase: SharedOptionScope {
    static let author = false, commune = false, criteriaSet = false
}

/// The options every command takes, shown as `Shown` says.
typealias GlobalOptions = SharedOptions<ShowAll>

/// The options every command takes; `Shown` tells which of them its help shows.
struct SharedOptions<Shown: SharedOptionScope>: ParsableArguments {
    @Option(
        name: .long,
        help: .pick(
            "Tệp cơ sở dữ liệu (mặc định: $NTM_DB, rồi ./ntm.sqlite).",
            "The database file (default: $NTM_DB, then ./ntm.sqlite)."))
    var db: String?

    @Option(
        name: .long,
        help: .pick(
            "Tên người ghi (mặc định: $NTM_USER, rồi tên đã khai khi ntm init).",
            "The author's name (default: $NTM_USER, then the name given at ntm init).",
            visibility: Shown.author ? .default : .hidden))
    var by: String?

    @Option(name: .long, help: .pick("Ngôn ngữ hiển thị: vi hoặc en.", "Display language: vi or en."))
    var lang: Language?

    @Option(
        name: .long,
        help: .pick(
            "Xã (mã không dấu, ví dụ dan-ly); mặc định: xã của bản sao này.",
            "The commune (its slug, e.g. dan-ly); default: this replica's commune.",
            visibility: Shown.commune ? .default : .hidden))
    var commune: String?

    @Option(
        name: .customLong("set"),
        help: .pick(
            "Bộ tiêu chí (xem: ntm catalogue list); mặc định: mục tiêu mới nhất của xã.",
            "The criteria set (see: ntm catalogue list); default: the commune's latest target.",
            visibility: Shown.criteriaSet ? .default : .hidden))
    var criteriaSet: String?

    var language: Language { lang ?? Self.environmentLanguage.flatMap(Language.init(rawValue:)) ?? .vi }

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["NTM_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "./ntm.sqlite"
    }

    private static var environmentLanguage: String? { ProcessInfo.processInfo.environment["NTM_LANG"] }
}

extension GlobalOptions {
    /// The language, read from the raw arguments, for errors raised before or outside parsing.
    static func language(arguments: [String]) -> Language {
        // A value that is no language (a usage error, reported in the language in force) falls through.
        if let index = arguments.firstIndex(of: "--lang"), index + 1 < arguments.count,
            let language = Language(rawValue: arguments[index + 1])
        {
            return language
        }
        if let inline = arguments.first(where: { $0.hasPrefix("--lang=") }),
            let language = Language(rawValue: String(inline.dropFirst(7)))
        {
            return language
        }
        return Language(rawValue: ProcessInfo.processInfo.environment["NTM_LANG"] ?? "vi") ?? .vi
    }
}

extension SharedOptions {
    /// The author of the writes: --by, then $NTM_USER, then the name recorded at init.
    func author(_ replica: CommuneReplica?) throws -> String { try author(database: replica?.database) }

    /// The author of the writes on a database.
    func author(database: NTMDatabase?) throws -> String {
        let candidates = [by, ProcessInfo.processInfo.environment["NTM_USER"], database?.defaultAuthor]
        guard let name = candidates.compactMap({ $0.map(Text.normalized) }).first(where: { !$0.isEmpty }) else {
            throw NTMError.missingAuthor
        }
        guard name.utf8.count <= 256 else { throw NTMError.authorTooLong(name.utf8.count) }
        return name
    }

    /// The database.
    func openDatabase() throws -> NTMDatabase { try NTMDatabase.open(at: databasePath) }

    /// The chosen commune (`--commune`, or the replica's own) and target (`--set`, or the latest).
    func open() throws -> CommuneReplica { try openDatabase().commune(commune, set: criteriaSet) }

    /// The first line of `status` and `commune`: which commune, set and replica this is.
    func headline(_ replica: CommuneReplica) -> String {
        let name = replica.communeName
        let level = replica.target.level.label(language)
        let year = replica.target.year.map { language.pick(" năm \($0)", " by \($0)") } ?? ""
        // A district's own database works on the district itself: not called a commune.
        if replica.catalogue.unit == .district {
            return language.pick(
                "Huyện \(name) (\(replica.commune)) · bộ tiêu chí \(replica.catalogue.id) (\(level)\(year)) · bản sao \(replica.store.replicaID)",
                "District \(name) (\(replica.commune)) · set \(replica.catalogue.id) (\(level)\(year)) · replica \(replica.store.replicaID)"
            )
        }
        return language.pick(
            "Xã \(name) (\(replica.commune)) · bộ tiêu chí \(replica.catalogue.id) (\(level)\(year)) · bản sao \(replica.store.replicaID)",
            "Commune \(name) (\(replica.commune)) · set \(replica.catalogue.id) (\(level)\(year)) · replica \(replica.store.replicaID)"
        )
    }

    func presentation(_ replica: CommuneReplica) -> Presentation {
        Presentation(catalogue: replica.catalogue, language: language)
    }
}

/// Writes a line to standard output.
func say(_ line: String = "") { print(line) }

/// Writes a question without a line break and flushes it, so that it shows before the answer is read.
func ask(_ question: String) {
    print(question, terminator: "")
    fflush(nil)
}

/// `--lang vi` or `--lang en`; anything else is a usage error naming the value.
extension Language: ExpressibleByArgument {}
