import ArgumentParser
import Foundation
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub

/// `ntm credential`: the credential this replica syncs with.
struct CredentialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential",
        abstract: Interface.pick(
            "Tệp chứng thực do máy chủ huyện cấp.", "The credential the district hub issued to this replica."),
        subcommands: [Install.self, Show.self])

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Cài tệp chứng thực cho bản sao này.", "Install a credential file for this replica."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Tệp do ntm hub enroll ghi.", "The file ntm hub enroll wrote.")) var file: String

        func run() throws {
            let credential = try CredentialFile.read(file)
            try CredentialFile.install(credential, from: file, into: try options.openDatabase())
            say(
                options.language.pick(
                    "Đã cài chứng thực của \(credential.replica) (vai trò \(credential.role), máy chủ \(credential.hub))",
                    "Installed the credential of \(credential.replica) (role \(credential.role), hub \(credential.hub))"
                ))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Chứng thực đã cài (không in khóa bí mật).",
                "The installed credential (the private key is not printed)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>

        func run() throws {
            let database = try options.openDatabase()
            let language = options.language
            guard let credential = try CredentialFile.installed(in: database.store) else {
                say(language.pick("Chưa cài chứng thực (xem: ntm credential install).", "No credential installed."))
                return
            }
            say(
                language.pick(
                    "Bản sao \(credential.replica) · vai trò \(credential.role) · máy chủ \(credential.hub)",
                    "Replica \(credential.replica) · role \(credential.role) · hub \(credential.hub)"))
        }
    }
}
