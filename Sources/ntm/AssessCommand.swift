import ArgumentParser
import NTM

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess", abstract: "Ghi kết quả tự đánh giá một chỉ tiêu (record an indicator's assessment).",
        discussion:
            "STATUS: dat (đạt), chua-dat (chưa đạt), dang-thuc-hien (đang thực hiện); có dấu hay không dấu đều được.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Mã chỉ tiêu, ví dụ 17.1.")
    var code: String

    @Argument(help: "Trạng thái.")
    var status: String

    @Option(help: "Giá trị đo, ví dụ 96,5.")
    var value: String?

    @Option(help: "Ghi chú.")
    var note: String?

    @Option(help: "Hạn hoàn thành, dd/mm/yyyy.")
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
        abstract: "Ghi việc thẩm định của một sở, ngành tỉnh (record a province sector's appraisal).")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Sở, ngành: tên có hoặc không dấu, ví dụ \"so xay dung\".")
    var sector: String

    @Option(help: "Ngày gửi hồ sơ, dd/mm/yyyy.")
    var sent: String?

    @Option(help: "Ngày sở, ngành về kiểm tra, dd/mm/yyyy.")
    var inspected: String?

    @Option(help: "Kết quả: dat, khong-dat, cho.")
    var verdict: String?

    @Option(help: "Số văn bản đánh giá của sở, ngành, ví dụ 123/SXD-QH.")
    var document: String?

    @Option(help: "Ghi chú.")
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
        commandName: "dossier", abstract: "Đánh dấu hồ sơ một tiêu chí (hoặc hồ sơ chung) đã hoàn thiện hay chưa.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Số tiêu chí (1–19) hoặc general (hồ sơ chung).")
    var part: String

    @Option(help: "yes hoặc no.")
    var complete: String

    func run() throws {
        let replica = try options.open()
        guard let flag = parseYesNo(complete) else { throw NTMError.badYesNo(complete) }
        try replica.dossier(part: part, complete: flag, author: try options.author(replica))
        let l = options.language
        let what =
            Text.slug(part) == "general" || Text.slug(part) == "chung"
            ? l.pick("Hồ sơ chung", "General dossier")
            : l.pick("Hồ sơ tiêu chí \(part)", "Dossier of criterion \(part)")
        say("\(what): " + (flag ? l.pick("đã hoàn thiện", "complete") : l.pick("chưa hoàn thiện", "not complete")))
    }
}
