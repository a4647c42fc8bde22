import ArgumentParser
import Foundation
import NTM
import SyncCore

struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: Interface.pick(
            "Minh chứng: văn bản, biên bản, báo cáo.", "Evidence: decisions, minutes, reports and other documents."),
        subcommands: [Add.self, List.self, Edit.self, Remove.self, Restore.self, Export.self, Open.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Thêm một minh chứng cho chỉ tiêu.", "Add a document to an indicator."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Mã chỉ tiêu, ví dụ 17.1.", "The indicator's code, e.g. 17.1.")) var code: String
        @Option(help: .pick("Tên văn bản.", "The document's title.")) var title: String
        @OptionGroup var details: EvidenceDetails
        @OptionGroup var file: EvidenceFileOption

        func run() throws {
            let replica = try options.open()
            let uid = try replica.addEvidence(
                code: code, title: title, kind: details.kind, number: details.number, date: details.date,
                issuer: details.issuer, file: file.file,
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
        @Flag(help: .pick("In JSON (một mảng).", "Print JSON (one array).")) var json = false

        func run() throws {
            let language = options.language
            let database = try options.openDatabase()
            if options.commune == nil, database.homeCommune == nil {
                return try listDistrict(database)
            }
            let replica = try options.open()
            let records = try replica.evidence(code: code)
            if json { return say(JSONWriter.string(.array(records.map { .object(Self.json($0, commune: nil)) }))) }
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
            var listed: [JSONValue] = []
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
                if json {
                    listed += records.map { .object(Self.json($0, commune: commune.slug)) }
                    continue
                }
                communes += 1
                total += records.count
                say(
                    language.pick(
                        "\(commune.name) (\(commune.slug)): \(records.count) minh chứng",
                        "\(commune.name) (\(commune.slug)): \(Language.english(records.count, "document"))"))
                for record in records { say("  " + line(record)) }
            }
            if !anyRead, let refusal { throw refusal }
            if json { return say(JSONWriter.string(.array(listed))) }
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
            if let file = FileWords.line(record, language) { parts.append(file) }
            return
                "\(record.uid)  \(record.indicator.padding(toLength: 5, withPad: " ", startingAt: 0))  \(parts.joined(separator: " · "))"
        }

        /// One document for programs: `file_state` is `present`, `missing`, `partial` (with `file_held`,
        /// the bytes here) or `refused` (with `file_refusal`, the reason in words), null without a file.
        static func json(_ record: EvidenceRecord, commune: String?) -> JSONObject {
            func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
            var object: JSONObject = [
                "id": .string(record.uid), "indicator": .string(record.indicator), "title": .string(record.title),
                "kind": text(record.kind), "number": text(record.number), "issued": text(record.issued?.iso),
                "issuer": text(record.issuer), "file_name": text(record.fileName),
                "file_size": record.fileSize.map(JSONValue.int) ?? .null, "file_sha256": text(record.fileSHA256),
                "file_state": .null, "file_held": .null, "file_refusal": .null,
                "at_district": .bool(record.fileAtDistrict),
            ]
            if let commune { object["commune"] = .string(commune) }
            switch record.fileState {
            case .present?: object["file_state"] = .string("present")
            case .missing?: object["file_state"] = .string("missing")
            case .partial(let held)?:
                object["file_state"] = .string("partial")
                object["file_held"] = .int(held)
            case .refused(let code, let detail)?:
                object["file_state"] = .string("refused")
                object["file_refusal"] = .string(FileWords.refusal(code: code, detail: detail, .en))
            case nil: break
            }
            return object
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Xóa một minh chứng (theo mã, hoặc đầu mã).", "Remove a document (by its id, or the id's start)."))

        @OptionGroup var options: GlobalOptions
        @OptionGroup var document: EvidenceID

        func run() throws {
            let replica = try options.open()
            let uid = try replica.removeEvidence(document.id, author: try options.author(replica))
            say(options.language.pick("Đã xóa minh chứng \(uid)", "Removed evidence \(uid)"))
        }
    }
}

extension EvidenceCommand {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Sửa thông tin một minh chứng (tên, loại, số hiệu, ngày, cơ quan ban hành) hoặc thay tệp của nó.",
                "Correct a document's details (title, kind, number, date, issuer) or replace its file."))

        @OptionGroup var options: GlobalOptions
        @OptionGroup var document: EvidenceID
        @Option(help: .pick("Tên văn bản.", "The document's title.")) var title: String?
        @OptionGroup var details: EvidenceDetails
        @OptionGroup var file: EvidenceFileOption

        func run() throws {
            let replica = try options.open()
            let uid = try replica.editEvidence(
                document.id, title: title, kind: details.kind, number: details.number, date: details.date,
                issuer: details.issuer, file: file.file,
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
        @OptionGroup var document: EvidenceID

        func run() throws {
            let replica = try options.open()
            let uid = try replica.restoreEvidence(document.id, author: try options.author(replica))
            say(options.language.pick("Đã khôi phục minh chứng \(uid)", "Restored evidence \(uid)"))
        }
    }
}

extension EvidenceCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Xuất tệp gốc của một minh chứng (kiểm tra lại mã SHA-256).",
                "Write a document's original file (its SHA-256 checked again)."))

        @OptionGroup var options: SharedOptions<ShowPlace>
        @OptionGroup var document: EvidenceID
        @Option(help: .pick("Ghi tệp ra đường dẫn này.", "Where to write the file.")) var out: String

        func run() throws {
            let record = try options.open().exportEvidenceFile(document.id, to: out)
            say(
                options.language.pick(
                    "Đã xuất tệp \(record.fileName ?? "") của minh chứng \(record.uid) ra \(out)",
                    "Wrote the file \(record.fileName ?? "") of evidence \(record.uid) to \(out)"))
        }
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Mở tệp của một minh chứng bằng chương trình xem của máy (xdg-open, open, hoặc $NTM_OPEN).",
                "Open a document's file with the desktop's viewer (xdg-open, open, or $NTM_OPEN)."))

        @OptionGroup var options: SharedOptions<ShowPlace>
        @OptionGroup var document: EvidenceID

        func run() throws {
            let opened = try options.open().openEvidenceFile(document.id)
            if !opened.opened { warn(.noOpener(command: opened.command), options.language) }
            say(opened.path)
        }
    }
}

/// The document a command works on: its id, or the id's start.
struct EvidenceID: ParsableArguments {
    @Argument(
        help: .pick("Mã minh chứng (ít nhất 4 ký tự đầu).", "The document's id (at least its first 4 characters)."))
    var id: String
}

/// `--file` of `evidence add` and `evidence edit`.
struct EvidenceFileOption: ParsableArguments {
    @Option(
        help: .pick(
            "Tệp trên máy: nội dung được lưu vào cơ sở dữ liệu, cùng tên, cỡ và mã SHA-256.",
            "A file on this computer: its content is kept in the database, with its name, size and SHA-256."))
    var file: String?
}

/// What `evidence add` and `evidence edit` both say of a document besides its title.
struct EvidenceDetails: ParsableArguments {
    @Option(help: .pick("Loại: quyết định, báo cáo, biên bản, ảnh…", "Its kind: decision, report, minutes, photo…"))
    var kind: String?
    @Option(help: .pick("Số hiệu, ví dụ 12/BB-UBND.", "Its number, e.g. 12/BB-UBND.")) var number: String?
    @Option(help: .pick("Ngày ban hành, dd/mm/yyyy.", "Its date, dd/mm/yyyy.")) var date: String?
    @Option(help: .pick("Cơ quan ban hành.", "Who issued it.")) var issuer: String?
}
