import ArgumentParser
import NTM
import SyncCore

struct CommuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commune",
        abstract: Interface.pick(
            "Thông tin xã; --name để đặt (hoặc sửa) tên xã.", "The commune; --name sets (or corrects) its name."))

    @OptionGroup var options: GlobalOptions

    @Option(help: .pick("Tên xã mới, ví dụ \"Dân Lý\".", "The commune's new name, e.g. \"Dân Lý\"."))
    var name: String?

    func run() throws {
        let replica = try options.open()
        if let name { try replica.rename(name, author: try options.author(replica)) }
        say(options.headline(replica))
    }
}
