import ArgumentParser
import Foundation
import NTM
import NTMHub
import SyncCore
import SyncHub

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: Interface.pick(
            "Tạo cơ sở dữ liệu mới cho một xã, hoặc cho huyện.", "Create a new database for a commune, or a district."),
        discussion: Interface.pick(
            """
            Xã:   ntm init --replica xa-dan-ly-1 --commune dan-ly --name "Dân Lý" --district trieu-son --set qd1980-2016 --year 2018
            Huyện: ntm init --replica huyen-trieu-son --district trieu-son --name "Triệu Sơn"  (không có --commune)
            """,
            """
            Commune:  ntm init --replica xa-dan-ly-1 --commune dan-ly --name "Dân Lý" --district trieu-son --set qd1980-2016 --year 2018
            District: ntm init --replica huyen-trieu-son --district trieu-son --name "Triệu Sơn"  (no --commune)
            """))

    @OptionGroup var options: GlobalOptions

    @Option(
        help: .pick(
            "Mã bản sao, duy nhất cho mỗi máy, ví dụ xa-dan-ly-1 (mặc định: theo --credential).",
            "The replica id, one per computer, e.g. xa-dan-ly-1 (default: from --credential)."))
    var replica: String?

    @Option(
        help: .pick(
            "Tệp chứng thực do máy chủ huyện cấp (ntm hub enroll): mã bản sao và xã lấy từ đó.",
            "A credential file from the district hub (ntm hub enroll): the replica id and commune come from it."))
    var credential: String?

    @Option(
        help: .pick(
            "Tên xã (hoặc tên huyện), ví dụ \"Dân Lý\".", "The commune's (or district's) name, e.g. \"Dân Lý\"."))
    var name: String?

    @Option(help: .pick("Mã huyện không dấu, ví dụ trieu-son.", "The district's slug, e.g. trieu-son."))
    var district: String?

    @Option(
        help: .pick(
            "Mã đơn vị hành chính (Tổng cục Thống kê), ví dụ 15703.",
            "The administrative unit code (General Statistics Office), e.g. 15703."))
    var code: String?

    @Option(
        help: .pick(
            "Mức phấn đấu: ntm, nang-cao, kieu-mau, thon-kieu-mau (mặc định: mức của bộ tiêu chí).",
            "The level aimed at: ntm, nang-cao, kieu-mau, thon-kieu-mau (default: the set's level)."))
    var level: String?

    @Option(help: .pick("Năm phấn đấu đạt chuẩn, ví dụ 2018.", "The year the standard is to be met, e.g. 2018."))
    var year: String?

    func run() throws {
        let issued = try credential.map(CredentialFile.read)
        guard let replica = replica ?? issued?.replica else { throw NTMError.replicaRequired }
        var commune = options.commune
        if commune == nil, let slug = issued?.role.commune { commune = slug }
        // The credential says the district too (a department's laptop needs nothing more).
        let district = district ?? issued?.district
        // A department's laptop may not write the district's own rows: it receives them at its first sync.
        var setupWrites = true
        if issued?.role.department != nil { setupWrites = false }
        // A province sector's or office's laptop belongs to the province its credential names.
        if let issued, issued.role.sector != nil || issued.role.isProvince, options.commune == nil {
            guard let province = issued.district else { throw NTMError.placeRequired }
            let database = try NTMDatabase.create(
                at: options.databasePath, replicaID: replica, home: .province(slug: province, name: nil),
                author: try? options.author(database: nil), setupWrites: false)
            if let credential {
                try CredentialFile.check(issued, from: credential, replica: replica, commune: nil, place: province)
                try CredentialFile.install(issued, from: credential, into: database)
            }
            say(
                options.language.pick(
                    "Đã tạo cơ sở dữ liệu của \(issued.role) ở tỉnh \(province) (bản sao \(replica)) tại \(options.databasePath)",
                    "Created the database of \(issued.role) in province \(province) (replica \(replica)) at \(options.databasePath)"
                ))
            return
        }
        if let issued, let credential {
            try CredentialFile.check(
                issued, from: credential, replica: replica, commune: commune.map(Text.slug),
                place: commune ?? district ?? "")
        }
        /// Installs the credential into the new database; a database that cannot take it is removed.
        func install(_ database: NTMDatabase) throws {
            guard let issued, let credential else { return }
            do {
                try CredentialFile.install(issued, from: credential, into: database)
            } catch {
                for suffix in ["", "-wal", "-shm"] {
                    try? FileManager.default.removeItem(atPath: options.databasePath + suffix)
                }
                throw error
            }
        }
        var author: String?
        do { author = try options.author(database: nil) } catch NTMError.missingAuthor { author = nil }
        let language = options.language
        guard let commune else {
            guard let district else {
                throw NTMError.placeRequired
            }
            if options.criteriaSet != nil { throw NTMError.notForDistrictInit("--set") }
            if level != nil { throw NTMError.notForDistrictInit("--level") }
            let database = try NTMDatabase.create(
                at: options.databasePath, replicaID: replica,
                home: .district(slug: district, name: name, code: code, year: year), author: author,
                setupWrites: setupWrites)
            try install(database)
            say(
                language.pick(
                    "Đã tạo cơ sở dữ liệu huyện \(database.districtName ?? district) (bản sao \(replica)) tại \(options.databasePath)",
                    "Created the district database \(database.districtName ?? district) (replica \(replica)) at \(options.databasePath)"
                ))
            if author == nil { warn(.noAuthor, language) }
            return
        }
        let setup = NTMDatabase.CommuneSetup(
            slug: commune, name: name, district: district, code: code, setID: options.criteriaSet ?? "qd1980-2016",
            level: level, year: year)
        let database = try NTMDatabase.create(
            at: options.databasePath, replicaID: replica, home: .commune(setup), author: author)
        try install(database)
        let created = try database.commune()
        let catalogue = created.catalogue
        say(
            language.pick(
                "Đã tạo bản sao \(replica) cho xã \(created.communeName) (bộ tiêu chí \(catalogue.id), \(catalogue.criteria.count) tiêu chí, \(catalogue.indicators.count) chỉ tiêu) tại \(options.databasePath)",
                "Created replica \(replica) for commune \(created.communeName) (set \(catalogue.id), \(Language.english(catalogue.criteria.count, "criterion", plural: "criteria")), \(Language.english(catalogue.indicators.count, "indicator"))) at \(options.databasePath)"
            ))
        // Said at once, not at the first write: the person setting up the laptop is the one to fix it.
        if author == nil { warn(.noAuthor, language) }
    }
}
