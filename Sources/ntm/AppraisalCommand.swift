import ArgumentParser
import NTM
import SyncCore

/// `ntm appraisal`: records a sector's appraisal (`ntm appraisal SECTOR …`, the default) or lists the
/// sectors' backlog (`ntm appraisal backlog`).
struct AppraisalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appraisal",
        abstract: Interface.pick(
            "Thẩm định của sở, ngành tỉnh: ghi (ntm appraisal SỞ-NGÀNH …) hoặc xem hồ sơ chờ (ntm appraisal backlog).",
            "A province sector's appraisal: record it (ntm appraisal SECTOR …) or see the backlog (ntm appraisal backlog)."
        ),
        subcommands: [AppraisalRecordCommand.self, AppraisalBacklogCommand.self],
        defaultSubcommand: AppraisalRecordCommand.self)
}

/// `ntm appraisal SECTOR …`: records a sector's appraisal of the commune's dossier.
struct AppraisalRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: Interface.pick(
            "Ghi việc thẩm định của một sở, ngành tỉnh (ntm appraisal SỞ-NGÀNH … là đủ).",
            "Record a province sector's appraisal (ntm appraisal SECTOR … is enough)."))

    @OptionGroup var options: GlobalOptions

    @Argument(
        help: .pick(
            "Sở, ngành: tên có hoặc không dấu, ví dụ \"so xay dung\".",
            "The sector: its name with or without diacritics, e.g. \"so xay dung\"."))
    var sector: String

    @Option(help: .pick("Ngày gửi hồ sơ, dd/mm/yyyy.", "The date the dossier was sent, dd/mm/yyyy."))
    var sent: String?

    @Option(help: .pick("Ngày sở, ngành về kiểm tra, dd/mm/yyyy.", "The date the sector inspected, dd/mm/yyyy."))
    var inspected: String?

    @Option(help: .pick("Kết quả: dat, khong-dat, cho.", "The verdict: dat (met), khong-dat (not met), cho (pending)."))
    var verdict: String?

    @Option(
        help: .pick(
            "Số văn bản đánh giá của sở, ngành, ví dụ 123/SXD-QH.",
            "The number of the sector's verdict, e.g. 123/SXD-QH."))
    var document: String?

    @Option(help: .pick("Ghi chú.", "A note."))
    var note: String?

    func run() throws {
        let replica = try options.open()
        let name = try replica.appraisal(
            sector: sector, sent: sent, inspected: inspected, verdict: verdict, document: document, note: note,
            author: try options.author(replica))
        say(options.language.pick("Đã ghi thẩm định của \(name)", "Recorded the appraisal of \(name)"))
    }
}

/// `ntm appraisal backlog`: the dossiers sent to a sector and not inspected yet, oldest first, by
/// district. On a sector's laptop, that sector's; elsewhere every sector's, or one with `--sector`.
struct AppraisalBacklogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backlog",
        abstract: Interface.pick(
            "Hồ sơ đã gửi sở, ngành mà chưa về kiểm tra, cũ nhất trước, theo huyện.",
            "The dossiers sent to a sector and not yet inspected, oldest first, by district."),
        discussion: Interface.pick(
            "Trên máy của một sở, ngành: hồ sơ chờ sở, ngành đó. Ở máy chủ tỉnh hoặc huyện: của mọi sở, ngành, hoặc một sở, ngành với --sector.",
            "On a sector's laptop: that sector's. At a province or district hub: every sector's, or one with --sector."
        ))

    @OptionGroup var options: SharedOptions<ShowDatabase>

    @Option(
        help: .pick(
            "Chỉ hồ sơ gửi một sở, ngành: tên có hoặc không dấu, ví dụ \"so xay dung\".",
            "Only the dossiers sent to one sector: its name with or without diacritics, e.g. \"so xay dung\"."))
    var sector: String?

    @Flag(help: .pick("In JSON (một mảng).", "Print JSON (one array).")) var json = false

    func run() throws {
        let database = try options.openDatabase()
        var chosen = try sector.map { try database.sector(named: $0) }
        if let own = database.role?.sector {
            if let chosen, Text.slug(chosen) != Text.slug(own) { throw NTMError.notOwnSector(chosen, own: own) }
            chosen = own
        }
        let backlog = try database.appraisalBacklog(sector: chosen)
        let rendering = ReportRendering(language: options.language, date: backlog.date)
        if json { return say(JSONWriter.string(rendering.json(backlog))) }
        rendering.text(backlog).forEach { say($0) }
    }
}
