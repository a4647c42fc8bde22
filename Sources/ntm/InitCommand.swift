import ArgumentParser
import NTM

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Tạo cơ sở dữ liệu mới cho một xã, hoặc cho huyện (create a commune or district database).",
        discussion: """
            Xã:   ntm init --replica xa-dan-ly-1 --commune dan-ly --name "Dân Lý" --district trieu-son --set qd1980-2016 --year 2018
            Huyện: ntm init --replica huyen-trieu-son --district trieu-son --name "Triệu Sơn"  (không có --commune)
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Mã bản sao, duy nhất cho mỗi máy, ví dụ xa-dan-ly-1.")
    var replica: String

    @Option(help: "Tên xã (hoặc tên huyện), ví dụ \"Dân Lý\".")
    var name: String?

    @Option(help: "Mã huyện không dấu, ví dụ trieu-son.")
    var district: String?

    @Option(help: "Mã đơn vị hành chính (Tổng cục Thống kê), ví dụ 15703.")
    var code: String?

    @Option(help: "Mức phấn đấu: ntm, nang-cao, kieu-mau, thon-kieu-mau (mặc định: mức của bộ tiêu chí).")
    var level: String?

    @Option(help: "Năm phấn đấu đạt chuẩn, ví dụ 2018.")
    var year: String?

    func run() throws {
        var author: String?
        do { author = try options.author(database: nil) } catch NTMError.missingAuthor { author = nil }
        let l = options.language
        guard let commune = options.commune else {
            guard let district else {
                throw NTMError.placeRequired
            }
            if options.criteriaSet != nil { throw NTMError.notForDistrictInit("--set") }
            if level != nil { throw NTMError.notForDistrictInit("--level") }
            let database = try NTMDatabase.create(
                at: options.databasePath, replicaID: replica,
                home: .district(slug: district, name: name, code: code, year: year), author: author)
            say(
                l.pick(
                    "Đã tạo cơ sở dữ liệu huyện \(database.districtName ?? district) (bản sao \(replica)) tại \(options.databasePath)",
                    "Created the district database \(database.districtName ?? district) (replica \(replica)) at \(options.databasePath)"
                ))
            return
        }
        let setup = NTMDatabase.CommuneSetup(
            slug: commune, name: name, district: district, code: code, setID: options.criteriaSet ?? "qd1980-2016",
            level: level, year: year)
        let created = try NTMDatabase.create(
            at: options.databasePath, replicaID: replica, home: .commune(setup), author: author
        ).commune()
        let catalogue = created.catalogue
        say(
            l.pick(
                "Đã tạo bản sao \(replica) cho xã \(created.communeName) (bộ tiêu chí \(catalogue.id), \(catalogue.criteria.count) tiêu chí, \(catalogue.indicators.count) chỉ tiêu) tại \(options.databasePath)",
                "Created replica \(replica) for commune \(created.communeName) (set \(catalogue.id), \(catalogue.criteria.count) criteria, \(catalogue.indicators.count) indicators) at \(options.databasePath)"
            ))
    }
}
