import ArgumentParser
import Foundation
import NTM

struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence", abstract: "Minh chứng: văn bản, biên bản, báo cáo (evidence documents).",
        subcommands: [Add.self, List.self, Edit.self, Remove.self, Restore.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thêm một minh chứng cho chỉ tiêu.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã chỉ tiêu, ví dụ 17.1.") var code: String
        @Option(help: "Tên văn bản.") var title: String
        @Option(help: "Loại: quyết định, báo cáo, biên bản, ảnh…") var kind: String?
        @Option(help: "Số hiệu, ví dụ 12/BB-UBND.") var number: String?
        @Option(help: "Ngày ban hành, dd/mm/yyyy.") var date: String?
        @Option(help: "Cơ quan ban hành.") var issuer: String?
        @Option(help: "Tệp trên máy: ghi tên, cỡ và mã SHA-256.") var file: String?

        func run() throws {
            let replica = try options.open()
            let uid = try replica.addEvidence(
                code: code, title: title, kind: kind, number: number, date: date, issuer: issuer, file: file,
                author: try options.author(replica))
            say(
                options.language.pick(
                    "Đã thêm minh chứng \(uid) cho chỉ tiêu \(code)", "Added evidence \(uid) to indicator \(code)"))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê minh chứng (của một chỉ tiêu).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã chỉ tiêu.") var code: String?

        func run() throws {
            let replica = try options.open()
            let records = try replica.evidence(code: code)
            let l = options.language
            if records.isEmpty {
                say(l.pick("Chưa có minh chứng.", "No evidence yet."))
                return
            }
            for record in records {
                var parts = [record.title]
                if let kind = record.kind { parts.insert(kind, at: 0) }
                if let number = record.number { parts.append(l.pick("số \(number)", "no. \(number)")) }
                if let issued = record.issued { parts.append(l.pick("ngày \(issued)", "dated \(issued)")) }
                if let issuer = record.issuer { parts.append(issuer) }
                if let file = record.fileName {
                    parts.append(
                        "\(l.pick("tệp", "file")) \(file) (\(record.fileSize ?? 0) B, sha256 \(record.fileSHA256?.prefix(12) ?? "")…)"
                    )
                }
                say(
                    "\(record.uid)  \(record.indicator.padding(toLength: 5, withPad: " ", startingAt: 0))  \(parts.joined(separator: " · "))"
                )
            }
            say(l.pick("\(records.count) minh chứng", "\(records.count) documents"))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Xóa một minh chứng (theo mã, hoặc đầu mã).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã minh chứng (ít nhất 4 ký tự đầu).") var id: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.removeEvidence(id, author: try options.author(replica))
            say(options.language.pick("Đã xóa minh chứng \(uid)", "Removed evidence \(uid)"))
        }
    }
}

extension EvidenceCommand {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sửa thông tin một minh chứng (tên, loại, số hiệu, ngày, cơ quan ban hành).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã minh chứng (ít nhất 4 ký tự đầu).") var id: String
        @Option(help: "Tên văn bản.") var title: String?
        @Option(help: "Loại: quyết định, báo cáo, biên bản, ảnh…") var kind: String?
        @Option(help: "Số hiệu, ví dụ 12/BB-UBND.") var number: String?
        @Option(help: "Ngày ban hành, dd/mm/yyyy.") var date: String?
        @Option(help: "Cơ quan ban hành.") var issuer: String?

        func run() throws {
            let replica = try options.open()
            let uid = try replica.editEvidence(
                id, title: title, kind: kind, number: number, date: date, issuer: issuer,
                author: try options.author(replica))
            say(options.language.pick("Đã sửa minh chứng \(uid)", "Edited evidence \(uid)"))
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Khôi phục một minh chứng đã xóa (giữ cả những chỉnh sửa trong lúc bị xóa).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã minh chứng (ít nhất 4 ký tự đầu).") var id: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.restoreEvidence(id, author: try options.author(replica))
            say(options.language.pick("Đã khôi phục minh chứng \(uid)", "Restored evidence \(uid)"))
        }
    }
}
