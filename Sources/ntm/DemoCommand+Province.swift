import ArgumentParser
import Foundation
import Logging
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub

/// `ntm demo --province`: a province sector's verdict travels two hops down to a commune's laptop (the
/// province hub, a district hub syncing upward, a commune laptop, a sector laptop), on loopback in a
/// temporary folder. Only prints; the work is done by the library calls `ntm sync`, `ntm hub enroll`
/// and `ntm appraisal` make.
extension DemoCommand {
    /// The sector whose verdict travels, as the criteria set spells it.
    static let demoSector = "Sở Xây dựng"
    /// The number of its written verdict.
    static let demoDocument = "125/SXD-QH"

    func runProvince(folder: String) throws {
        let language = options.language
        func path(_ name: String) -> String { "\(folder)/\(name).sqlite" }
        func heading(_ vi: String, _ en: String) { say("\n== " + language.pick(vi, en)) }
        let logger = Logger(label: "demo", factory: { _ in SwiftLogNoOpLogHandler() })

        heading(
            "Tỉnh Thanh Hóa dựng máy chủ tỉnh; huyện Triệu Sơn có máy chủ của mình",
            "Thanh Hóa sets up the province hub; Triệu Sơn district has its own hub")
        let province = try NTMDatabase.create(
            at: path("tinh"), replicaID: "tinh-thanh-hoa", home: .province(slug: "thanh-hoa", name: "Thanh Hóa"),
            author: "Văn phòng Điều phối NTM tỉnh")
        let district = try NTMDatabase.create(
            at: path("huyen"), replicaID: "huyen-trieu-son", home: .district(slug: "trieu-son", name: "Triệu Sơn"),
            author: "Văn phòng Điều phối NTM huyện")
        let provinceTLS = try HubSetup.tls(province)
        let provinceHub = try HubSetup.identity(province)
        let districtTLS = try HubSetup.tls(district)
        let districtHub = try HubSetup.identity(district)

        // ntm hub enroll at the province: the district's hub (district:trieu-son) and a sector's laptop.
        let districtCredential = try Credential.enrol(
            "huyen-trieu-son", as: .district("trieu-son"), at: provinceHub)
        let sectorCredential = try Credential.enrol("so-xay-dung-1", as: .sector(Self.demoSector), at: provinceHub)
        // ntm hub enroll at the district: the commune's laptop. The province never sees this enrolment
        // made; it takes it from the district's log when the district syncs upward.
        let communeCredential = try Credential.enrol("xa-tan-ninh-1", as: .commune("tan-ninh"), at: districtHub)
        say(
            language.pick(
                "Tỉnh ghi danh máy chủ huyện (district:trieu-son) và máy của \(Self.demoSector) (sector); huyện ghi danh máy xã Tân Ninh.",
                "The province enrols the district's hub (district:trieu-son) and the \(Self.demoSector) laptop (sector); the district enrols Tân Ninh's laptop."
            ))

        let commune = try NTMDatabase.create(
            at: path("xa-tan-ninh-1"), replicaID: "xa-tan-ninh-1",
            home: .commune(.init(slug: "tan-ninh", name: "Tân Ninh", district: "trieu-son", year: "2018")),
            author: "Trần Văn Minh"
        ).commune()
        let sector = try NTMDatabase.create(
            at: path("so-xay-dung-1"), replicaID: "so-xay-dung-1", home: .province(slug: "thanh-hoa", name: nil),
            author: "Sở Xây dựng Thanh Hóa", setupWrites: false)

        let provinceServer = HubServer(hub: provinceHub, logger: logger)
        let provincePort = try provinceServer.start(host: "127.0.0.1", port: 0, tls: provinceTLS)
        defer { provinceServer.stop() }
        let districtServer = HubServer(hub: districtHub, logger: logger)
        let districtPort = try districtServer.start(host: "127.0.0.1", port: 0, tls: districtTLS)
        defer { districtServer.stop() }

        func sync(
            _ who: String, _ store: ReplicaStore, as unit: String, _ credential: Credential, port: Int,
            pin: String, asHub: HubAsClient? = nil
        ) throws {
            var client = SyncClient(store: store, commune: unit, credential: credential)
            client.asHub = asHub
            let result = try client.run(over: try LineTransport.connect(to: "127.0.0.1:\(port)", pinning: pin))
            var line = language.pick(
                "  \(who): gửi \(result.counts.sent.total), nhận \(result.counts.received.total) thao tác",
                "  \(who): sent \(result.counts.sent.total), received \(Language.english(result.counts.received.total, "operation"))"
            )
            line += SyncMessages.relay(result, language)
            if result.enrolmentsDelegated > 0 {
                line += language.pick(
                    "; tỉnh đã ghi danh \(result.enrolmentsDelegated) máy của huyện",
                    "; the province enrolled \(Language.english(result.enrolmentsDelegated, "replica")) of the district's"
                )
            }
            say(line)
        }
        let districtAsHub = try HubSetup.asClient(district)
        func districtUp() throws {
            try sync(
                "huyen-trieu-son → tinh-thanh-hoa", district.store, as: "trieu-son", districtCredential,
                port: provincePort, pin: provinceTLS.pin, asHub: districtAsHub)
        }
        func communeSync() throws {
            try sync(
                "xa-tan-ninh-1 → huyen-trieu-son", commune.store, as: "tan-ninh", communeCredential,
                port: districtPort, pin: districtTLS.pin)
        }
        func sectorSync() throws {
            try sync(
                "so-xay-dung-1 → tinh-thanh-hoa", sector.store, as: "thanh-hoa", sectorCredential,
                port: provincePort, pin: provinceTLS.pin)
        }

        heading(
            "Xã Tân Ninh gửi hồ sơ tiêu chí quy hoạch cho \(Self.demoSector), rồi đồng bộ với huyện",
            "Tân Ninh sends its planning dossier (criterion 1) to the \(Self.demoSector) and syncs with the district")
        try commune.appraisal(
            sector: Self.demoSector, sent: "20/10/2018", inspected: nil, verdict: nil, author: "Trần Văn Minh")
        try commune.dossier(part: "1", complete: true, author: "Trần Văn Minh")
        try communeSync()

        heading(
            "Đêm ở huyện: máy chủ huyện đồng bộ lên tỉnh (ntm sync, như mọi máy)",
            "The district's night: its hub syncs upward (ntm sync, like every replica)")
        try districtUp()

        heading(
            "\(Self.demoSector) nhận hồ sơ ở máy chủ tỉnh và ghi kết quả thẩm định",
            "The \(Self.demoSector) receives the dossier at the province and records its verdict")
        try sectorSync()
        let atSector = try sector.commune("tan-ninh")
        try atSector.appraisal(
            sector: Self.demoSector, sent: nil, inspected: "30/10/2018", verdict: "đạt", document: Self.demoDocument,
            author: "Sở Xây dựng Thanh Hóa")
        say(
            language.pick(
                "  Sở ghi: Tân Ninh, \(Self.demoSector): đạt, văn bản số \(Self.demoDocument), kiểm tra 30/10/2018",
                "  The sector records: Tân Ninh, \(Self.demoSector): met, document no. \(Self.demoDocument), inspected 30/10/2018"
            ))
        try sectorSync()

        heading(
            "Đêm sau: huyện đồng bộ lên tỉnh, rồi xã đồng bộ với huyện",
            "The next night: the district syncs upward, then the commune with the district")
        try districtUp()
        try communeSync()

        heading("Trên máy của xã Tân Ninh", "On Tân Ninh's laptop")
        let row = NTMSchema.appraisalRow(commune: "tan-ninh", set: commune.catalogue.id, sector: Self.demoSector)
        let values = try commune.store.rowState(table: NTMSchema.Table.appraisal, row: row)?.projection ?? [:]
        let verdict = values["verdict"]?.text.flatMap(Verdict.init(rawValue:))
        let document = values["document"]?.text
        if let verdict, let document {
            say(
                language.pick(
                    "Kết quả thẩm định của \(Self.demoSector) đã đến máy xã sau hai chặng (tỉnh → huyện → xã): \(verdict.label(language)), văn bản số \(document)",
                    "The \(Self.demoSector)'s verdict reached the commune's laptop after two hops (province → district → commune): \(verdict.label(language)), document no. \(document)"
                ))
        } else {
            say(
                language.pick(
                    "Kết quả thẩm định của \(Self.demoSector) CHƯA đến máy xã",
                    "The \(Self.demoSector)'s verdict did NOT reach the commune's laptop"))
            throw ExitCode.failure
        }
        if keep { say(language.pick("\nCác tệp: \(folder)", "\nFiles: \(folder)")) }
    }
}
