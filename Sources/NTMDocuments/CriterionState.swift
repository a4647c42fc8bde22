import NTM
import SyncCore

/// A criterion's state in one commune, as a cell of the dashboard's grid shows it.
enum CriterionState: String, CaseIterable {
    /// Every indicator met (and nothing of it in conflict).
    case met
    /// Some indicator met or assessed, not all met.
    case progress
    /// Nothing met, nothing assessed.
    case notMet = "not-met"
    /// One of its indicators is in conflict: shown first, since the figures do not count a disputed
    /// indicator as met until someone settles it. (A conflict on the dossier flag or a verification does
    /// not change whether the criterion is met; the activity table counts it.)
    case conflict

    /// The state of `progress`.
    init(_ progress: CriterionProgress) {
        if progress.missing.contains(where: \.inConflict) {
            self = .conflict
        } else if progress.met {
            self = .met
        } else if progress.indicatorsMet > 0 || progress.missing.contains(where: { $0.status != nil }) {
            self = .progress
        } else {
            self = .notMet
        }
    }

    /// The symbol in the cell, so that colour is not the only signal.
    var symbol: String {
        switch self {
        case .met: "✓"
        case .progress: "◐"
        case .notMet: "✗"
        case .conflict: "!"
        }
    }

    /// The state in words.
    func label(_ language: Language) -> String {
        switch self {
        case .met: language.pick("đạt", "met")
        case .progress: language.pick("đang thực hiện", "in progress")
        case .notMet: language.pick("chưa đạt", "not met")
        case .conflict: language.pick("đang xung đột", "in conflict")
        }
    }

    /// What the state means, for the legend.
    func explanation(_ language: Language) -> String {
        switch self {
        case .met: language.pick("mọi chỉ tiêu đạt", "every indicator met")
        case .progress: language.pick("có chỉ tiêu đạt hoặc đã đánh giá", "some indicator met or assessed")
        case .notMet: language.pick("chưa có chỉ tiêu nào đạt hay được đánh giá", "nothing met or assessed")
        case .conflict:
            language.pick(
                "có chỉ tiêu đang xung đột, chưa tính là đạt",
                "an indicator in conflict, not counted as met")
        }
    }
}
