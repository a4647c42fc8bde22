import ArgumentParser
import NTM
import SyncCore

struct DossierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: Interface.pick(
            "Đánh dấu hồ sơ một tiêu chí (hoặc hồ sơ chung) đã hoàn thiện hay chưa.",
            "Mark a criterion's dossier (or the general dossier) complete or not."))

    @OptionGroup var options: GlobalOptions

    @Argument(help: .pick("Số tiêu chí (1–19) hoặc general (hồ sơ chung).", "A criterion (1–19) or general."))
    var part: String

    @Option(help: .pick("yes hoặc no.", "yes or no."))
    var complete: String

    func run() throws {
        let replica = try options.open()
        guard let flag = parseYesNo(complete) else { throw NTMError.badYesNo(complete) }
        try replica.dossier(part: part, complete: flag, author: try options.author(replica))
        let language = options.language
        let what =
            CommuneReplica.isGeneralDossier(part)
            ? language.pick("Hồ sơ chung", "General dossier")
            : language.pick("Hồ sơ tiêu chí \(part)", "Dossier of criterion \(part)")
        say(
            "\(what): "
                + (flag ? language.pick("đã hoàn thiện", "complete") : language.pick("chưa hoàn thiện", "not complete"))
        )
    }
}
