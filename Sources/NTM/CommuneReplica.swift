import Foundation
import Replica
import SyncCore

/// A commune's replica of its criteria evidence: the domain's view of a ``ReplicaStore``.
///
/// Every method validates what a person typed against the catalogue (indicator codes, statuses, dates,
/// sectors), normalises text to NFC, and writes through the sync engine, so that every change is an
/// operation in the log that bundles and sync carry.
public final class CommuneReplica: Sendable {
    /// The underlying replica.
    public let store: ReplicaStore
    /// The criteria set this commune works towards.
    public let catalogue: Catalogue
    /// The commune's slug (`dan-ly`).
    public let commune: String
    /// Makes new evidence ids.
    public let makeID: @Sendable () -> String

    private init(store: ReplicaStore, catalogue: Catalogue, commune: String, makeID: @escaping @Sendable () -> String) {
        self.store = store
        self.catalogue = catalogue
        self.commune = commune
        self.makeID = makeID
    }

    /// Random 12-hex-digit evidence ids.
    public static let randomID: @Sendable () -> String = {
        String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))
    }

    /// Creates a commune replica and records the commune (name and criteria set) as its first writes.
    /// `author`, when given, becomes the default author of later writes on this replica; otherwise the
    /// first writes are signed with the replica id and later writes must name their author.
    /// - Throws: ``NTMError`` for a bad slug or unknown set, ``ReplicaError`` for the database.
    public static func create(
        at path: String, replicaID: String, commune: String, name: String?, setID: String, author: String?,
        clock: @escaping @Sendable () -> Int64 = ReplicaStore.systemClock,
        makeID: @escaping @Sendable () -> String = randomID
    ) throws -> CommuneReplica {
        guard !commune.isEmpty, commune == Text.slug(commune), commune.count <= 64 else {
            throw NTMError.badCommuneSlug(commune)
        }
        let catalogue = try Catalogue.shipped(setID)
        let store = try ReplicaStore.create(
            at: path, replicaID: replicaID, schema: NTMSchema.schema(for: catalogue),
            metadata: ["commune": commune, "criteria_set": setID, "default_author": author ?? ""], clock: clock)
        let replica = CommuneReplica(store: store, catalogue: catalogue, commune: commune, makeID: makeID)
        // The name is written only when given, so that a second laptop's `init` cannot conflict with it.
        var values: [String: FieldValue] = ["criteria_set": .text(setID)]
        if let name { values["name"] = .text(Text.normalized(name)) }
        try store.write(
            [RowChange(table: NTMSchema.Table.commune, row: commune, values: values)], author: author ?? replicaID)
        return replica
    }

    /// Opens an existing commune replica.
    public static func open(
        at path: String, clock: @escaping @Sendable () -> Int64 = ReplicaStore.systemClock,
        makeID: @escaping @Sendable () -> String = randomID
    ) throws -> CommuneReplica {
        var found: (Catalogue, String)?
        let store = try ReplicaStore.open(
            at: path,
            schemaFor: { metadata in
                guard let setID = metadata["criteria_set"], let commune = metadata["commune"] else {
                    throw ReplicaError.notAReplica(path: path, reason: "no commune recorded")
                }
                let catalogue = try Catalogue.shipped(setID)
                found = (catalogue, commune)
                return NTMSchema.schema(for: catalogue)
            }, clock: clock)
        let (catalogue, commune) = found!
        return CommuneReplica(store: store, catalogue: catalogue, commune: commune, makeID: makeID)
    }

    /// The author recorded at `ntm init`, if any.
    public var defaultAuthor: String? {
        (try? store.metadata("default_author")).flatMap { $0?.isEmpty == false ? $0 : nil }
    }

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

    /// Matches a sector by slug, by name with or without diacritics, or by a unique part of its name.
    public func sector(_ text: String) throws -> String {
        let key = Text.folded(text)
        let slug = Text.slug(text)
        let sectors = catalogue.sectors
        if let exact = sectors.first(where: { Text.folded($0) == key || Text.slug($0) == slug }) { return exact }
        let partial = sectors.filter { Text.folded($0).contains(key) }
        if partial.count == 1, !key.isEmpty { return partial[0] }
        throw NTMError.unknownSector(text, known: sectors)
    }

    static func date(_ text: String?, option: String) throws -> CalendarDate? {
        guard let text else { return nil }
        guard let date = CalendarDate(parsing: text) else { throw NTMError.badDate(text, option: option) }
        return date
    }
}
