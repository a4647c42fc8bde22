import Foundation
import SyncCore

extension Catalogue.Indicator {
    /// The target as a person reads it in `language`.
    ///
    /// The criteria files state targets in Vietnamese, as the decisions do (`Đạt`, `theo vùng`,
    /// `≥85%`). In English the known words are put in English and decimal commas become points; in
    /// Vietnamese, the files' English remark `(unverified)` is put in Vietnamese. A word not in
    /// ``targetWords`` is shown as written.
    public func target(_ language: Language) -> String {
        guard language == .en else { return target.replacingOccurrences(of: "(unverified)", with: "(chưa kiểm chứng)") }
        var text = target
        for (vi, en) in Self.targetWords { text = text.replacingOccurrences(of: vi, with: en) }
        // 21,8% → 21.8%: a comma between two digits is a decimal comma.
        return text.replacingOccurrences(of: #"(?<=\d),(?=\d)"#, with: ".", options: .regularExpression)
    }

    /// The words of targets and their English, longest first so that a phrase wins over its parts.
    static let targetWords: [(vi: String, en: String)] = [
        ("tỷ lệ nước sạch theo vùng", "clean water rate by region"),
        ("theo vùng, tăng dần đến năm", "by region, rising until"),
        ("triệu đồng/người/năm", "million VND per person per year"),
        ("hợp vệ sinh", "hygienic"),
        ("nước sạch", "clean water"),
        ("theo vùng", "by region"),
        ("m²/người", "m² per person"),
        ("triệu", "million"),
        ("chung", "nationwide"),
        ("BTB", "North Central Coast"),
        ("Không", "None"),
        ("Đạt", "Met"),
    ]
}
