import ArgumentParser
import NTM

struct CommuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commune", abstract: "Thông tin xã; --name để đặt (hoặc sửa) tên xã.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Tên xã mới, ví dụ \"Dân Lý\".")
    var name: String?

    func run() throws {
        let replica = try options.open()
        if let name { try replica.rename(name, author: try options.author(replica)) }
        let l = options.language
        say(
            l.pick(
                "Xã \(replica.communeName) (\(replica.commune)) · bộ tiêu chí \(replica.catalogue.id) · bản sao \(replica.store.replicaID)",
                "Commune \(replica.communeName) (\(replica.commune)) · set \(replica.catalogue.id) · replica \(replica.store.replicaID)"
            ))
    }
}
