import Foundation
import SyncCore

/// How replicated things are named for people: the subject of a row ("17.1 Tỷ lệ hộ …", "Sở Xây
/// dựng"), a field ("trạng thái"), and a value ("chưa đạt", "30/09/2021").
public struct Presentation: Sendable {
    /// The catalogue that names indicators.
    public let catalogue: Catalogue
    /// The language.
    public let language: Language

    /// Creates a presentation.
    public init(catalogue: Catalogue, language: Language) {
        self.catalogue = catalogue
        self.language = language
    }

    /// The row's subject in domain words.
    public func subject(table: String, row: String, indicatorOfEvidence: String? = nil) -> String {
        let parts = row.split(separator: "/").map(String.init)
        switch table {
        case NTMSchema.Table.assessment:
            let code = parts.last ?? row
            return "\(language.pick("chỉ tiêu", "indicator")) \(code) \(indicatorName(code))"
        case NTMSchema.Table.evidence:
            let uid = parts.last ?? row
            let code = indicatorOfEvidence.map { " (\(language.pick("chỉ tiêu", "indicator")) \($0))" } ?? ""
            return "\(language.pick("minh chứng", "evidence")) \(uid)\(code)"
        case NTMSchema.Table.appraisal:
            let slug = parts.last ?? row
            let name = catalogue.sectors.first { Text.slug($0) == slug } ?? slug
            return "\(language.pick("thẩm định", "appraisal")): \(name)"
        case NTMSchema.Table.dossier:
            let part = parts.last ?? row
            return part == NTMSchema.generalDossierPart
                ? language.pick("hồ sơ chung", "general dossier")
                : "\(language.pick("hồ sơ tiêu chí", "dossier of criterion")) \(part)"
        case NTMSchema.Table.commune:
            return "\(language.pick("xã", "commune")) \(row)"
        case NTMSchema.Table.target:
            let level = Level(rawValue: parts.last ?? "")?.label(language) ?? (parts.last ?? row)
            return "\(language.pick("mục tiêu", "target")) \(level) (\(parts.first ?? row))"
        case NTMSchema.Table.catalogue:
            return "\(language.pick("bộ tiêu chí", "criteria set")) \(row)"
        case NTMSchema.Table.verification:
            let criterion = parts.count > 2 ? parts[2] : row
            return "\(language.pick("thẩm tra tiêu chí", "verification of criterion")) \(criterion)"
        case NTMSchema.Table.deadline:
            return "\(language.pick("hạn", "deadline")) \(parts.last ?? row)"
        case NTMSchema.Table.note:
            return "\(language.pick("ghi chú", "note")) \(parts.last ?? row)"
        default:
            return "\(table) \(row)"
        }
    }

    /// The indicator's name in the presentation's language.
    public func indicatorName(_ code: String) -> String {
        guard let indicator = catalogue.indicator(code) else { return "" }
        return language == .vi ? indicator.nameVi : indicator.nameEn
    }

    /// The field's name in domain words.
    public func field(table: String, column: String) -> String {
        switch (table, column) {
        case (_, tombstoneColumn): return language.pick("xóa", "deleted")
        case (NTMSchema.Table.assessment, "status"): return language.pick("trạng thái", "status")
        case (NTMSchema.Table.assessment, "value"): return language.pick("giá trị đo", "measured value")
        case (NTMSchema.Table.assessment, "deadline"): return language.pick("hạn hoàn thành", "deadline")
        case (_, "note"): return language.pick("ghi chú", "note")
        case (NTMSchema.Table.evidence, "title"): return language.pick("tên văn bản", "title")
        case (NTMSchema.Table.evidence, "kind"): return language.pick("loại văn bản", "kind")
        case (NTMSchema.Table.evidence, "number"): return language.pick("số hiệu", "document number")
        case (NTMSchema.Table.evidence, "issued"): return language.pick("ngày ban hành", "date")
        case (NTMSchema.Table.evidence, "issuer"): return language.pick("cơ quan ban hành", "issuer")
        case (NTMSchema.Table.evidence, "indicator"): return language.pick("chỉ tiêu", "indicator")
        case (NTMSchema.Table.evidence, "file_name"): return language.pick("tên tệp", "file name")
        case (NTMSchema.Table.evidence, "file_size"): return language.pick("cỡ tệp", "file size")
        case (NTMSchema.Table.evidence, "file_sha256"): return language.pick("mã SHA-256 của tệp", "file SHA-256")
        case (NTMSchema.Table.appraisal, "sent"): return language.pick("ngày gửi hồ sơ", "sent")
        case (NTMSchema.Table.appraisal, "inspected"): return language.pick("ngày kiểm tra", "inspected")
        case (NTMSchema.Table.appraisal, "verdict"): return language.pick("kết quả", "verdict")
        case (NTMSchema.Table.appraisal, "sector_name"): return language.pick("tên sở, ngành", "sector")
        case (NTMSchema.Table.dossier, "complete"): return language.pick("hồ sơ hoàn thiện", "complete")
        case (NTMSchema.Table.commune, "name"): return language.pick("tên xã", "name")
        case (_, "criteria_set"): return language.pick("bộ tiêu chí", "criteria set")
        case (NTMSchema.Table.commune, "district"): return language.pick("huyện", "district")
        case (NTMSchema.Table.commune, "code"): return language.pick("mã đơn vị hành chính", "unit code")
        case (NTMSchema.Table.target, "year"): return language.pick("năm phấn đấu", "target year")
        case (NTMSchema.Table.catalogue, "data"): return language.pick("nội dung bộ tiêu chí", "set contents")
        case (NTMSchema.Table.catalogue, "title"): return language.pick("tên bộ", "title")
        case (NTMSchema.Table.catalogue, "digest"): return language.pick("mã băm", "digest")
        case (NTMSchema.Table.verification, "result"): return language.pick("kết quả thẩm tra", "result")
        case (NTMSchema.Table.verification, "verified"): return language.pick("ngày thẩm tra", "verified on")
        case (NTMSchema.Table.verification, "department_name"): return language.pick("phòng thẩm tra", "department")
        case (_, "document"): return language.pick("số văn bản", "document number")
        case (NTMSchema.Table.deadline, "title"): return language.pick("việc", "task")
        case (NTMSchema.Table.deadline, "due"): return language.pick("hạn", "due")
        case (NTMSchema.Table.deadline, "owner"): return language.pick("người phụ trách", "owner")
        case (NTMSchema.Table.deadline, "done"): return language.pick("ngày xong", "done on")
        case (NTMSchema.Table.note, "text"): return language.pick("nội dung", "text")
        default: return column
        }
    }

    /// A value as people read it.
    public func value(_ value: FieldValue?, table: String, column: String) -> String {
        guard let value else { return language.pick("(trống)", "(empty)") }
        switch value {
        case .null: return language.pick("(trống)", "(empty)")
        case .bool(let flag):
            if column == tombstoneColumn {
                return flag ? language.pick("đã xóa", "deleted") : language.pick("khôi phục", "restored")
            }
            return flag ? language.pick("có", "yes") : language.pick("không", "no")
        case .int(let number): return formatNumber(Double(number), language)
        case .double(let number): return formatNumber(number, language)
        case .text(let text):
            if table == NTMSchema.Table.catalogue, column == "data" {
                return language.pick(
                    "(tệp bộ tiêu chí, \(text.utf8.count) byte)", "(set file, \(text.utf8.count) bytes)")
            }
            if table == NTMSchema.Table.assessment, column == "status", let status = AssessmentStatus(rawValue: text) {
                return status.label(language)
            }
            if [NTMSchema.Table.appraisal, NTMSchema.Table.verification].contains(table),
                ["verdict", "result"].contains(column), let verdict = Verdict(rawValue: text)
            {
                return verdict.label(language)
            }
            if ["deadline", "issued", "sent", "inspected", "due", "done", "verified", "written"].contains(column),
                let date = CalendarDate(parsing: text)
            {
                return date.description
            }
            return text
        }
    }

    /// A wall-clock time as `dd/mm/yyyy HH:mm` in the machine's time zone.
    public static func time(_ wallMs: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "dd/MM/yyyy HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(wallMs) / 1000))
    }
}

extension Presentation {
    /// A write in domain words: "what · which field = value".
    public func write(_ op: SyncOperation) -> String {
        let subject = subject(table: op.key.table, row: op.key.row)
        let field = field(table: op.key.table, column: op.key.column)
        return "\(subject) · \(field) = \(value(op.value, table: op.key.table, column: op.key.column))"
    }
}
