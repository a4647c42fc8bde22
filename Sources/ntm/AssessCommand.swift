import ArgumentParser
import NTM
import SyncCore

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: Interface.pick("Ghi kết quả tự đánh giá một chỉ tiêu.", "Record an indicator's self-assessment."),
        discussion: Interface.pick(
            "Trạng thái: dat (đạt), chua-dat (chưa đạt), dang-thuc-hien (đang thực hiện); có dấu hay không dấu đều được.",
            "Status: dat (met), chua-dat (not met), dang-thuc-hien (in progress); with or without diacritics."))

    @OptionGroup var options: GlobalOptions

    @Argument(help: .pick("Mã chỉ tiêu, ví dụ 17.1.", "The indicator's code, e.g. 17.1."))
    var code: String

    @Argument(help: .pick("Trạng thái.", "The status."))
    var status: String

    // Taken whatever it looks like: a measured value may be negative (--value -5).
    @Option(
        parsing: .unconditional,
        help: .pick("Giá trị đo, ví dụ 96,5 (có thể âm: -5).", "The measured value, e.g. 96.5 (may be negative: -5)."))
    var value: String?

    @Option(help: .pick("Ghi chú.", "A note."))
    var note: String?

    @Option(help: .pick("Hạn hoàn thành, dd/mm/yyyy.", "The deadline, dd/mm/yyyy."))
    var deadline: String?

    func run() throws {
        let replica = try options.open()
        let ops = try replica.assess(
            code: code, status: status, value: value, note: note, deadline: deadline,
            author: try options.author(replica))
        let presentation = options.presentation(replica)
        let table = NTMSchema.Table.assessment
        let l = options.language
        var changes = ops.filter { $0.key.table == table && $0.value != .null }.map {
            "\(presentation.field(table: table, column: $0.key.column)): \(presentation.value($0.value, table: table, column: $0.key.column))"
        }
        // The indicator's deadline is a deadline row: said as the assessment's, with its id for `ntm deadline`.
        if let due = ops.first(where: { $0.key.table == NTMSchema.Table.deadline && $0.key.column == "due" }) {
            let uid = due.key.row.split(separator: "/").last.map(String.init) ?? ""
            changes.append(
                "\(presentation.field(table: table, column: "deadline")): \(presentation.value(due.value, table: table, column: "deadline"))"
                    + l.pick(" (mã hạn \(uid))", " (deadline \(uid))"))
        }
        let subject = presentation.subject(table: table, row: ops[0].key.row)
        say(l.pick("Đã ghi \(subject) — ", "Recorded \(subject) — ") + changes.joined(separator: "; "))
    }
}

struct AppraisalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appraisal",
        abstract: Interface.pick(
            "Ghi việc thẩm định của một sở, ngành tỉnh.", "Record a province sector's appraisal."))

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
        let l = options.language
        let what =
            CommuneReplica.isGeneralDossier(part)
            ? l.pick("Hồ sơ chung", "General dossier")
            : l.pick("Hồ sơ tiêu chí \(part)", "Dossier of criterion \(part)")
        say("\(what): " + (flag ? l.pick("đã hoàn thiện", "complete") : l.pick("chưa hoàn thiện", "not complete")))
    }
}
