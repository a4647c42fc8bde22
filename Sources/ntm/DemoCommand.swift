import ArgumentParser
import Crypto
import Foundation
import Logging
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub

/// `ntm demo`: one night of the district on loopback, in a temporary folder. Only prints; the work is
/// done by the same library calls the commands make.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: Interface.pick(
            "Trình diễn một đêm đồng bộ: máy chủ huyện và ba xã, làm việc không mạng, xung đột, báo cáo.",
            "A demonstration of one night's sync: the district hub and three communes, offline work, a conflict, the report."
        ),
        discussion: Interface.pick(
            "Với --province: máy chủ tỉnh, máy chủ huyện, máy của một xã và của một sở; kết quả thẩm định đi hai chặng đến xã.",
            "With --province: the province hub, a district hub, a commune's laptop and a sector's; a verdict travels two hops to the commune."
        ))

    @OptionGroup var options: SharedOptions<ShowDatabase>
    @Flag(
        help: .pick("Giữ lại thư mục tạm để xem bằng sqlite3.", "Keep the temporary folder, to look at with sqlite3."))
    var keep = false
    @Flag(
        help: .pick(
            "Trình diễn cấp tỉnh: kết quả thẩm định của một sở đi từ máy chủ tỉnh qua máy chủ huyện đến máy xã.",
            "The province demonstration: a sector's verdict travels from the province hub through the district hub to a commune's laptop."
        ))
    var province = false

    func run() throws {
        let language = options.language
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ntm-demo-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: folder) } }
        if province { return try runProvince(folder: folder) }
        func path(_ name: String) -> String { "\(folder)/\(name).sqlite" }
        func heading(_ vi: String, _ en: String) { say("\n== " + language.pick(vi, en)) }

        heading(
            "Huyện Triệu Sơn dựng máy chủ; ba xã (Dân Lý có hai máy) làm việc không cần mạng",
            "Triệu Sơn sets up its hub; three communes (Dân Lý on two laptops) work offline")
        let hub = try NTMDatabase.create(
            at: path("huyen"), replicaID: "huyen-trieu-son", home: .district(slug: "trieu-son", name: "Triệu Sơn"),
            author: "Văn phòng Điều phối NTM huyện")
        func laptop(_ slug: String, _ name: String, _ replica: String, _ person: String) throws -> CommuneReplica {
            try NTMDatabase.create(
                at: path(replica), replicaID: replica,
                home: .commune(.init(slug: slug, name: name, district: "trieu-son", year: "2018")), author: person
            ).commune()
        }
        let office = try laptop("dan-ly", "Dân Lý", "xa-dan-ly-1", "Nguyễn Thị Lan")
        let officer = try laptop("dan-ly", "Dân Lý", "xa-dan-ly-2", "Lê Văn Hùng")
        let tanNinh = try laptop("tan-ninh", "Tân Ninh", "xa-tan-ninh-1", "Trần Văn Minh")
        let thoThe = try laptop("tho-the", "Thọ Thế", "xa-tho-the-1", "Phạm Thị Thu")
        let laptops = [office, officer, tanNinh, thoThe]

        for number in 1...19 { try office.dossier(part: String(number), complete: true, author: "Nguyễn Thị Lan") }
        try office.assess(
            code: "17.1", status: "đạt", value: "96,5", note: "Theo biên bản 12/BB-UBND", author: "Nguyễn Thị Lan")
        try officer.assess(code: "17.1", status: "đang thực hiện", value: "90", author: "Lê Văn Hùng")
        // The photo itself (1.5 MB here) is kept in the laptop's replica and travels after the operations.
        let photo = "\(folder)/be-loc-thon-3.jpg"
        try Data((0..<1_500_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }).write(
            to: URL(fileURLWithPath: photo))
        try officer.addEvidence(
            code: "17.1", title: "Ảnh chụp bể lọc thôn 3", kind: "ảnh", file: photo, author: "Lê Văn Hùng")
        for (index, sector) in tanNinh.catalogue.sectors.enumerated() {
            try tanNinh.appraisal(
                sector: sector, sent: "20/10/2018", inspected: index < 4 ? "30/10/2018" : nil, verdict: nil,
                author: "Trần Văn Minh")
        }
        for number in 1...19 { try tanNinh.dossier(part: String(number), complete: true, author: "Trần Văn Minh") }
        try tanNinh.dossier(part: "general", complete: true, author: "Trần Văn Minh")
        for indicator in thoThe.catalogue.indicators {
            try thoThe.assess(
                code: indicator.code, status: indicator.code == "15.1" ? "chưa đạt" : "đạt",
                value: indicator.code == "15.1" ? "82" : nil, author: "Phạm Thị Thu")
        }
        say(
            language.pick(
                "Dân Lý: văn phòng ghi 17.1 \"đạt\", cán bộ NTM ghi 17.1 \"đang thực hiện\" — cùng lúc, không mạng.",
                "Dân Lý: the office records 17.1 \"met\", the officer \"in progress\", at the same time, offline."))

        heading(
            "Đêm: máy chủ nghe trên 127.0.0.1, các máy đồng bộ cùng lúc (hai lượt)",
            "Night: the hub listens on 127.0.0.1, the laptops sync at once (two rounds)")
        // The hub speaks TLS 1.3 with its own key; each credential pins it.
        let tls = try HubSetup.tls(hub)
        let identity = try HubSetup.identity(hub)
        // Each laptop was enrolled at the district and carries its credential (ntm hub enroll).
        var credentials: [String: Credential] = [:]
        for laptop in laptops {
            credentials[laptop.store.replicaID] = try Credential.enrol(
                laptop.store.replicaID, as: .commune(laptop.commune), at: identity)
        }
        let server = HubServer(hub: identity, logger: Logger(label: "demo", factory: { _ in SwiftLogNoOpLogHandler() }))
        let port = try server.start(host: "127.0.0.1", port: 0, tls: tls)
        defer { server.stop() }
        func syncRound() -> [String] {
            let results = DemoResults()
            let stores = laptops.map { ($0.store, $0.commune, credentials[$0.store.replicaID]) }
            DispatchQueue.concurrentPerform(iterations: stores.count) { index in
                let (store, commune, credential) = stores[index]
                do {
                    let result = try SyncClient(store: store, commune: commune, credential: credential).run(
                        over: try LineTransport.connect(to: "127.0.0.1:\(port)", pinning: tls.pin))
                    results.set(
                        index,
                        language.pick(
                            "\(store.replicaID): gửi \(result.counts.sent.total), nhận \(result.counts.received.total) thao tác, \(result.counts.bytes) byte",
                            "\(store.replicaID): sent \(result.counts.sent.total), received \(Language.english(result.counts.received.total, "operation")), \(Language.english(result.counts.bytes, "byte"))"
                        ) + SyncMessages.files(result, language))
                } catch {
                    results.set(index, "\(store.replicaID): \(error)")
                }
            }
            return laptops.indices.map { results.get($0) }
        }
        for round in 1...2 {
            let lines = syncRound()
            say(language.pick("Lượt \(round):", "Round \(round):"))
            for line in lines { say("  " + line) }
            if round == 1 {
                // Between the rounds the district's education department verifies a criterion at the hub.
                try hub.commune("dan-ly").verify(
                    criterion: "5", result: "đạt", date: "01/11/2018", author: "Phòng GD&ĐT")
                say(
                    language.pick(
                        "  (Phòng GD&ĐT ghi thẩm tra tiêu chí 5 của Dân Lý ngay trên máy chủ)",
                        "  (the education department records its verification of Dân Lý's criterion 5 at the hub)"))
            }
        }

        // The district officer opens the photo the commune attached, the morning after the sync.
        let attached = try hub.commune("dan-ly").evidence(code: "17.1").first { $0.fileName != nil }
        if let attached {
            let copy = "\(folder)/huyen-\(attached.fileName ?? "anh")"
            try hub.commune("dan-ly").exportEvidenceFile(attached.uid, to: copy)
            let same = FileManager.default.contentsEqual(atPath: copy, andPath: photo)
            say(
                language.pick(
                    "Huyện mở được ảnh xã gửi (\(attached.fileName ?? "")): giống hệt bản trên máy xã: \(same ? "có" : "KHÔNG")",
                    "The district opens the photo the commune attached (\(attached.fileName ?? "")): identical to the laptop's: \(same ? "yes" : "NO")"
                ))
        }

        heading(
            "Cùng một xung đột ở máy chủ và cả hai máy của Dân Lý: không ghi đè, không mất",
            "The same conflict at the hub and on both Dân Lý laptops: nothing overwritten or lost")
        let views = try [hub.commune("dan-ly"), office, officer].map {
            try ConflictReview(database: $0.database, language: language).open(ConflictFilter(commune: "dan-ly")).map {
                [$0.id, $0.subject, $0.field] + $0.values.map { "\($0.display) \($0.author) \($0.replica)" }
            }
        }
        for view in try ConflictReview(database: hub, language: language).open(ConflictFilter(commune: "dan-ly")) {
            say(
                "[\(view.id)] \(view.subject) · \(view.field): "
                    + view.values.map { "\($0.display) (\($0.author))" }.joined(separator: " | "))
        }
        say(
            language.pick("Giống hệt nhau trên 3 máy: ", "Identical on the 3 replicas: ")
                + (views[0] == views[1] && views[1] == views[2]
                    ? language.pick("có", "yes") : language.pick("KHÔNG", "NO")))
        for (name, store) in [
            ("huyen-trieu-son", hub.store), ("xa-dan-ly-1", office.store), ("xa-dan-ly-2", officer.store),
        ] {
            let dump = try store.dump { _, row in
                RowScope.owner(of: row) == "dan-ly"
            }
            say("  dump --commune dan-ly @ \(name): \(SHA256.hash(data: Data(dump.utf8)).prefix(8).hexString)")
        }

        heading(
            "Sáng hôm sau, Phòng NN&PTNT quyết định trên máy chủ; lượt đồng bộ sau đóng xung đột ở mọi máy",
            "The next morning the agriculture department decides at the hub; the next sync closes the conflict everywhere"
        )
        let desk = ConflictReview(database: hub, language: language)
        let rule = PreferenceRule.author("Nguyễn Thị Lan")
        let decisions = try desk.open(ConflictFilter(commune: "dan-ly")).compactMap { view -> ConflictDecision? in
            guard let index = rule.pick(view.values) else { return nil }
            let decision = try desk.decision(view, pick: index + 1)
            say("  [\(view.id)] \(view.field) → \(desk.outcome(decision, of: view))")
            return decision
        }
        try desk.write(
            decisions, author: "Phòng NN&PTNT", note: language.pick("Theo biên bản kiểm tra", "As inspected"))
        for line in syncRound() { say("  " + line) }
        say(
            "  "
                + (try [hub.store, office.store, officer.store].map {
                    language.pick(
                        "\($0.replicaID): \(try $0.conflictCount()) xung đột",
                        "\($0.replicaID): \(try $0.conflictCount()) conflicts")
                }.joined(separator: " · ")))

        heading(
            "Báo cáo của huyện sáng hôm sau (ntm hub report)", "The district report the next morning (ntm hub report)")
        let figures = try hub.districtFigures()
        let rendering = ReportRendering(language: language, date: CalendarDate.today(hub.store.clock()))
        for line in rendering.text(figures).prefix(9) { say(line) }
        say(
            language.pick(
                "(… và theo phòng, ban: các chỉ tiêu còn nợ ở xã nào)",
                "(… and by department: the indicators still owed, and where)"))
        if keep { say(language.pick("\nCác tệp: \(folder)", "\nFiles: \(folder)")) }
    }
}

final class DemoResults: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Int: String] = [:]
    func set(_ index: Int, _ line: String) { lock.withLock { lines[index] = line } }
    func get(_ index: Int) -> String { lock.withLock { lines[index] ?? "" } }
}
