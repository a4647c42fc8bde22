import ArgumentParser
import NTM
import SyncCore

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
