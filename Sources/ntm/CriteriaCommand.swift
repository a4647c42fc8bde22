import ArgumentParser
import Foundation
import NTM
import SyncCore

struct CriteriaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "criteria",
        abstract: Interface.pick(
            "Tra cứu tiêu chí, chỉ tiêu (có dấu hay không dấu): ntm criteria [BỘ] [TỪ KHÓA].",
            "Look up criteria and indicators (with or without diacritics): ntm criteria [SET] [WORDS]."),
        discussion: Interface.pick(
            """
            Ví dụ: ntm criteria nuoc sach · ntm criteria qd318-2022 17 · ntm criteria --lang en water
            [dựng lại]: nội dung dựng lại, chưa đối chiếu văn bản gốc.
            """,
            """
            For example: ntm criteria --lang en water · ntm criteria qd318-2022 17 · ntm criteria nuoc sach
            [reconstructed]: content reconstructed, not yet checked against the original document.
            """))

    @OptionGroup var options: SharedOptions<ShowPlace>

    @Argument(
        help: .pick(
            "Bộ tiêu chí (tùy chọn), rồi từ khóa hoặc mã chỉ tiêu.", "A criteria set (optional), then words or a code.")
    )
    var words: [String] = []

    func run() throws {
        let language = options.language
        let library = try knownLibrary(options)
        var words = self.words
        var catalogues: [Catalogue]
        if let first = words.first, library.all.contains(where: { $0.id == Text.slug(first) }) {
            catalogues = [try library.catalogue(first)]
            words.removeFirst()
        } else if let set = options.criteriaSet {
            catalogues = [try library.catalogue(set)]
        } else if FileManager.default.fileExists(atPath: options.databasePath),
            try options.openDatabase().homeCommune != nil || options.commune != nil
        {
            catalogues = [try options.open().catalogue]
        } else {
            // No commune to go by (no database, or a district's): every known set.
            catalogues = library.all
        }
        let query = words.joined(separator: " ")
        var found = 0
        for catalogue in catalogues {
            let matches = catalogue.search(query)
            if matches.isEmpty, catalogues.count > 1 { continue }
            found += matches.count
            print(catalogue, matches)
        }
        if found == 0 {
            say(language.pick("Không tìm thấy chỉ tiêu nào khớp \"\(query)\".", "No indicator matches \"\(query)\"."))
            throw ExitCode(1)
        }
    }

    private func print(_ catalogue: Catalogue, _ found: [Catalogue.Indicator]) {
        let language = options.language
        say("\(catalogue.id) — \(catalogue.title(language))")
        var lastCriterion = 0
        for indicator in found {
            if indicator.criterion != lastCriterion, let criterion = catalogue.criterion(indicator.criterion) {
                say(
                    "\(language.pick("Tiêu chí", "Criterion")) \(criterion.number). \(language == .vi ? criterion.nameVi : criterion.nameEn)"
                )
                lastCriterion = indicator.criterion
            }
            let mark = indicator.reconstructed ? language.pick(" [dựng lại]", " [reconstructed]") : ""
            say("  \(indicator.code)  \(language == .vi ? indicator.nameVi : indicator.nameEn)\(mark)")
            say(
                "        \(language.pick("mục tiêu", "target")): \(indicator.target.isEmpty ? "—" : indicator.target(language)) · \(language.pick("phòng", "department")): \(indicator.department) · \(language.pick("ngành thẩm định", "sector")): \(indicator.sector)"
            )
        }
        say(
            language.pick(
                "\(found.count)/\(catalogue.indicators.count) chỉ tiêu",
                "\(found.count)/\(Language.english(catalogue.indicators.count, "indicator"))"))
        if found.contains(where: \.reconstructed) {
            say(
                language.pick(
                    "[dựng lại]: nội dung dựng lại, chưa đối chiếu văn bản gốc",
                    "[reconstructed]: content reconstructed, not yet checked against the original document"))
        }
    }
}
