import Foundation
import SyncCore

/// An indicator's assessed status.
public enum AssessmentStatus: String, Sendable, CaseIterable {
    /// Đạt: met.
    case met = "dat"
    /// Chưa đạt: not met.
    case notMet = "chua-dat"
    /// Đang thực hiện: in progress.
    case inProgress = "dang-thuc-hien"

    /// Accepts the stored code (`dat`), the Vietnamese words with or without diacritics (`chưa đạt`,
    /// `chua dat`), and English (`met`, `not-met`, `in-progress`).
    public init?(parsing text: String) {
        let key = Text.slug(text)
        switch key {
        case "dat", "met", "d": self = .met
        case "chua-dat", "not-met", "khong-dat", "cd": self = .notMet
        case "dang-thuc-hien", "in-progress", "dth": self = .inProgress
        default: return nil
        }
    }

    /// The words people read.
    public func label(_ language: Language) -> String {
        switch self {
        case .met: return language.pick("đạt", "met")
        case .notMet: return language.pick("chưa đạt", "not met")
        case .inProgress: return language.pick("đang thực hiện", "in progress")
        }
    }
}

/// A province sector's verdict on the commune's dossier.
public enum Verdict: String, Sendable, CaseIterable {
    /// Đạt: the sector's written verdict is "met".
    case met = "dat"
    /// Không đạt: not met.
    case notMet = "khong-dat"
    /// Chờ: awaiting the verdict.
    case pending = "cho"

    /// Accepts `dat`, `khong-dat`, `cho` and the Vietnamese words with or without diacritics.
    public init?(parsing text: String) {
        switch Text.slug(text) {
        case "dat", "met": self = .met
        case "khong-dat", "chua-dat", "not-met": self = .notMet
        case "cho", "cho-ket-qua", "pending": self = .pending
        default: return nil
        }
    }

    /// The words people read.
    public func label(_ language: Language) -> String {
        switch self {
        case .met: return language.pick("đạt", "met")
        case .notMet: return language.pick("không đạt", "not met")
        case .pending: return language.pick("chờ kết quả", "pending")
        }
    }
}

/// Parses yes/no answers: `yes`, `no`, `có`, `không` (and `c`, `k` as a prompt's `[c/k]` offers),
/// `true`, `false`, `1`, `0`.
public func parseYesNo(_ text: String) -> Bool? {
    switch Text.slug(text) {
    case "yes", "y", "co", "c", "true", "1", "roi", "xong": return true
    case "no", "n", "khong", "k", "false", "0", "chua": return false
    default: return nil
    }
}

/// Parses a measured value: `96.5`, `96,5` (Vietnamese decimal comma), `96.5%`.
public func parseMeasuredValue(_ text: String) -> Double? {
    var cleaned = text.trimmingCharacters(in: .whitespaces)
    if cleaned.hasSuffix("%") { cleaned.removeLast() }
    cleaned = cleaned.replacingOccurrences(of: ",", with: ".")
    guard !cleaned.isEmpty, let value = Double(cleaned), value.isFinite else { return nil }
    return value
}

/// Formats a number the way it is read in the given language (decimal comma in Vietnamese).
public func formatNumber(_ value: Double, _ language: Language) -> String {
    var text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    if language == .vi { text = text.replacingOccurrences(of: ".", with: ",") }
    return text
}
/// Whether a set assesses communes (xã), districts (huyện) or villages (thôn).
public enum AssessedUnit: String, Sendable, CaseIterable {
    /// A commune (xã).
    case commune
    /// A district (huyện).
    case district
    /// A village (thôn).
    case village

    /// The word people read.
    public func label(_ language: Language) -> String {
        switch self {
        case .commune: return language.pick("xã", "commune")
        case .district: return language.pick("huyện", "district")
        case .village: return language.pick("thôn", "village")
        }
    }
}

/// The recognition level a commune works towards.
public enum Level: String, Sendable, CaseIterable, Comparable {
    /// Nông thôn mới.
    case ntm
    /// NTM nâng cao (advanced).
    case advanced = "nang-cao"
    /// NTM kiểu mẫu (model).
    case model = "kieu-mau"
    /// Thôn kiểu mẫu (model village).
    case modelVillage = "thon-kieu-mau"

    /// Accepts the code, the Vietnamese words with or without diacritics, and English.
    public init?(parsing text: String) {
        switch Text.slug(text) {
        case "ntm", "nong-thon-moi", "dat-chuan", "standard", "basic": self = .ntm
        case "nang-cao", "ntm-nang-cao", "nong-thon-moi-nang-cao", "advanced": self = .advanced
        case "kieu-mau", "ntm-kieu-mau", "nong-thon-moi-kieu-mau", "model": self = .model
        case "thon-kieu-mau", "model-village": self = .modelVillage
        default: return nil
        }
    }

    /// The words people read.
    public func label(_ language: Language) -> String {
        switch self {
        case .ntm: return language.pick("NTM", "NTM (new rural area)")
        case .advanced: return language.pick("NTM nâng cao", "advanced NTM")
        case .model: return language.pick("NTM kiểu mẫu", "model NTM")
        case .modelVillage: return language.pick("thôn kiểu mẫu", "model village")
        }
    }

    public static func < (lhs: Level, rhs: Level) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
