import Foundation
import NTM
import SyncCore

/// What `ntm report`, `ntm hub report` and `ntm settings` tell a person, in both languages.
enum ReportMessages {
    /// A document a report wrote.
    enum Written {
        /// The Word document at a path.
        case document(String)
        /// The dashboard page at a path.
        case page(String)

        /// Where it was written.
        var path: String {
            switch self {
            case .document(let path), .page(let path): path
            }
        }
    }

    /// The line saying a document was written.
    static func written(_ written: Written, _ language: Language) -> String {
        switch written {
        case .document(let path):
            language.pick("đã ghi văn bản báo cáo (Word): \(path)", "wrote the report document (Word): \(path)")
        case .page(let path):
            language.pick(
                "đã ghi trang tổng quan (mở bằng trình duyệt): \(path)",
                "wrote the dashboard page (open it in a browser): \(path)")
        }
    }

    /// What each setting is, for `ntm settings`.
    static func meaning(_ key: DocumentSettings.Key, _ language: Language) -> String {
        switch key {
        case .issuer: language.pick("cơ quan chủ quản", "governing body")
        case .office: language.pick("cơ quan ban hành", "issuing body")
        case .place: language.pick("địa danh", "place name")
        case .number: language.pick("số văn bản", "document number")
        case .code: language.pick("ký hiệu", "document symbol")
        case .authority: language.pick("thẩm quyền ký (TM., KT.)", "signing authority (on behalf of)")
        case .title: language.pick("chức vụ người ký", "signer's title")
        case .signer: language.pick("người ký", "signer")
        case .recipients: language.pick("nơi nhận, cách nhau bởi ;", "recipients, separated by ;")
        case .subject: language.pick("trích yếu", "subject line")
        }
    }

    /// A setting's line in `ntm settings`: its value, or the default it takes.
    static func setting(_ key: DocumentSettings.Key, value: String?, fallback: String?, _ language: Language) -> String
    {
        let shown =
            value
            ?? fallback.map { language.pick("(mặc định: \($0))", "(default: \($0))") }
            ?? language.pick("(chưa đặt)", "(not set)")
        return
            "\(key.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)) \(shown)  — \(meaning(key, language))"
    }

    /// The line after `ntm settings set` or `unset`.
    static func changed(_ key: DocumentSettings.Key, value: String?, _ language: Language) -> String {
        guard let value else { return language.pick("đã bỏ \(key.rawValue)", "unset \(key.rawValue)") }
        return language.pick("đã đặt \(key.rawValue) = \(value)", "set \(key.rawValue) = \(value)")
    }
}
