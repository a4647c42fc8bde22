import ArgumentParser
import Foundation
import NTM
import Replica
import SyncCore

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle", abstract: "Gói thay đổi để mang qua USB hoặc thư (bundles: offline transport).",
        subcommands: [Export.self, Import.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ghi các thao tác ra một tệp gói.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Tệp gói sẽ ghi.") var file: String
        @Option(
            help: "Bản tóm tắt của bên nhận (tệp do `ntm summary` in ra, hoặc JSON): chỉ gửi phần bên nhận còn thiếu.")
        var since: String?

        func run() throws {
            // The store only: a bundle carries every commune's rows (and the hub's database has no home commune).
            let store = try options.openDatabase().store
            let summary = try since.map(Self.readSummary)
            let stats = try store.exportBundle(to: file, since: summary)
            say(
                options.language.pick(
                    "Đã ghi \(stats.operations) thao tác vào \(file) (\(stats.bytes) byte)",
                    "Wrote \(stats.operations) operations to \(file) (\(stats.bytes) bytes)"))
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
            abstract: "Nhập một tệp gói (kiểm tra toàn bộ; lỗi thì không thay đổi gì).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Tệp gói.") var file: String

        func run() throws {
            let store = try options.openDatabase().store
            let stats = try store.importBundle(from: file)
            let conflicts = try store.conflictCount()
            let l = options.language
            var line = l.pick(
                "Đã nhập \(file): \(stats.operations) thao tác, \(stats.applied) mới, \(stats.duplicates) đã có",
                "Imported \(file): \(stats.operations) operations, \(stats.applied) new, \(stats.duplicates) already held"
            )
            if conflicts > 0 {
                line += l.pick(
                    "; \(conflicts) xung đột chưa xử lý (xem: ntm conflicts)",
                    "; \(conflicts) open conflicts (see: ntm conflicts)")
            }
            say(line)
        }
    }
}

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary", abstract: "Những gì bản sao này đang có, theo từng nguồn (JSON cho --since).")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let store = try options.openDatabase().store
        let summary = try store.summary()
        let object: JSONObject = [
            "type": .string("summary"), "replica": .string(store.replicaID),
            "schema": .string(store.schema.tag), "origins": summary.json,
        ]
        say(JSONWriter.string(.object(object)))
    }
}

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Toàn bộ trạng thái đã đồng bộ dưới dạng JSON chuẩn: hai bản sao giống nhau in ra giống hệt nhau.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let database = try options.openDatabase()
        guard let commune = options.commune.map(Text.slug) else {
            print(try database.store.dump(), terminator: "")
            return
        }
        // One commune's rows only, so that a commune's replica and the hub can be compared for it.
        print(
            try database.store.dump { _, row in
                RowScope.owner(of: row) == commune
            }, terminator: "")
    }
}
