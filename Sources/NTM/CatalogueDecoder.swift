import Crypto
import Foundation
import SyncCore

extension Catalogue {
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
