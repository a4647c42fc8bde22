import Foundation
import SyncCore

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
        switch self {
        case .notJSON(let detail):
            return language.pick("không phải JSON hợp lệ (\(detail))", "not valid JSON (\(detail))")
        case .notAnObject:
            return language.pick("tệp phải là một đối tượng JSON {…}", "the file must be a JSON object {…}")
        case .wrongFormat(let found):
            return language.pick(
                "\"format\" là \"\(found)\", cần \"\(Catalogue.format)\"",
                "\"format\" is \"\(found)\", expected \"\(Catalogue.format)\"")
        case .missingField(let field): return language.pick("thiếu trường \"\(field)\"", "missing field \"\(field)\"")
        case .wrongType(let field, let expected):
            return language.pick("\"\(field)\" phải là \(expected)", "\"\(field)\" must be \(expected)")
        case .badSetID(let id):
            return language.pick(
                "mã bộ \"\(id)\" không hợp lệ; dùng chữ thường không dấu, số và '-', ví dụ th-nang-cao-2020",
                "invalid set id \"\(id)\"; use lower-case a-z, digits and '-', e.g. th-nang-cao-2020")
        case .badUnit(let text):
            return language.pick(
                "\"unit\" là \"\(text)\"; dùng commune, district hoặc village",
                "\"unit\" is \"\(text)\"; use commune, district or village")
        case .badLevel(let text):
            return language.pick(
                "\"level\" là \"\(text)\"; dùng ntm, nang-cao, kieu-mau hoặc thon-kieu-mau",
                "\"level\" is \"\(text)\"; use ntm, nang-cao, kieu-mau or thon-kieu-mau")
        case .emptyName(let field): return language.pick("\"\(field)\" để trống", "\"\(field)\" is empty")
        case .duplicateCriterion(let number):
            return language.pick("tiêu chí số \(number) bị lặp", "criterion \(number) appears twice")
        case .criterionOutOfOrder(let number, let expected):
            return language.pick(
                "tiêu chí số \(number) đứng sai chỗ; các tiêu chí đánh số liên tiếp từ 1, chỗ này cần số \(expected)",
                "criterion \(number) is out of place; criteria are numbered 1, 2, 3…; expected \(expected) here")
        case .badCode(let code):
            return language.pick(
                "mã chỉ tiêu \"\(code)\" không hợp lệ; viết số tiêu chí, hoặc số tiêu chí và số chỉ tiêu, ví dụ 5 hoặc 17.1",
                "invalid indicator code \"\(code)\"; write the criterion number, or criterion.number, e.g. 5 or 17.1")
        case .duplicateCode(let code):
            return language.pick("mã chỉ tiêu \(code) bị lặp", "indicator code \(code) appears twice")
        case .missingCriterion(let code, let criterion):
            return language.pick(
                "chỉ tiêu \(code) thuộc tiêu chí \(criterion), nhưng bộ không có tiêu chí \(criterion)",
                "indicator \(code) belongs to criterion \(criterion), which the set does not have")
        case .criterionWithoutIndicators(let number):
            return language.pick("tiêu chí \(number) không có chỉ tiêu nào", "criterion \(number) has no indicators")
        case .badBounds(let code):
            return language.pick(
                "chỉ tiêu \(code): \"min\"/\"max\" không hợp lệ (min lớn hơn max, hoặc tỷ lệ ngoài 0–100)",
                "indicator \(code): invalid \"min\"/\"max\" (min above max, or a percentage outside 0–100)")
        case .duplicateSector(let name):
            return language.pick("sở, ngành \"\(name)\" bị lặp", "sector \"\(name)\" appears twice")
        case .sectorNotListed(let code, let sector):
            return language.pick(
                "chỉ tiêu \(code) do \"\(sector)\" thẩm định, nhưng danh sách \"sectors\" không có ngành này",
                "indicator \(code) is appraised by \"\(sector)\", which is not in \"sectors\"")
        case .emptyList(let field):
            return language.pick("danh sách \"\(field)\" trống", "the list \"\(field)\" is empty")
        case .similarNames(let a, let b):
            return language.pick(
                "\"\(a)\" và \"\(b)\" chỉ khác nhau ở chữ hoa hoặc dấu; dùng một cách viết",
                "\"\(a)\" and \"\(b)\" differ only in case or diacritics; spell them one way")
        case .tooLarge(let bytes):
            return language.pick(
                "tệp dài \(bytes) byte; tối đa \(Catalogue.maximumBytes) byte",
                "the file is \(bytes) bytes long; at most \(Catalogue.maximumBytes)")
        case .replacesShipped(let id):
            return language.pick(
                "bộ \(id) là bộ có sẵn của ntm, không thay được; đặt mã bộ khác cho bản của tỉnh",
                "\(id) is a set shipped with ntm and cannot be replaced; give the province's version another id")
        }
    }
}
