import Foundation
import Replica
import SyncCore

/// Work on one commune of an ``NTMDatabase``, against one of its targets (a criteria set and level).
///
/// Every method validates what a person typed against the catalogue (indicator codes, statuses, dates,
/// sectors, departments), normalises text to NFC, and writes through the sync engine, so that every
/// change is an operation in the log that bundles and sync carry.
public struct CommuneReplica: Sendable {
    /// The database.
    public let database: NTMDatabase
    /// The commune's slug (`dan-ly`).
    public let commune: String
    /// The criteria set of the target being worked on.
    public let catalogue: Catalogue
    /// The target being worked on.
    public let target: CommuneTarget

    /// The underlying replica.
    public var store: ReplicaStore { database.store }

    /// Makes new ids.
    public var makeID: @Sendable () -> String { database.makeID }

    /// Creates a commune replica and returns the scope of its home commune.
    public static func create(
        at path: String, replicaID: String, commune: String, name: String?, setID: String = "qd1980-2016",
        author: String?, clock: @escaping @Sendable () -> Int64 = ReplicaStore.systemClock,
        makeID: @escaping @Sendable () -> String = NTMDatabase.randomID
    ) throws -> CommuneReplica {
        try NTMDatabase.create(
            at: path, replicaID: replicaID, home: .commune(.init(slug: commune, name: name, setID: setID)),
            author: author, clock: clock, makeID: makeID
        ).commune()
    }

    /// Opens a database and returns the scope of its home commune.
    public static func open(
        at path: String, clock: @escaping @Sendable () -> Int64 = ReplicaStore.systemClock,
        makeID: @escaping @Sendable () -> String = NTMDatabase.randomID
    ) throws -> CommuneReplica {
        try NTMDatabase.open(at: path, clock: clock, makeID: makeID).commune()
    }

    /// The author recorded at `ntm init`, if any.
    public var defaultAuthor: String? { database.defaultAuthor }

    /// The commune's display name.
    public var communeName: String {
        let state = try? store.rowState(table: NTMSchema.Table.commune, row: commune)
        return state?.projection?["name"]?.text ?? commune
    }

    /// Looks up an indicator, or explains which codes exist.
    public func indicator(_ code: String) throws -> Catalogue.Indicator {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        if let indicator = catalogue.indicator(trimmed) { return indicator }
        let criterion = Int(trimmed.split(separator: ".").first ?? "") ?? 0
        throw NTMError.unknownIndicator(
            trimmed, set: catalogue.id, sameCriterion: catalogue.indicators(of: criterion).map(\.code),
            criteria: catalogue.criteria.count)
    }

    /// Looks up a criterion by number.
    public func criterion(_ text: String) throws -> Catalogue.Criterion {
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), let found = catalogue.criterion(number)
        else { throw NTMError.unknownCriterion(text, count: catalogue.criteria.count) }
        return found
    }

    /// Matches a province sector of the set by slug, by name with or without diacritics, or by a unique
    /// part of its name.
    public func sector(_ text: String) throws -> String {
        guard let found = Self.match(text, among: catalogue.sectors) else {
            throw NTMError.unknownSector(text, known: catalogue.sectors)
        }
        return found
    }

    /// Matches a district department the same way, among `candidates` (every department of the set
    /// and the programme's offices when nil).
    public func department(_ text: String, among candidates: [String]? = nil) throws -> String {
        let known = candidates ?? unique(catalogue.departments + Self.programmeOffices)
        guard let found = Self.match(text, among: known) else { throw NTMError.unknownDepartment(text, known: known) }
        return found
    }

    /// Bodies that own deadlines without owning an indicator.
    public static let programmeOffices = [
        "Văn phòng Điều phối NTM huyện", "Ban Chỉ đạo NTM huyện", "UBND xã", "Ban Quản lý NTM xã",
    ]

    /// A name among `names` matched by slug, folded name, or a unique folded part of it.
    public static func match(_ text: String, among names: [String]) -> String? {
        let key = Text.folded(text)
        let slug = Text.slug(text)
        guard !slug.isEmpty else { return nil }
        if let exact = names.first(where: { Text.folded($0) == key || Text.slug($0) == slug }) { return exact }
        let partial = names.filter { Text.slug($0).contains(slug) }
        return partial.count == 1 ? partial[0] : nil
    }

    static func date(_ text: String?, option: String) throws -> CalendarDate? {
        guard let text else { return nil }
        guard let date = CalendarDate(parsing: text) else { throw NTMError.badDate(text, option: option) }
        return date
    }

    /// The change that records a target: the set must assess this kind of unit (a district's own set for
    /// the district, a commune's or village's for a commune), `level` must match the set's (or be
    /// omitted), `year` is 2000–2100.
    static func targetChange(
        commune: String, catalogue: Catalogue, level text: String?, year: String?, isDistrict: Bool = false
    ) throws -> RowChange {
        guard (catalogue.unit == .district) == isDistrict else {
            throw NTMError.wrongUnit(set: catalogue.id, unit: catalogue.unit, forDistrict: isDistrict)
        }
        var level = catalogue.level
        if let text {
            guard let parsed = Level(parsing: text) else { throw NTMError.unknownLevel(text) }
            guard parsed == catalogue.level else {
                throw NTMError.levelMismatch(set: catalogue.id, setLevel: catalogue.level, asked: parsed)
            }
            level = parsed
        }
        var values: [String: FieldValue] = ["level": .text(level.rawValue)]
        if let year {
            guard let number = Int(year.trimmingCharacters(in: .whitespaces)), (2000...2100).contains(number) else {
                throw NTMError.badYear(year)
            }
            values["year"] = .int(Int64(number))
        }
        return RowChange(
            table: NTMSchema.Table.target, row: NTMSchema.targetRow(commune: commune, set: catalogue.id),
            values: values)
    }
}
