import ArgumentParser
import Foundation
import NTM
import SyncCore

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
        let language = Interface.language
        let command: any ParsableCommand
        do {
            command = try NTMCommand.parseAsRoot(Interface.parsedArguments(CommandLine.arguments))
        } catch {
            ParserMessages.exit(error, arguments: CommandLine.arguments, language: language)
        }
        do {
            var runnable = command
            try runnable.run()
        } catch let exit as ExitCode {
            NTMCommand.exit(withError: exit)
        } catch {
            guard let message = UserFacingError.message(error, language) ?? SyncMessages.message(error, language) else {
                // A help request (`ntm`, `ntm hub`, `ntm help assess`) or an argument error found late.
                ParserMessages.exit(error, arguments: CommandLine.arguments, language: language)
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
        abstract: Interface.pick(
            "Hồ sơ tiêu chí nông thôn mới của xã, làm việc không cần mạng và đồng bộ với huyện.",
            "A commune's New Rural Development criteria evidence, offline-first, synced with the district."),
        discussion: Interface.pick(
            """
            Cơ sở dữ liệu: --db PATH, hoặc biến NTM_DB, mặc định ./ntm.sqlite. Người ghi: --by hoặc NTM_USER.
            Ngày viết dd/mm/yyyy. Tiếng Anh: --lang en (hoặc NTM_LANG=en).
            """,
            """
            Database: --db PATH, or NTM_DB, by default ./ntm.sqlite. Author: --by or NTM_USER.
            Dates are written dd/mm/yyyy. Vietnamese: --lang vi (the default).
            """),
        version: "ntm \(NTMVersion.current)",
        subcommands: [
            InitCommand.self, CommuneCommand.self, TargetCommand.self, CatalogueCommand.self, CriteriaCommand.self,
            AssessCommand.self, EvidenceCommand.self, DossierCommand.self, VerificationCommand.self,
            AppraisalCommand.self,
            DeadlineCommand.self, NoteCommand.self, StatusCommand.self, ReportCommand.self, SettingsCommand.self,
            LogCommand.self,
            ConflictsCommand.self, SyncCommand.self, ReplicaCommand.self, HubCommand.self, CredentialCommand.self,
            BundleCommand.self,
            SummaryCommand.self,
            DumpCommand.self, VerifyCommand.self, DemoCommand.self, RefusedCommand.self,
        ])
}
