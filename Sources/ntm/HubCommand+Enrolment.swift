import ArgumentParser
import Foundation
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub

extension HubCommand {
    struct Enroll: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Đăng ký một bản sao và ghi tệp chứng thực để mang đến máy đó.",
                "Enrol a replica and write the credential file to carry to it."),
            discussion: Interface.pick(
                """
                Ở máy chủ huyện: commune:MÃ-XÃ (máy của một xã), department:TÊN-PHÒNG (một phòng của huyện: ghi thẩm \
                tra của mình ở mọi xã), district (văn phòng huyện: mọi thứ). Ở máy chủ tỉnh: district:MÃ-HUYỆN (máy \
                chủ của một huyện), sector:TÊN-NGÀNH (một sở, ngành tỉnh: ghi kết quả thẩm định của mình), \
                commune:MÃ-XÃ --district MÃ-HUYỆN (xã báo cáo thẳng lên tỉnh; bỏ --district nơi không còn huyện), \
                province (văn phòng tỉnh). Máy chủ chỉ giữ khóa công khai; khóa bí mật chỉ có trong tệp --out.
                """,
                """
                At a district hub: commune:SLUG (a commune's laptop), department:NAME (a district department: writes \
                its own verifications in every commune), district (the district office: everything). At a province \
                hub: district:SLUG (a district's hub), sector:NAME (a province sector: writes its own verdicts), \
                commune:SLUG --district SLUG (a commune reporting straight to the province; no --district where there \
                is no district), province (the province office). The hub keeps only the public key; the private key \
                is only in the --out file.
                """))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Option(help: .pick("Mã bản sao, ví dụ xa-dan-ly-1.", "The replica id, e.g. xa-dan-ly-1.")) var replica: String
        @Option(
            help: .pick(
                "Vai trò: commune:MÃ-XÃ, department:TÊN-PHÒNG, district, district:MÃ-HUYỆN, sector:TÊN-NGÀNH hoặc province.",
                "The role: commune:SLUG, department:NAME, district, district:SLUG, sector:NAME or province."
            ))
        var role: String
        @Option(help: .pick("Tệp chứng thực sẽ ghi (chưa tồn tại).", "The credential file to write (must not exist)."))
        var out: String
        @Flag(
            help: .pick(
                "Cấp khóa mới cho bản sao đã đăng ký (khóa cũ hết hiệu lực).",
                "Issue a new key to an enrolled replica (the old one stops working)."))
        var renew = false
        @Option(
            help: .pick(
                "Ở máy chủ tỉnh: huyện của xã được ghi danh (bỏ qua nơi không còn huyện).",
                "At a province hub: the district of the commune enrolled (leave out where there is none)."))
        var district: String?

        func run() throws {
            let parsed = try Enrolment.enrol(
                replica: replica, role: role, out: out, renew: renew, district: district,
                at: try options.openDatabase())
            say(
                options.language.pick(
                    "Đã đăng ký \(replica) với vai trò \(parsed); tệp chứng thực: \(out) (mang đến máy đó: ntm credential install \(out))",
                    "Enrolled \(replica) as \(parsed); credential file: \(out) (on that machine: ntm credential install \(out))"
                ))
        }
    }

    struct Replicas: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Các bản sao đã đăng ký ở máy chủ này.", "The replicas enrolled at this hub."))

        @OptionGroup var options: SharedOptions<ShowDatabase>

        func run() throws {
            let database = try options.openDatabase()
            let hub = try HubSetup.identity(database)
            let language = options.language
            let enrolled = try hub.store.enrolments()
            let frozen = try hub.store.frozenOrigins()
            guard !enrolled.isEmpty else {
                say(language.pick("Chưa có bản sao nào được đăng ký.", "No replica is enrolled yet."))
                return
            }
            for entry in enrolled {
                let state =
                    entry.revokedMs.map {
                        language.pick("đã thu hồi \(Presentation.time($0))", "revoked \(Presentation.time($0))")
                    } ?? frozen[entry.replica].map {
                        language.pick(
                            "bị khóa: có hai lịch sử từ thao tác \($0) (cơ sở dữ liệu bị sao chép; cấp lại khóa sau khi khôi phục)",
                            "frozen: two histories from operation \($0) (a copied database; renew its key once recovered)"
                        )
                    } ?? language.pick("đang dùng", "active")
                let synced =
                    entry.lastSyncMs.map {
                        language.pick(
                            "đồng bộ lần cuối \(Presentation.time($0))", "last synced \(Presentation.time($0))")
                    } ?? language.pick("chưa đồng bộ", "never synced")
                // At a province: the district hub whose log enrolled it here.
                let via =
                    try hub.store.delegatingHub(of: entry.replica).map {
                        language.pick("  (ghi danh qua \($0))", "  (enrolled through \($0))")
                    } ?? ""
                say(
                    "\(entry.replica)  \(entry.role)  \(language.pick("đăng ký", "enrolled")) \(Presentation.time(entry.enrolledMs))  \(state)  \(synced)\(via)"
                )
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Thu hồi quyền của một bản sao (từ phiên đồng bộ tới).", "Revoke a replica (from its next sync on)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Mã bản sao.", "The replica id.")) var replica: String

        func run() throws {
            try Enrolment.revoke(replica, at: try options.openDatabase())
            say(options.language.pick("Đã thu hồi \(replica)", "Revoked \(replica)"))
        }
    }
}
