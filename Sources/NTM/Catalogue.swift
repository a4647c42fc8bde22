import Crypto
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

    /// Reads and validates a catalogue file.
    /// - Throws: ``NTMError/badCatalogue(_:)`` naming the first problem found.
    public init(data: Data) throws {
        guard data.count <= Self.maximumBytes else { throw NTMError.badCatalogue(.tooLarge(data.count)) }
        // Editors on Windows save UTF-8 with a byte-order mark; it is not part of the JSON.
        let bytes = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
        let root: JSONObject
        do {
            guard let object = try JSONParser.parse(bytes).object else { throw CatalogueProblem.notAnObject }
            root = object
        } catch let error as JSONParseError {
            throw NTMError.badCatalogue(.notJSON(error.description))
        } catch let problem as CatalogueProblem {
            throw NTMError.badCatalogue(problem)
        }
        do {
            try self.init(root: root, data: data)
        } catch let problem as CatalogueProblem {
            throw NTMError.badCatalogue(problem)
        }
    }

    private init(root: JSONObject, data: Data) throws {
        let format = try Self.text(root, "format", at: "")
        guard format == Self.format else { throw CatalogueProblem.wrongFormat(format) }
        id = try Self.text(root, "set", at: "")
        guard !id.isEmpty, id.utf8.count <= 64, id == Text.slug(id) else { throw CatalogueProblem.badSetID(id) }
        titleVi = try Self.name(root, "title_vi", at: "")
        titleEn = try Self.optionalText(root, "title_en", at: "") ?? titleVi
        decision = try Self.optionalText(root, "decision", at: "") ?? ""
        let unitText = try Self.text(root, "unit", at: "")
        guard let unit = AssessedUnit(rawValue: unitText) else { throw CatalogueProblem.badUnit(unitText) }
        self.unit = unit
        let levelText = try Self.text(root, "level", at: "")
        guard let level = Level(rawValue: levelText) else { throw CatalogueProblem.badLevel(levelText) }
        self.level = level
        switch root["synthetic"] {
        case nil: synthetic = false
        case .bool(let flag): synthetic = flag
        default: throw CatalogueProblem.wrongType(field: "synthetic", expected: "true/false")
        }
        let criteriaArray = try Self.list(root, "criteria")
        var criteria: [Criterion] = []
        for (index, entry) in criteriaArray.enumerated() {
            let at = "criteria[\(index)]"
            guard let object = entry.object else { throw CatalogueProblem.wrongType(field: at, expected: "object") }
            guard let number = object["no"]?.int, number >= 1, number <= 999 else {
                throw CatalogueProblem.wrongType(field: "\(at).no", expected: "a whole number from 1")
            }
            guard number == criteria.count + 1 else {
                throw criteria.contains(where: { $0.number == number })
                    ? CatalogueProblem.duplicateCriterion(Int(number))
                    : CatalogueProblem.criterionOutOfOrder(Int(number), expected: criteria.count + 1)
            }
            let nameVi = try Self.name(object, "name_vi", at: at)
            criteria.append(
                Criterion(
                    number: Int(number), nameVi: nameVi,
                    nameEn: try Self.optionalName(object, "name_en", at: at) ?? nameVi,
                    department: try Self.optionalName(object, "dept", at: at) ?? ""))
        }
        let indicatorArray = try Self.list(root, "indicators")
        var indicators: [Indicator] = []
        var codes = Set<String>()
        for (index, entry) in indicatorArray.enumerated() {
            let at = "indicators[\(index)]"
            guard let object = entry.object else { throw CatalogueProblem.wrongType(field: at, expected: "object") }
            let code = try Self.text(object, "code", at: at)
            let parts = code.split(separator: ".", omittingEmptySubsequences: false)
            // `N` or `N.K`: plain decimal numbers from 1, no sign, no leading zero.
            guard (1...2).contains(parts.count),
                parts.allSatisfy({ part in
                    !part.isEmpty && part.count <= 3 && part.first != "0"
                        && part.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
                }), let criterion = Int(parts[0])
            else { throw CatalogueProblem.badCode(code) }
            guard codes.insert(code).inserted else { throw CatalogueProblem.duplicateCode(code) }
            guard criteria.contains(where: { $0.number == criterion }) else {
                throw CatalogueProblem.missingCriterion(code: code, criterion: criterion)
            }
            let nameVi = try Self.name(object, "name_vi", at: "\(at) (\(code))")
            let minimum = try Self.optionalNumber(object, "min", at: "\(at) (\(code))")
            let maximum = try Self.optionalNumber(object, "max", at: "\(at) (\(code))")
            let unitText = try Self.optionalText(object, "unit", at: "\(at) (\(code))")
            if let minimum, let maximum, minimum > maximum { throw CatalogueProblem.badBounds(code) }
            if unitText == "%", [minimum, maximum].contains(where: { $0.map { $0 < 0 || $0 > 100 } ?? false }) {
                throw CatalogueProblem.badBounds(code)
            }
            let conf = try Self.optionalText(object, "conf", at: "\(at) (\(code))") ?? "R"
            guard conf == "V" || conf == "R" else {
                throw CatalogueProblem.wrongType(field: "\(at).conf", expected: "\"V\" or \"R\"")
            }
            indicators.append(
                Indicator(
                    code: code, criterion: criterion, nameVi: nameVi,
                    nameEn: try Self.optionalName(object, "name_en", at: "\(at) (\(code))") ?? nameVi,
                    target: try Self.optionalText(object, "target", at: "\(at) (\(code))") ?? "", unit: unitText,
                    minimum: minimum,
                    maximum: maximum, department: try Self.name(object, "dept", at: "\(at) (\(code))"),
                    sector: try Self.name(object, "sector", at: "\(at) (\(code))"), reconstructed: conf == "R"))
        }
        for criterion in criteria where !indicators.contains(where: { $0.criterion == criterion.number }) {
            throw CatalogueProblem.criterionWithoutIndicators(criterion.number)
        }
        var sectors: [String]
        if let listed = root["sectors"] {
            guard let array = listed.array else {
                throw CatalogueProblem.wrongType(field: "sectors", expected: "a list of names")
            }
            sectors = []
            for (index, entry) in array.enumerated() {
                guard let name = entry.string.map(Text.normalized), !name.isEmpty else {
                    throw CatalogueProblem.emptyName("sectors[\(index)]")
                }
                guard !sectors.contains(name) else { throw CatalogueProblem.duplicateSector(name) }
                sectors.append(name)
            }
            if let stray = indicators.first(where: { !sectors.contains($0.sector) }) {
                throw CatalogueProblem.sectorNotListed(code: stray.code, sector: stray.sector)
            }
        } else {
            sectors = unique(indicators.map(\.sector))
        }
        for index in criteria.indices where criteria[index].department.isEmpty {
            criteria[index].department = indicators.first { $0.criterion == criteria[index].number }!.department
        }
        // Rows are keyed by slug (appraisal by sector, verification by department): two names that
        // differ only in case or diacritics would share a row.
        for names in [sectors, unique(criteria.map(\.department) + indicators.map(\.department))] {
            var seen: [String: String] = [:]
            for name in names {
                if let other = seen[Text.slug(name)], other != name {
                    throw CatalogueProblem.similarNames(other, name)
                }
                seen[Text.slug(name)] = name
            }
        }
        self.criteria = criteria
        self.indicators = indicators
        self.sectors = sectors
        digest = SHA256.hash(data: data).prefix(8).hexString
        source = data
    }

    private static func text(_ object: JSONObject, _ key: String, at path: String) throws -> String {
        guard let value = object[key] else { throw CatalogueProblem.missingField(join(path, key)) }
        guard let text = value.string else {
            throw CatalogueProblem.wrongType(field: join(path, key), expected: "text")
        }
        return text
    }

    private static func optionalText(_ object: JSONObject, _ key: String, at path: String) throws -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard let text = value.string else {
            throw CatalogueProblem.wrongType(field: join(path, key), expected: "text")
        }
        return Text.normalized(text)
    }

    private static func list(_ object: JSONObject, _ key: String) throws -> [JSONValue] {
        guard let value = object[key] else { throw CatalogueProblem.missingField(key) }
        guard let array = value.array else { throw CatalogueProblem.wrongType(field: key, expected: "a list [...]") }
        guard !array.isEmpty else { throw CatalogueProblem.emptyList(key) }
        return array
    }

    private static func name(_ object: JSONObject, _ key: String, at path: String) throws -> String {
        let name = Text.normalized(try text(object, key, at: path))
        guard !name.isEmpty else { throw CatalogueProblem.emptyName(join(path, key)) }
        return name
    }

    private static func optionalName(_ object: JSONObject, _ key: String, at path: String) throws -> String? {
        guard object[key] != nil else { return nil }
        return try name(object, key, at: path)
    }

    private static func optionalNumber(_ object: JSONObject, _ key: String, at path: String) throws -> Double? {
        switch object[key] {
        case nil, .null: return nil
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: throw CatalogueProblem.wrongType(field: join(path, key), expected: "a number")
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
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

/// What is wrong with a catalogue file, in words a province officer can act on.
public enum CatalogueProblem: Error, Equatable, Sendable {
    case notJSON(String)
    case notAnObject
    case wrongFormat(String)
    case missingField(String)
    case wrongType(field: String, expected: String)
    case badSetID(String)
    case badUnit(String)
    case badLevel(String)
    case emptyName(String)
    case duplicateCriterion(Int)
    case criterionOutOfOrder(Int, expected: Int)
    case badCode(String)
    case duplicateCode(String)
    case missingCriterion(code: String, criterion: Int)
    case criterionWithoutIndicators(Int)
    case badBounds(String)
    case duplicateSector(String)
    case sectorNotListed(code: String, sector: String)
    case replacesShipped(String)
    case emptyList(String)
    case similarNames(String, String)
    case tooLarge(Int)

    /// The sentence in a language.
    public func message(_ language: Language) -> String {
        let l = language
        switch self {
        case .notJSON(let detail): return l.pick("không phải JSON hợp lệ (\(detail))", "not valid JSON (\(detail))")
        case .notAnObject: return l.pick("tệp phải là một đối tượng JSON {…}", "the file must be a JSON object {…}")
        case .wrongFormat(let found):
            return l.pick(
                "\"format\" là \"\(found)\", cần \"\(Catalogue.format)\"",
                "\"format\" is \"\(found)\", expected \"\(Catalogue.format)\"")
        case .missingField(let field): return l.pick("thiếu trường \"\(field)\"", "missing field \"\(field)\"")
        case .wrongType(let field, let expected):
            return l.pick("\"\(field)\" phải là \(expected)", "\"\(field)\" must be \(expected)")
        case .badSetID(let id):
            return l.pick(
                "mã bộ \"\(id)\" không hợp lệ; dùng chữ thường không dấu, số và '-', ví dụ th-nang-cao-2020",
                "invalid set id \"\(id)\"; use lower-case a-z, digits and '-', e.g. th-nang-cao-2020")
        case .badUnit(let text):
            return l.pick(
                "\"unit\" là \"\(text)\"; dùng commune, district hoặc village",
                "\"unit\" is \"\(text)\"; use commune, district or village")
        case .badLevel(let text):
            return l.pick(
                "\"level\" là \"\(text)\"; dùng ntm, nang-cao, kieu-mau hoặc thon-kieu-mau",
                "\"level\" is \"\(text)\"; use ntm, nang-cao, kieu-mau or thon-kieu-mau")
        case .emptyName(let field): return l.pick("\"\(field)\" để trống", "\"\(field)\" is empty")
        case .duplicateCriterion(let number):
            return l.pick("tiêu chí số \(number) bị lặp", "criterion \(number) appears twice")
        case .criterionOutOfOrder(let number, let expected):
            return l.pick(
                "tiêu chí số \(number) đứng sai chỗ; các tiêu chí đánh số liên tiếp từ 1, chỗ này cần số \(expected)",
                "criterion \(number) is out of place; criteria are numbered 1, 2, 3…; expected \(expected) here")
        case .badCode(let code):
            return l.pick(
                "mã chỉ tiêu \"\(code)\" không hợp lệ; viết số tiêu chí, hoặc số tiêu chí và số chỉ tiêu, ví dụ 5 hoặc 17.1",
                "invalid indicator code \"\(code)\"; write the criterion number, or criterion.number, e.g. 5 or 17.1")
        case .duplicateCode(let code):
            return l.pick("mã chỉ tiêu \(code) bị lặp", "indicator code \(code) appears twice")
        case .missingCriterion(let code, let criterion):
            return l.pick(
                "chỉ tiêu \(code) thuộc tiêu chí \(criterion), nhưng bộ không có tiêu chí \(criterion)",
                "indicator \(code) belongs to criterion \(criterion), which the set does not have")
        case .criterionWithoutIndicators(let number):
            return l.pick("tiêu chí \(number) không có chỉ tiêu nào", "criterion \(number) has no indicators")
        case .badBounds(let code):
            return l.pick(
                "chỉ tiêu \(code): \"min\"/\"max\" không hợp lệ (min lớn hơn max, hoặc tỷ lệ ngoài 0–100)",
                "indicator \(code): invalid \"min\"/\"max\" (min above max, or a percentage outside 0–100)")
        case .duplicateSector(let name):
            return l.pick("sở, ngành \"\(name)\" bị lặp", "sector \"\(name)\" appears twice")
        case .sectorNotListed(let code, let sector):
            return l.pick(
                "chỉ tiêu \(code) do \"\(sector)\" thẩm định, nhưng danh sách \"sectors\" không có ngành này",
                "indicator \(code) is appraised by \"\(sector)\", which is not in \"sectors\"")
        case .emptyList(let field): return l.pick("danh sách \"\(field)\" trống", "the list \"\(field)\" is empty")
        case .similarNames(let a, let b):
            return l.pick(
                "\"\(a)\" và \"\(b)\" chỉ khác nhau ở chữ hoa hoặc dấu; dùng một cách viết",
                "\"\(a)\" and \"\(b)\" differ only in case or diacritics; spell them one way")
        case .tooLarge(let bytes):
            return l.pick(
                "tệp dài \(bytes) byte; tối đa \(Catalogue.maximumBytes) byte",
                "the file is \(bytes) bytes long; at most \(Catalogue.maximumBytes)")
        case .replacesShipped(let id):
            return l.pick(
                "bộ \(id) là bộ có sẵn của ntm, không thay được; đặt mã bộ khác cho bản của tỉnh",
                "\(id) is a set shipped with ntm and cannot be replaced; give the province's version another id")
        }
    }
}

func unique(_ values: [String]) -> [String] {
    var seen = Set<String>()
    return values.filter { !$0.isEmpty && seen.insert($0).inserted }
}

extension Catalogue {
    /// The indicators matching a search: by code (`17`, `17.1`), or by words found in the indicator's or
    /// its criterion's name (Vietnamese or English), with or without diacritics. Empty text matches all.
    public func search(_ text: String) -> [Indicator] {
        let query = text.trimmingCharacters(in: .whitespaces)
        let words = Text.folded(query).split(separator: " ").map(String.init)
        if words.isEmpty { return indicators }
        return indicators.filter { indicator in
            if indicator.code == query || indicator.code.hasPrefix(query + ".") { return true }
            let criterion = self.criterion(indicator.criterion)
            let haystack = Text.folded(
                [indicator.nameVi, indicator.nameEn, criterion?.nameVi ?? "", criterion?.nameEn ?? ""].joined(
                    separator: " "))
            return words.allSatisfy { haystack.contains($0) }
        }
    }
}
