import ArgumentParser
import Foundation
import NTM

/// Runs the command line; every failure ends as one line on stderr and a non-zero exit.
@main
enum Entry {
    static func main() {
        // A peer that goes away (a hub, an ssh command) must end in an error line, not a SIGPIPE death.
        signal(SIGPIPE, SIG_IGN)
        // Signals a launching program left blocked (some test runners and supervisors do) would make
        // SIGTERM and SIGINT do nothing: start with none blocked, as from a shell.
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        let language = GlobalOptions.language(arguments: CommandLine.arguments)
        let command: any ParsableCommand
        do {
            command = try NTMCommand.parseAsRoot()
        } catch {
            NTMCommand.exit(withError: error)
        }
        do {
            var runnable = command
            try runnable.run()
        } catch let exit as ExitCode {
            NTMCommand.exit(withError: exit)
        } catch {
            guard let message = UserFacingError.message(error, language) ?? SyncMessages.message(error, language) else {
                NTMCommand.exit(withError: error)
            }
            let prefix = language.pick("ntm: lỗi: ", "ntm: error: ")
            FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
            Foundation.exit(
                SyncMessages.isUsage(error)
                    ? SyncMessages.usageExitStatus
                    : SyncMessages.isTransient(error) ? SyncMessages.transientExitStatus : 1)
        }
    }
}

/// `ntm`: the commune's criteria evidence, offline, and its sync.
struct NTMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ntm",
        abstract: "Hồ sơ tiêu chí nông thôn mới của xã, làm việc không cần mạng và đồng bộ với huyện.",
        discussion: """
            Criteria evidence of a commune (New Rural Development), offline-first, synced with the district.
            Cơ sở dữ liệu: --db PATH, hoặc biến NTM_DB, mặc định ./ntm.sqlite. Người ghi: --by hoặc NTM_USER.
            Ngày viết dd/mm/yyyy. Tiếng Anh: --lang en.
            """,
        subcommands: [
            InitCommand.self, CommuneCommand.self, TargetCommand.self, CatalogueCommand.self, CriteriaCommand.self,
            AssessCommand.self, EvidenceCommand.self, DossierCommand.self, VerificationCommand.self,
            AppraisalCommand.self,
            DeadlineCommand.self, NoteCommand.self, StatusCommand.self, ReportCommand.self, LogCommand.self,
            ConflictsCommand.self, SyncCommand.self, ReplicaCommand.self, HubCommand.self, CredentialCommand.self,
            BundleCommand.self,
            SummaryCommand.self,
            DumpCommand.self, VerifyCommand.self, DemoCommand.self, RefusedCommand.self,
        ])
}
