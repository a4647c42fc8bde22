import ArgumentParser
import Foundation
import NTM
import Replica

/// The options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Tệp cơ sở dữ liệu (mặc định: $NTM_DB, rồi ./ntm.sqlite).")
    var db: String?

    @Option(name: .long, help: "Tên người ghi (mặc định: $NTM_USER, rồi tên đã khai khi ntm init).")
    var by: String?

    @Option(name: .long, help: "Ngôn ngữ hiển thị: vi hoặc en.")
    var lang: String?

    var language: Language { Language(rawValue: lang ?? Self.environmentLanguage ?? "vi") ?? .vi }

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["NTM_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "./ntm.sqlite"
    }

    private static var environmentLanguage: String? { ProcessInfo.processInfo.environment["NTM_LANG"] }

    /// The language, read from the raw arguments, for errors raised before or outside parsing.
    static func language(arguments: [String]) -> Language {
        if let index = arguments.firstIndex(of: "--lang"), index + 1 < arguments.count {
            return Language(rawValue: arguments[index + 1]) ?? .vi
        }
        if let inline = arguments.first(where: { $0.hasPrefix("--lang=") }) {
            return Language(rawValue: String(inline.dropFirst(7))) ?? .vi
        }
        return Language(rawValue: environmentLanguage ?? "vi") ?? .vi
    }

    /// The author of the writes: --by, then $NTM_USER, then the name recorded at init.
    func author(_ replica: CommuneReplica?) throws -> String {
        let candidates = [by, ProcessInfo.processInfo.environment["NTM_USER"], replica?.defaultAuthor]
        guard let name = candidates.compactMap({ $0.map(Text.normalized) }).first(where: { !$0.isEmpty }) else {
            throw NTMError.missingAuthor
        }
        guard name.utf8.count <= 256 else { throw NTMError.authorTooLong(name.utf8.count) }
        return name
    }

    func validate() throws {
        if let lang, Language(rawValue: lang) == nil {
            throw ValidationError("--lang: dùng vi hoặc en (use vi or en)")
        }
    }

    func open() throws -> CommuneReplica { try CommuneReplica.open(at: databasePath) }

    /// The first line of `status` and `commune`: which commune, set and replica this is.
    func headline(_ replica: CommuneReplica) -> String {
        let name = replica.communeName
        return language.pick(
            "Xã \(name) (\(replica.commune)) · bộ tiêu chí \(replica.catalogue.id) · bản sao \(replica.store.replicaID)",
            "Commune \(name) (\(replica.commune)) · set \(replica.catalogue.id) · replica \(replica.store.replicaID)")
    }

    func presentation(_ replica: CommuneReplica) -> Presentation {
        Presentation(catalogue: replica.catalogue, language: language)
    }
}

/// Writes a line to standard output.
func say(_ line: String = "") { print(line) }
