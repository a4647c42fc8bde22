import Crypto
import Foundation

/// A criteria set (bộ tiêu chí): its criteria and their indicators, loaded from data shipped with the
/// package, never written in code, because provinces adapt sets and sets change every five years.
public struct Catalogue: Sendable {
    /// One criterion (tiêu chí), such as 17 "Môi trường và an toàn thực phẩm".
    public struct Criterion: Sendable, Hashable {
        /// The criterion number, from 1.
        public var number: Int
        /// The Vietnamese name.
        public var nameVi: String
    }

    /// One indicator (chỉ tiêu), such as 17.1, with who answers for it.
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
        /// The responsible district department (phòng).
        public var department: String
        /// The appraising province sector (sở, ngành).
        public var sector: String
    }

    /// The set id, `qd1980-2016`.
    public var id: String
    /// The set's Vietnamese title.
    public var titleVi: String
    /// The decision that issued it.
    public var decision: String
    /// The criteria, by number.
    public var criteria: [Criterion]
    /// The indicators, in catalogue order.
    public var indicators: [Indicator]
    /// The first 16 hex digits of the SHA-256 of the catalogue file: changes whenever the data does.
    public var digest: String

    /// The province sectors that appraise this set, in catalogue order, without repeats.
    public var sectors: [String] {
        var seen = Set<String>()
        return indicators.map(\.sector).filter { seen.insert($0).inserted }
    }

    /// The indicator with this code, if any.
    public func indicator(_ code: String) -> Indicator? { indicators.first { $0.code == code } }

    /// The indicators of a criterion.
    public func indicators(of criterion: Int) -> [Indicator] { indicators.filter { $0.criterion == criterion } }

    /// The sets shipped with the package, by id.
    public static let shippedIDs = ["qd1980-2016"]

    /// Loads a shipped set.
    /// - Throws: ``NTMError/unknownCriteriaSet(_:known:)`` for an id that is not shipped.
    public static func shipped(_ id: String) throws -> Catalogue {
        guard shippedIDs.contains(id),
            let url = Bundle.module.url(forResource: "criteria-\(id)", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { throw NTMError.unknownCriteriaSet(id, known: shippedIDs) }
        return try Catalogue(data: data)
    }

    /// Reads a catalogue file (the format of `criteria-2016-2020.json`).
    public init(data: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let id = root["set"] as? String,
            let criteria = root["criteria"] as? [[String: Any]],
            let indicators = root["indicators"] as? [[String: Any]]
        else { throw NTMError.badCatalogue("missing set, criteria or indicators") }
        self.id = id
        titleVi = root["title_vi"] as? String ?? id
        decision = root["decision"] as? String ?? ""
        self.criteria = try criteria.map { entry in
            guard let number = entry["no"] as? Int, let name = entry["name_vi"] as? String else {
                throw NTMError.badCatalogue("a criterion lacks no or name_vi")
            }
            return Criterion(number: number, nameVi: name)
        }
        self.indicators = try indicators.map { entry in
            guard let code = entry["code"] as? String, let criterion = Int(code.split(separator: ".")[0]),
                let nameVi = entry["name_vi"] as? String
            else { throw NTMError.badCatalogue("an indicator lacks code or name_vi") }
            return Indicator(
                code: code, criterion: criterion, nameVi: nameVi, nameEn: entry["name_en"] as? String ?? nameVi,
                target: entry["target"] as? String ?? "", department: entry["dept"] as? String ?? "",
                sector: entry["sector"] as? String ?? "")
        }
        digest = SHA256.hash(data: data).prefix(8).hexString
    }
}
