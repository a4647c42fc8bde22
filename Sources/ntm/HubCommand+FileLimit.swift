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
                "Xem hoặc đặt cỡ tệp minh chứng lớn nhất máy chủ nhận (MiB, mặc định 50).",
                "Show or set the largest evidence file the hub accepts (MiB, default 50)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Giới hạn mới, tính bằng MiB (1–2048).", "The new limit in MiB (1–2048)."))
        var megabytes: Int?

        func validate() throws {
            if let megabytes, !(1...2048).contains(megabytes) {
                throw ValidationError(
                    options.language.pick(
                        "giới hạn phải từ 1 đến 2048 MiB (nhận được \(megabytes))",
                        "the limit must be 1 to 2048 MiB (got \(megabytes))"))
            }
        }

        func run() throws {
            let database = try options.openDatabase()
            let language = options.language
            _ = try HubSetup.identity(database)
            if let megabytes {
                try database.store.setMetadata(.fileLimit, String(Int64(megabytes) << 20))
            }
            // MiB as set, and MB (10^6 bytes) as ntm shows file sizes, so the two can be compared.
            let limit = try HubSetup.fileLimit(database)
            say(
                language.pick(
                    "Máy chủ nhận tệp minh chứng tới \(limit >> 20) MiB (\(FileError.megabytes(limit))) mỗi tệp; áp dụng từ lần gửi tệp sau, không cần khởi động lại",
                    "The hub accepts evidence files of up to \(limit >> 20) MiB (\(FileError.megabytes(limit, .en))) each; applies from the next file offered, no restart needed"
                ))
        }
    }
}
