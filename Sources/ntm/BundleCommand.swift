import ArgumentParser
import Foundation
import NTM
import Replica
import SyncCore

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: Interface.pick(
            "Gói thay đổi để mang qua USB hoặc thư.", "Bundles of changes, carried on a USB stick or by mail."),
        subcommands: [Export.self, Import.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Ghi các thao tác ra một tệp gói.", "Write the operations to a bundle file."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Tệp gói sẽ ghi.", "The bundle file to write.")) var file: String
        @Option(
            help: .pick(
                "Bản tóm tắt của bên nhận (tệp do `ntm summary` in ra, hoặc JSON): chỉ gửi phần bên nhận còn thiếu.",
                "The receiver's summary (a file `ntm summary` printed, or JSON): only what the receiver lacks is written."
            ))
        var since: String?

        func run() throws {
            // The store only: a bundle carries every commune's rows (and the hub's database has no home commune).
            let store = try options.openDatabase().store
            let summary = try since.map(Self.readSummary)
            let stats = try store.exportBundle(to: file, since: summary)
            say(
                options.language.pick(
                    "Đã ghi \(stats.operations) thao tác vào \(file) (\(stats.bytes) byte)",
                    "Wrote \(Language.english(stats.operations, "operation")) to \(file) (\(Language.english(stats.bytes, "byte")))"
                ))
        }

        static func readSummary(_ text: String) throws -> Summary {
            let source: String
            if text.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
                source = text
            } else if let data = FileManager.default.contents(atPath: text) {
                source = String(decoding: data, as: UTF8.self)
            } else {
                throw NTMError.fileUnreadable(text)
            }
            do {
                let json = try JSONParser.parse(source.trimmingCharacters(in: .whitespacesAndNewlines))
                return try Summary(json: json["origins"] ?? json)
            } catch let error as JSONParseError {
                throw NTMError.badSummary(error.description)
            } catch let error as OperationFormatError {
                throw NTMError.badSummary(error.description)
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Nhập một tệp gói (kiểm tra toàn bộ; lỗi thì không thay đổi gì).",
                "Import a bundle file (checked whole; a mistake changes nothing)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Tệp gói.", "The bundle file.")) var file: String

        func run() throws {
            let store = try options.openDatabase().store
            let stats = try store.importBundle(from: file)
            let conflicts = try store.conflictCount()
            let language = options.language
            var line = language.pick(
                "Đã nhập \(file): \(stats.operations) thao tác, \(stats.applied) mới, \(stats.duplicates) đã có",
                "Imported \(file): \(Language.english(stats.operations, "operation")), \(stats.applied) new, \(stats.duplicates) already held"
            )
            if conflicts > 0 {
                line += language.pick(
                    "; \(conflicts) xung đột chưa xử lý (xem: ntm conflicts)",
                    "; \(Language.english(conflicts, "open conflict")) (see: ntm conflicts)")
            }
            say(line)
        }
    }
}
