import ArgumentParser
import Foundation
import NTM
import SyncCore

struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: Interface.pick(
            "Minh chứng: văn bản, biên bản, báo cáo.", "Evidence: decisions, minutes, reports and other documents."),
        subcommands: [Add.self, List.self, Edit.self, Remove.self, Restore.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Thêm một minh chứng cho chỉ tiêu.", "Add a document to an indicator."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Mã chỉ tiêu, ví dụ 17.1.", "The indicator's code, e.g. 17.1.")) var code: String
        @Option(help: .pick("Tên văn bản.", "The document's title.")) var title: String
        @OptionGroup var details: EvidenceDetails
        @Option(
            help: .pick(
                "Tệp trên máy: ghi tên, cỡ và mã SHA-256.",
                "A file on this computer: its name, size and SHA-256 are recorded."
            ))
        var file: String?

        func run() throws {
            let replica = try options.open()
            let uid = try replica.addEvidence(
                code: code, title: title, kind: details.kind, number: details.number, date: details.date,
                issuer: details.issuer, file: file,
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
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Liệt kê minh chứng (của một chỉ tiêu).", "List the evidence (of one indicator)."))

        @OptionGroup var options: SharedOptions<ShowPlace>
        @Argument(help: .pick("Mã chỉ tiêu.", "The indicator's code.")) var code: String?

        func run() throws {
            let language = options.language
            let database = try options.openDatabase()
            if options.commune == nil, database.homeCommune == nil {
                return try listDistrict(database)
            }
            let replica = try options.open()
            let records = try replica.evidence(code: code)
            if records.isEmpty {
                say(language.pick("Chưa có minh chứng.", "No evidence yet."))
                return
            }
            for record in records { say(line(record)) }
            say(language.pick("\(records.count) minh chứng", Language.english(records.count, "document")))
        }

        /// On the district's database (a district office's or the hub's): every commune's evidence,
        /// grouped by commune.
        func listDistrict(_ database: NTMDatabase) throws {
            let language = options.language
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
                    language.pick(
                        "\(commune.name) (\(commune.slug)): \(records.count) minh chứng",
                        "\(commune.name) (\(commune.slug)): \(Language.english(records.count, "document"))"))
                for record in records { say("  " + line(record)) }
            }
            if !anyRead, let refusal { throw refusal }
            say(
                total == 0
                    ? language.pick("Chưa xã nào có minh chứng.", "No commune has evidence yet.")
                    : language.pick(
                        "\(total) minh chứng của \(communes) xã", "\(total) documents from \(communes) communes"))
        }

        /// One document in one line.
        func line(_ record: EvidenceRecord) -> String {
            let language = options.language
            var parts = [record.title]
            if let kind = record.kind { parts.insert(kind, at: 0) }
            if let number = record.number { parts.append(language.pick("số \(number)", "no. \(number)")) }
            if let issued = record.issued { parts.append(language.pick("ngày \(issued)", "dated \(issued)")) }
            if let issuer = record.issuer { parts.append(issuer) }
            if let file = record.fileName {
                parts.append(
                    "\(language.pick("tệp", "file")) \(file) (\(record.fileSize ?? 0) B, sha256 \(record.fileSHA256?.prefix(12) ?? "")…)"
                )
            }
            return
                "\(record.uid)  \(record.indicator.padding(toLength: 5, withPad: " ", startingAt: 0))  \(parts.joined(separator: " · "))"
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Xóa một minh chứng (theo mã, hoặc đầu mã).", "Remove a document (by its id, or the id's start)."))

        @OptionGroup var options: GlobalOptions
        @Argument(
            help: .pick("Mã minh chứng (ít nhất 4 ký tự đầu).", "The document's id (at least its first 4 characters)."))
        var id: String

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
            abstract: Interface.pick(
                "Sửa thông tin một minh chứng (tên, loại, số hiệu, ngày, cơ quan ban hành).",
                "Correct a document's details (title, kind, number, date, issuer)."))

        @OptionGroup var options: GlobalOptions
        @Argument(
            help: .pick("Mã minh chứng (ít nhất 4 ký tự đầu).", "The document's id (at least its first 4 characters)."))
        var id: String
        @Option(help: .pick("Tên văn bản.", "The document's title.")) var title: String?
        @OptionGroup var details: EvidenceDetails

        func run() throws {
            let replica = try options.open()
            let uid = try replica.editEvidence(
                id, title: title, kind: details.kind, number: details.number, date: details.date,
                issuer: details.issuer,
                author: try options.author(replica))
            say(options.language.pick("Đã sửa minh chứng \(uid)", "Edited evidence \(uid)"))
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Khôi phục một minh chứng đã xóa (giữ cả những chỉnh sửa trong lúc bị xóa).",
                "Restore a removed document (with the edits made while it was removed)."))

        @OptionGroup var options: GlobalOptions
        @Argument(
            help: .pick("Mã minh chứng (ít nhất 4 ký tự đầu).", "The document's id (at least its first 4 characters)."))
        var id: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.restoreEvidence(id, author: try options.author(replica))
            say(options.language.pick("Đã khôi phục minh chứng \(uid)", "Restored evidence \(uid)"))
        }
    }
}

/// What `evidence add` and `evidence edit` both say of a document besides its title.
struct EvidenceDetails: ParsableArguments {
    @Option(help: .pick("Loại: quyết định, báo cáo, biên bản, ảnh…", "Its kind: decision, report, minutes, photo…"))
    var kind: String?
    @Option(help: .pick("Số hiệu, ví dụ 12/BB-UBND.", "Its number, e.g. 12/BB-UBND.")) var number: String?
    @Option(help: .pick("Ngày ban hành, dd/mm/yyyy.", "Its date, dd/mm/yyyy.")) var date: String?
    @Option(help: .pick("Cơ quan ban hành.", "Who issued it.")) var issuer: String?
}
