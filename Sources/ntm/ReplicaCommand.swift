import ArgumentParser
import Foundation
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub

/// `ntm replica`: this database's own identity.
struct ReplicaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replica",
        abstract: Interface.pick("Mã bản sao của cơ sở dữ liệu này.", "This database's replica id."),
        subcommands: [ForkRecover.self])

    /// `ntm replica fork-recover`: a copied or restored database takes a new replica id.
    struct ForkRecover: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fork-recover",
            abstract: Interface.pick(
                "Khôi phục sau khi rẽ nhánh: nhận mã bản sao mới, ghi lại dưới mã mới những thao tác huyện chưa có.",
                "Recover from a fork: take a new replica id and write again under it the work the hub lacks."),
            discussion: Interface.pick(
                """
                Khi cơ sở dữ liệu bị chép sang máy khác (hoặc khôi phục từ bản sao lưu cũ) và cả hai cùng ghi, \
                ntm sync dừng lại và báo "rẽ nhánh". Xin huyện cấp chứng thực cho một mã mới \
                (ntm hub enroll --replica MÃ-MỚI --role …), rồi chạy lệnh này với tệp đó; không dùng chứng \
                thực thì --replica MÃ-MỚI. Không mất thao tác nào: những gì huyện chưa có được ghi lại dưới mã mới.
                """,
                """
                When a database was copied to another laptop (or restored from an older backup) and both wrote, \
                ntm sync stops and reports a fork. Ask the district for a credential for a new id \
                (ntm hub enroll --replica NEW-ID --role …), then run this command with that file; without \
                credentials, --replica NEW-ID. No work is lost: what the hub lacks is written again under the new id.
                """))

        @OptionGroup var options: GlobalOptions
        @Option(
            help: .pick(
                "Tệp chứng thực do huyện cấp cho mã bản sao mới.", "The credential the district issued for the new id.")
        )
        var credential: String?
        @Option(help: .pick("Mã bản sao mới (khi không dùng chứng thực).", "The new replica id (without credentials)."))
        var replica: String?

        func run() throws {
            let language = options.language
            let database = try options.openDatabase()
            let store = database.store
            guard let fork = try ForkRecord.recorded(in: store) else { throw ForkUsage.noFork }
            var metadata: [String: String?] = Dictionary(
                uniqueKeysWithValues: MetadataKey.clearedByForkRecovery.map { ($0.rawValue, nil) })
            let newID: String
            switch (credential, replica) {
            case (let path?, nil):
                let issued = try CredentialFile.read(path)
                try CredentialFile.check(
                    issued, from: path, replica: issued.replica, commune: database.homeCommune,
                    place: database.homeCommune ?? database.unit ?? "")
                newID = issued.replica
                metadata[MetadataKey.credential.rawValue] = issued.fileContents
                metadata[NTMDatabase.roleMetadataKey] = issued.role.description
            case (nil, let id?):
                guard try CredentialFile.installed(in: store) == nil else { throw ForkUsage.credentialNeeded }
                newID = id
            default:
                throw ForkUsage.oneOf
            }
            let recovery = try store.recoverFork(from: fork.seq, newReplicaID: newID, metadata: metadata)
            say(
                language.pick(
                    "Đã khôi phục: cơ sở dữ liệu này nay ghi dưới mã \(recovery.newReplicaID) (trước: \(recovery.oldReplicaID)); \(recovery.removed) thao tác rẽ nhánh đã được ghi lại dưới mã mới. Chạy ntm sync để gửi chúng; những gì máy kia đã gửi dưới mã cũ sẽ về cùng lúc, chỗ hai bên cùng sửa hiện là xung đột (ntm conflicts).",
                    "Recovered: this database now writes as \(recovery.newReplicaID) (was \(recovery.oldReplicaID)); \(recovery.removed) forked operations were written again under the new id. Run ntm sync to send them; what the other database sent under the old id comes back at the same time, and where both changed the same field it shows as a conflict (ntm conflicts)."
                ))
        }
    }
}
