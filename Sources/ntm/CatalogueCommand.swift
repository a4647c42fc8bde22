import ArgumentParser
import Foundation
import NTM
import SyncCore

struct CatalogueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogue",
        abstract: Interface.pick(
            "Các bộ tiêu chí: liệt kê, nhập bộ của tỉnh.", "Criteria sets: list them, import a province's own."),
        subcommands: [List.self, Import.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Liệt kê các bộ tiêu chí đã biết.", "List the known criteria sets."))

        @OptionGroup var options: SharedOptions<ShowDatabase>

        func run() throws {
            let language = options.language
            let library = try knownLibrary(options)
            for catalogue in library.all {
                let origin =
                    CatalogueLibrary.isShipped(catalogue.id)
                    ? language.pick("có sẵn", "shipped") : language.pick("đã nhập", "imported")
                var line =
                    "\(catalogue.id)  \(catalogue.title(language)) — \(catalogue.unit.label(language)), \(catalogue.level.label(language)), \(language.count(catalogue.criteria.count, "tiêu chí", "criterion", plural: "criteria")), \(language.count(catalogue.indicators.count, "chỉ tiêu", "indicator")), \(language.count(catalogue.sectors.count, "ngành thẩm định", "appraising sector")) · \(origin)"
                if catalogue.synthetic { line += language.pick(" · tổng hợp để thử nghiệm", " · synthetic") }
                if catalogue.reconstructedCount > 0 {
                    line += language.pick(
                        " · \(catalogue.reconstructedCount) chỉ tiêu dựng lại, cần đối chiếu",
                        " · \(catalogue.reconstructedCount) indicators reconstructed, to be checked")
                }
                say(line)
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Nhập một bộ tiêu chí từ tệp JSON (định dạng ntm-catalogue/1, xem docs/CATALOGUE.md).",
                "Import a criteria set from a JSON file (format ntm-catalogue/1, see docs/CATALOGUE.md)."))

        @OptionGroup var options: SharedOptions<ShowAuthor>
        @Argument(help: .pick("Tệp JSON của bộ tiêu chí.", "The set's JSON file.")) var file: String

        func run() throws {
            let database = try options.openDatabase()
            let (catalogue, changed) = try database.importCatalogue(
                file: file, author: try options.author(database: database))
            let language = options.language
            let shape = language.pick(
                "\(catalogue.criteria.count) tiêu chí, \(catalogue.indicators.count) chỉ tiêu, \(catalogue.sectors.count) ngành thẩm định",
                "\(Language.english(catalogue.criteria.count, "criterion", plural: "criteria")), \(Language.english(catalogue.indicators.count, "indicator")), \(Language.english(catalogue.sectors.count, "appraising sector"))"
            )
            say(
                changed
                    ? language.pick("Đã nhập bộ \(catalogue.id): \(shape)", "Imported set \(catalogue.id): \(shape)")
                    : language.pick(
                        "Bộ \(catalogue.id) đã có, không thay đổi (\(shape))",
                        "Set \(catalogue.id) already held, unchanged (\(shape))"))
        }
    }
}

/// The sets known here: those of the database when there is one, otherwise the shipped ones.
func knownLibrary<Shown>(_ options: SharedOptions<Shown>) throws -> CatalogueLibrary {
    guard FileManager.default.fileExists(atPath: options.databasePath) else { return CatalogueLibrary() }
    return try options.openDatabase().library()
}
