import Foundation
import Replica
import SyncCore

/// What an official document needs beyond the figures: who issues it, its number, where and by whom it
/// is signed, and who receives it (Nghị định 30/2020/NĐ-CP). Kept per database in local metadata (never
/// replicated: each office numbers and signs its own documents), set with `ntm settings`, and overridden
/// for one document by the report's options. What is not set is derived from the database's own names.
public struct DocumentSettings: Sendable, Hashable {
    /// The settings a person can set, by the name `ntm settings` takes.
    public enum Key: String, Sendable, CaseIterable {
        /// The governing body, printed above the issuing body (e.g. "UBND HUYỆN TRIỆU SƠN").
        case issuer
        /// The issuing body (e.g. "VĂN PHÒNG ĐIỀU PHỐI NTM").
        case office
        /// The place name before the date (e.g. "Triệu Sơn").
        case place
        /// The document's number, left blank to be written by hand when unset.
        case number
        /// The document's symbol after the number (e.g. "BC-VPĐP").
        case code
        /// The authority the signer signs for (e.g. "TM. ỦY BAN NHÂN DÂN"), optional.
        case authority = "signer-authority"
        /// The signer's title (e.g. "CHÁNH VĂN PHÒNG").
        case title = "signer-title"
        /// The signer's full name.
        case signer
        /// The recipients, separated by ";" (e.g. "UBND tỉnh (b/c);Văn phòng điều phối NTM tỉnh;Lưu: VT").
        case recipients
        /// The report's subject (trích yếu), when not the default.
        case subject

        /// The local metadata key the value is kept under.
        public var metadataKey: String { "document." + rawValue }
    }

    /// The values by key; a key absent (or empty) is not set.
    public var values: [Key: String]

    /// Creates settings from values.
    public init(_ values: [Key: String] = [:]) {
        self.values = values.filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// A value, when set.
    public subscript(key: Key) -> String? {
        get { values[key] }
        set {
            let clean = newValue.map(Text.normalized)
            values[key] = clean?.isEmpty == false ? clean : nil
        }
    }

    /// These settings with `other`'s values in place of this one's where `other` has them.
    public func overridden(by other: DocumentSettings) -> DocumentSettings {
        DocumentSettings(values.merging(other.values) { _, new in new })
    }

    /// The recipients, one per entry.
    public var recipientList: [String] {
        (values[.recipients] ?? "").split(separator: ";").map { Text.normalized(String($0)) }.filter { !$0.isEmpty }
    }

    /// The settings every document takes when nothing is set, from the names of the units: the issuing
    /// body is the unit's People's Committee at a commune, its coordination office at a district or a
    /// province; the place is the unit's name; the number is left blank for the clerk.
    public static func defaults(level: ReportLevel, unitName: String?, language: Language) -> DocumentSettings {
        let locale = Locale(identifier: "vi_VN")
        func upper(_ text: String) -> String { text.uppercased(with: locale) }
        var settings = DocumentSettings()
        switch level {
        case .commune:
            settings[.office] = language.pick("ỦY BAN NHÂN DÂN XÃ ", "PEOPLE'S COMMITTEE OF ") + upper(unitName ?? "")
            settings[.code] = "BC-UBND"
            settings[.authority] = language.pick("TM. ỦY BAN NHÂN DÂN", "ON BEHALF OF THE PEOPLE'S COMMITTEE")
            settings[.title] = language.pick("CHỦ TỊCH", "CHAIRPERSON")
        case .district, .province:
            if let unitName {
                settings[.issuer] =
                    language.pick(level == .district ? "UBND HUYỆN " : "UBND TỈNH ", "PEOPLE'S COMMITTEE OF ")
                    + upper(unitName)
            }
            settings[.office] = language.pick(
                "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI", "NEW RURAL DEVELOPMENT COORDINATION OFFICE")
            settings[.code] = "BC-VPĐP"
            settings[.title] = language.pick("CHÁNH VĂN PHÒNG", "CHIEF OF OFFICE")
        }
        if let unitName { settings[.place] = unitName }
        settings[.recipients] = language.pick("Lưu: VT", "Filed: archives")
        return settings
    }
}

extension NTMDatabase {
    /// The document settings recorded in this database with `ntm settings` (only those set).
    public func documentSettings() throws -> DocumentSettings {
        var settings = DocumentSettings()
        for key in DocumentSettings.Key.allCases { settings[key] = try store.metadata(key.metadataKey) }
        return settings
    }

    /// Records document settings: each key given is set to its value, or unset when its value is nil or
    /// empty. Local to this database.
    public func setDocumentSettings(_ changes: [DocumentSettings.Key: String?]) throws {
        var values: [String: String] = [:]
        for (key, value) in changes { values[key.metadataKey] = value.map(Text.normalized) ?? "" }
        try store.setMetadata(values)
    }
}
