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
            // The same file twice on one indicator is most often a slip (the scan attached again), but
            // not always: one set of minutes can be filed again under a corrected title or number. A
            // commune official expects to be told, not stopped, so the document is added and one line
            // on stderr names the earlier one (to remove with `ntm evidence remove ID` if it was a slip).
            let records = try replica.evidence(code: code)
            if let sha = records.first(where: { $0.uid == uid })?.fileSHA256 {
                let same = records.filter { $0.uid != uid && $0.fileSHA256 == sha }.map(\.uid)
                if !same.isEmpty {
                    warn(.sameFileTwice(code: try replica.indicator(code).code, earlier: same), options.language)
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê minh chứng (của một chỉ tiêu).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Mã chỉ tiêu.") var code: String?

        func run() throws {
            let l = options.language
            let database = try options.openDatabase()
            if options.commune == nil, database.homeCommune == nil {
                return try listDistrict(database)
            }
            let replica = try options.open()
            let records = try replica.evidence(code: code)
            if records.isEmpty {
                say(l.pick("Chưa có minh chứng.", "No evidence yet."))
                return
            }
            for record in records { say(line(record)) }
            say(l.pick("\(records.count) minh chứng", "\(records.count) documents"))
        }

        /// On the district's database (a district office's or the hub's): every commune's evidence,
        /// grouped by commune.
        func listDistrict(_ database: NTMDatabase) throws {
            let l = options.language
            var total = 0
            var communes = 0
            var refusal: (any Error)?
            var anyRead = false
            for commune in try database.communes() {
                let records: [EvidenceRecord]
                do {
                    records = try database.commune(commune.slug, set: options.criteriaSet).evidence(code: code)
                    anyRead = true
                } catch let error as NTMError {
                    // A commune without that target here, or whose set has no such indicator.
                    refusal = refusal ?? error
                    continue
                }
                guard !records.isEmpty else { continue }
                communes += 1
                total += records.count
                say(
                    l.pick(
                        "\(commune.name) (\(commune.slug)): \(records.count) minh chứng",
                        "\(commune.name) (\(commune.slug)): \(records.count) documents"))
                for record in records { say("  " + line(record)) }
            }
            if !anyRead, let refusal { throw refusal }
            say(
                total == 0
                    ? l.pick("Chưa xã nào có minh chứng.", "No commune has evidence yet.")
                    : l.pick("\(total) minh chứng của \(communes) xã", "\(total) documents from \(communes) communes"))
        }

        /// One document in one line.
        func line(_ record: EvidenceRecord) -> String {
            let l = options.language
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
            return
                "\(record.uid)  \(record.indicator.padding(toLength: 5, withPad: " ", startingAt: 0))  \(parts.joined(separator: " · "))"
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
