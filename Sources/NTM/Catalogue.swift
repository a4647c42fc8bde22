import Foundation
import SyncCore

/// A criteria set (bộ tiêu chí): its criteria, their indicators, who answers for each, and the province
/// sectors that appraise it. Loaded from data (shipped files or a province's own file, format
/// `ntm-catalogue/1`, see `docs/CATALOGUE.md`), never written in code, because provinces adapt sets and
/// sets change every five years.
public struct Catalogue: Sendable, Hashable {
    /// The format this code reads.
    public static let format = "ntm-catalogue/1"

    /// The largest file accepted: an imported set travels as one replicated field, and an operation
    /// line is at most 1 MiB.
    public static let maximumBytes = 900_000

    /// One criterion (tiêu chí), such as 17 "Môi trường và an toàn thực phẩm".
    public struct Criterion: Sendable, Hashable {
        /// The criterion number, from 1.
        public var number: Int
        /// The Vietnamese name.
        public var nameVi: String
        /// The English name.
        public var nameEn: String
        /// The lead district department.
        public var department: String
    }

    /// One indicator (chỉ tiêu, tiểu tiêu chí), such as 17.1, with who answers for it.
    public struct Indicator: Sendable, Hashable {
        /// The code, `17.1`, or `5` for a criterion with a single indicator.
        public var code: String
        /// The criterion it belongs to.
        public var criterion: Int
        /// The Vietnamese name.
        public var nameVi: String
        /// The English name.
        public var nameEn: String
        /// The target as the decision states it (`≥85%`, `Đạt`).
        public var target: String
        /// The unit of a measured value (`%`), when the target is a number.
        public var unit: String?
        /// The lowest value that meets the target, when higher is better.
        public var minimum: Double?
        /// The highest value that meets the target, when lower is better.
        public var maximum: Double?
        /// The responsible district department (phòng).
        public var department: String
        /// The appraising province sector (sở, ngành).
        public var sector: String
        /// True when the entry was reconstructed rather than checked against the decision.
        public var reconstructed: Bool

        /// Whether a measured value reaches the target; nil when the target is not a number. A target
        /// of "Không" (none: no makeshift houses, say) is met by 0 only.
        public func meets(_ value: Double) -> Bool? {
            if minimum == nil, maximum == nil { return Text.slug(target) == "khong" ? value <= 0 : nil }
            if let minimum, value < minimum { return false }
            if let maximum, value > maximum { return false }
            return true
        }
    }

    /// The set id, `qd1980-2016`.
    public var id: String
    /// The Vietnamese title.
    public var titleVi: String
    /// The English title.
    public var titleEn: String
    /// The decision that issued it.
    public var decision: String
    /// Whether communes or districts are assessed against it.
    public var unit: AssessedUnit
    /// The recognition level it leads to.
    public var level: Level
    /// True for made-up sets used in tests and demonstrations.
    public var synthetic: Bool
    /// The province sectors that appraise the dossier, in the set's order.
    public var sectors: [String]
    /// The criteria, by number.
    public var criteria: [Criterion]
    /// The indicators, in catalogue order.
    public var indicators: [Indicator]
    /// The first 16 hex digits of the SHA-256 of the file: changes whenever the data does.
    public var digest: String
    /// The file as read, kept so that an imported set can be replicated byte for byte.
    public var source: Data

    /// The title in a language.
    public func title(_ language: Language) -> String { language == .vi ? titleVi : titleEn }

    /// The indicator with this code, if any.
    public func indicator(_ code: String) -> Indicator? { indicators.first { $0.code == code } }

    /// The criterion with this number, if any.
    public func criterion(_ number: Int) -> Criterion? { criteria.first { $0.number == number } }

    /// The indicators of a criterion.
    public func indicators(of criterion: Int) -> [Indicator] { indicators.filter { $0.criterion == criterion } }

    /// The district departments that answer for a criterion: its lead department, then those of its
    /// indicators, without repeats.
    public func departments(of criterion: Int) -> [String] {
        unique([self.criterion(criterion)?.department ?? ""] + indicators(of: criterion).map(\.department))
    }

    /// Every district department named by the set, in order of first appearance.
    public var departments: [String] { unique(criteria.map(\.department) + indicators.map(\.department)) }

    /// The number of entries marked reconstructed.
    public var reconstructedCount: Int { indicators.filter(\.reconstructed).count }

}

func unique(_ values: [String]) -> [String] {
    var seen = Set<String>()
    return values.filter { !$0.isEmpty && seen.insert($0).inserted }
}
