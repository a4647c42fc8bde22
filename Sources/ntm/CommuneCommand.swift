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
        say(options.headline(replica))
    }
}
