import ArgumentParser
import Foundation
import NTMHub
import Replica
import SyncCore
import SyncHub

extension HubCommand {
    struct FileLimit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "file-limit",
            abstract: Interface.pick(
                "Xem hoặc đặt cỡ tệp minh chứng lớn nhất máy chủ nhận (MB, mặc định 50).",
                "Show or set the largest evidence file the hub accepts (MiB, default 50)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Giới hạn mới, tính bằng MB (1–4096).", "The new limit in MiB (1–4096)."))
        var megabytes: Int?

        func validate() throws {
            if let megabytes, !(1...4096).contains(megabytes) {
                throw ValidationError(
                    options.language.pick(
                        "giới hạn phải từ 1 đến 4096 MB (nhận được \(megabytes))",
                        "the limit must be 1 to 4096 MiB (got \(megabytes))"))
            }
        }

        func run() throws {
            let database = try options.openDatabase()
            let language = options.language
            _ = try HubSetup.identity(database)
            if let megabytes {
                try database.store.setMetadata(.fileLimit, String(Int64(megabytes) << 20))
            }
            let limit = try HubSetup.fileLimit(database) >> 20
            say(
                language.pick(
                    "Máy chủ nhận tệp minh chứng tới \(limit) MB mỗi tệp",
                    "The hub accepts evidence files of up to \(limit) MiB each"))
        }
    }
}
