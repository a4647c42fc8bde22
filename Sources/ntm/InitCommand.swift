import ArgumentParser
import NTM

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Tạo cơ sở dữ liệu mới cho một xã (create a commune replica).")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Mã bản sao, duy nhất cho mỗi máy, ví dụ xa-dan-ly-1.")
    var replica: String

    @Option(help: "Mã xã, chữ thường không dấu, ví dụ dan-ly.")
    var commune: String

    @Option(help: "Tên xã, ví dụ \"Dân Lý\".")
    var name: String?

    @Option(name: .customLong("set"), help: "Bộ tiêu chí.")
    var criteriaSet: String = "qd1980-2016"

    func run() throws {
        var author: String?
        do { author = try options.author(nil) } catch NTMError.missingAuthor { author = nil }
        let created = try CommuneReplica.create(
            at: options.databasePath, replicaID: replica, commune: commune, name: name, setID: criteriaSet,
            author: author)
        let l = options.language
        say(
            l.pick(
                "Đã tạo bản sao \(replica) cho xã \(created.communeName) (bộ tiêu chí \(criteriaSet), \(created.catalogue.criteria.count) tiêu chí, \(created.catalogue.indicators.count) chỉ tiêu) tại \(options.databasePath)",
                "Created replica \(replica) for commune \(created.communeName) (set \(criteriaSet), \(created.catalogue.criteria.count) criteria, \(created.catalogue.indicators.count) indicators) at \(options.databasePath)"
            ))
    }
}
