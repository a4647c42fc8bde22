import Foundation
import Replica
import SyncCore

/// Why a hub refused one of this replica's writes, in the domain's words (the hub says it in English,
/// for logs: "forbidden: no rule lets commune:dan-ly write result of verification …").
public enum RefusalWords {
    /// The reason a person reads: for a write the role may not make, "vai trò xã không được ghi kết
    /// quả thẩm tra của phòng"; for anything else, that the hub did not take it.
    public static func reason(
        _ reason: String, table: String?, column: String?, role: Role?, presentation: Presentation?,
        _ language: Language
    ) -> String {
        guard reason.hasPrefix("forbidden"), let table, let column else {
            return language.pick(
                "máy chủ huyện không nhận thay đổi này", "the district hub did not accept this change")
        }
        var what = NTMError.fieldName(table: table, column: column, language)
        if what == "\(table).\(column)", let presentation {
            what = presentation.field(table: table, column: column)
        }
        let who: String
        if role?.commune != nil {
            who = language.pick("vai trò xã", "a commune's role")
        } else if let name = role?.department {
            who = language.pick("vai trò \(name)", "the role of \(name)")
        } else if role?.isDistrict == true {
            who = language.pick("vai trò huyện", "the district's role")
        } else {
            who = language.pick("vai trò của máy này", "this replica's role")
        }
        return language.pick("\(who) không được ghi \(what)", "\(who) may not write \(what)")
    }
}
