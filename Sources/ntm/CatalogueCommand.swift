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
            let l = options.language
            let library = try knownLibrary(options)
            for catalogue in library.all {
                let origin =
                    CatalogueLibrary.isShipped(catalogue.id)
                    ? l.pick("có sẵn", "shipped") : l.pick("đã nhập", "imported")
                var line =
                    "\(catalogue.id)  \(catalogue.title(l)) — \(catalogue.unit.label(l)), \(catalogue.level.label(l)), \(l.count(catalogue.criteria.count, "tiêu chí", "criterion", plural: "criteria")), \(l.count(catalogue.indicators.count, "chỉ tiêu", "indicator")), \(l.count(catalogue.sectors.count, "ngành thẩm định", "appraising sector")) · \(origin)"
                if catalogue.synthetic { line += l.pick(" · tổng hợp để thử nghiệm", " · synthetic") }
                if catalogue.reconstructedCount > 0 {
                    line += l.pick(
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
            let l = options.language
            let shape = l.pick(
                "\(catalogue.criteria.count) tiêu chí, \(catalogue.indicators.count) chỉ tiêu, \(catalogue.sectors.count) ngành thẩm định",
                "\(Language.english(catalogue.criteria.count, "criterion", plural: "criteria")), \(Language.english(catalogue.indicators.count, "indicator")), \(Language.english(catalogue.sectors.count, "appraising sector"))"
            )
            say(
                changed
                    ? l.pick("Đã nhập bộ \(catalogue.id): \(shape)", "Imported set \(catalogue.id): \(shape)")
                    : l.pick(
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
        let l = options.language
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
            say(l.pick("Không tìm thấy chỉ tiêu nào khớp \"\(query)\".", "No indicator matches \"\(query)\"."))
            throw ExitCode(1)
        }
    }

    private func print(_ catalogue: Catalogue, _ found: [Catalogue.Indicator]) {
        let l = options.language
        say("\(catalogue.id) — \(catalogue.title(l))")
        var lastCriterion = 0
        for indicator in found {
            if indicator.criterion != lastCriterion, let criterion = catalogue.criterion(indicator.criterion) {
                say(
                    "\(l.pick("Tiêu chí", "Criterion")) \(criterion.number). \(l == .vi ? criterion.nameVi : criterion.nameEn)"
                )
                lastCriterion = indicator.criterion
            }
            let mark = indicator.reconstructed ? l.pick(" [dựng lại]", " [reconstructed]") : ""
            say("  \(indicator.code)  \(l == .vi ? indicator.nameVi : indicator.nameEn)\(mark)")
            say(
                "        \(l.pick("mục tiêu", "target")): \(indicator.target.isEmpty ? "—" : indicator.target(l)) · \(l.pick("phòng", "department")): \(indicator.department) · \(l.pick("ngành thẩm định", "sector")): \(indicator.sector)"
            )
        }
        say(
            l.pick(
                "\(found.count)/\(catalogue.indicators.count) chỉ tiêu",
                "\(found.count)/\(Language.english(catalogue.indicators.count, "indicator"))"))
        if found.contains(where: \.reconstructed) {
            say(
                l.pick(
                    "[dựng lại]: nội dung dựng lại, chưa đối chiếu văn bản gốc",
                    "[reconstructed]: content reconstructed, not yet checked against the original document"))
        }
    }
}

struct TargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target",
        abstract: Interface.pick(
            "Mục tiêu của xã: bộ tiêu chí, mức đạt, năm phấn đấu (không có đối số: liệt kê).",
            "The commune's targets: criteria set, level, year (without an argument: list them)."),
        discussion: Interface.pick(
            "Ví dụ: ntm target qd1980-2016 --year 2018 · ntm target th-nang-cao-2020 --level nang-cao --year 2020",
            "For example: ntm target qd1980-2016 --year 2018 · ntm target th-nang-cao-2020 --level nang-cao --year 2020"
        ))

    @OptionGroup var options: SharedOptions<ShowAuthorCommune>

    @Argument(help: .pick("Bộ tiêu chí.", "The criteria set.")) var set: String?

    @Option(
        help: .pick(
            "Mức: ntm, nang-cao, kieu-mau, thon-kieu-mau (mặc định: mức của bộ).",
            "The level: ntm, nang-cao, kieu-mau, thon-kieu-mau (default: the set's level)."))
    var level: String?

    @Option(help: .pick("Năm phấn đấu đạt chuẩn.", "The year the standard is to be met.")) var year: String?

    func run() throws {
        let database = try options.openDatabase()
        let l = options.language
        let replica = try database.commune(options.commune)
        if let set {
            let target = try replica.setTarget(
                set: set, level: level, year: year, author: try options.author(database: database))
            say(
                l.pick(
                    "Đã ghi mục tiêu: \(target.level.label(l)) theo bộ \(target.setID)",
                    "Recorded the target: \(target.level.label(l)) with set \(target.setID)")
                    + (target.year.map { l.pick(", năm \($0)", ", by \($0)") } ?? ""))
            return
        }
        for target in try database.targets(of: replica.commune) {
            let year = target.year.map { l.pick(" năm \($0)", " by \($0)") } ?? ""
            say("\(target.level.label(l))\(year) — \(l.pick("bộ", "set")) \(target.setID)")
        }
    }
}
