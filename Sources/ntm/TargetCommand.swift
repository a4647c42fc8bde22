import ArgumentParser
import Foundation
import NTM
import SyncCore

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
        let language = options.language
        let replica = try database.commune(options.commune)
        if let set {
            let target = try replica.setTarget(
                set: set, level: level, year: year, author: try options.author(database: database))
            say(
                language.pick(
                    "Đã ghi mục tiêu: \(target.level.label(language)) theo bộ \(target.setID)",
                    "Recorded the target: \(target.level.label(language)) with set \(target.setID)")
                    + (target.year.map { language.pick(", năm \($0)", ", by \($0)") } ?? ""))
            return
        }
        for target in try database.targets(of: replica.commune) {
            let year = target.year.map { language.pick(" năm \($0)", " by \($0)") } ?? ""
            say("\(target.level.label(language))\(year) — \(language.pick("bộ", "set")) \(target.setID)")
        }
    }
}
