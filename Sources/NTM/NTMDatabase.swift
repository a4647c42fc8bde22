import Foundation
import Replica
import SyncCore

/// An ntm database: a commune's laptop replica (its home commune set) or a district database that
/// holds every commune it received. Owns the ``ReplicaStore``; hands out ``CommuneReplica`` scopes for
/// work on one commune.
public final class NTMDatabase: Sendable {
    /// What a new database is for.
    public enum Home: Sendable {
        /// A commune's replica, with the commune's first target.
        case commune(CommuneSetup)
        /// A district database (the district office's, later the hub's): no home commune; the district
        /// itself is recorded as a unit working towards the district set `qd558-2016`, so that its own
        /// criteria and deadlines live beside the communes'.
        case district(slug: String, name: String?, code: String? = nil, year: String? = nil)
        /// A province database (the province hub's): no home commune, no district; the province's own
        /// row names it, and its districts' hubs and its sectors sync with it.
        case province(slug: String, name: String?)
    }

    /// The first facts about a commune written when its replica is created.
    public struct CommuneSetup: Sendable {
        /// The slug, `dan-ly`.
        public var slug: String
        /// The name, `Dân Lý`.
        public var name: String?
        /// The district slug, `trieu-son`.
        public var district: String?
        /// The administrative-unit code (GSO), `15703`.
        public var code: String?
        /// The criteria set worked towards.
        public var setID: String
        /// The level, when given (otherwise the set's).
        public var level: String?
        /// The target year.
        public var year: String?

        /// Creates a setup.
        public init(
            slug: String, name: String? = nil, district: String? = nil, code: String? = nil,
            setID: String = "qd1980-2016", level: String? = nil, year: String? = nil
        ) {
            self.slug = slug
            self.name = name
            self.district = district
            self.code = code
            self.setID = setID
            self.level = level
            self.year = year
        }
    }

    /// The set a district itself is assessed against.
    public static let districtSetID = "qd558-2016"

    /// The replica.
    public let store: ReplicaStore
    /// Makes new ids for evidence, deadlines and notes.
    public let makeID: @Sendable () -> String

    private init(store: ReplicaStore, makeID: @escaping @Sendable () -> String) {
        self.store = store
        self.makeID = makeID
    }

    /// Random 12-hex-digit ids.
    public static let randomID: @Sendable () -> String = { randomHex(12) }

    /// `count` (at most 32) random lower-case hex digits.
    public static func randomHex(_ count: Int) -> String {
        String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(count))
    }

    /// Creates a database. For a commune, records the commune and its first target as the first writes
    /// (for a district, its own row and target), unless `setupWrites` is false: a department's laptop
    /// may not write them and receives them from the hub instead.
    /// `author`, when given, becomes the default author of later writes on this database.
    /// - Throws: ``NTMError`` for a bad slug, set, level or year; ``ReplicaError`` for the database.
    public static func create(
        at path: String, replicaID: String, home: Home, author: String?, setupWrites: Bool = true,
        clock: @escaping @Sendable () -> Int64 = ReplicaStore.systemClock,
        makeID: @escaping @Sendable () -> String = randomID
    ) throws -> NTMDatabase {
        var metadata = ["default_author": author ?? ""]
        var first: [RowChange] = []
        switch home {
        case .commune(let setup):
            try checkSlug(setup.slug)
            if let district = setup.district { try checkSlug(district) }
            let catalogue = try CatalogueLibrary().catalogue(setup.setID)
            let target = try CommuneReplica.targetChange(
                commune: setup.slug, catalogue: catalogue, level: setup.level, year: setup.year)
            metadata["commune"] = setup.slug
            if let district = setup.district { metadata["district"] = district }
            // The name is written only when given, so that a second laptop's `init` cannot conflict with it.
            var values: [String: FieldValue] = [:]
            if let name = setup.name {
                let clean = Text.normalized(name)
                guard !clean.isEmpty else { throw NTMError.emptyName }
                values["name"] = .text(clean)
            }
            if let district = setup.district { values["district"] = .text(district) }
            if let code = setup.code { values["code"] = .text(try unitCode(code)) }
            if !values.isEmpty {
                first.append(RowChange(table: NTMSchema.Table.commune, row: setup.slug, values: values))
            }
            first.append(target)
        case .district(let slug, let name, let code, let year):
            try checkSlug(slug)
            metadata["district"] = slug
            var values: [String: FieldValue] = [:]
            if let name {
                let clean = Text.normalized(name)
                guard !clean.isEmpty else { throw NTMError.emptyName }
                metadata["district_name"] = clean
                values["name"] = .text(clean)
            }
            if let code { values["code"] = .text(try unitCode(code)) }
            if !values.isEmpty { first.append(RowChange(table: NTMSchema.Table.commune, row: slug, values: values)) }
            first.append(
                try CommuneReplica.targetChange(
                    commune: slug, catalogue: try CatalogueLibrary().catalogue(districtSetID), level: nil, year: year,
                    isDistrict: true))
        case .province(let slug, let name):
            try checkSlug(slug)
            metadata["province"] = slug
            if let name {
                let clean = Text.normalized(name)
                guard !clean.isEmpty else { throw NTMError.emptyName }
                metadata["province_name"] = clean
                first.append(RowChange(table: NTMSchema.Table.commune, row: slug, values: ["name": .text(clean)]))
            }
        }
        let store = try ReplicaStore.create(
            at: path, replicaID: replicaID, schema: NTMSchema.schema, metadata: metadata, clock: clock)
        if setupWrites, !first.isEmpty { try store.write(first, author: author ?? replicaID) }
        return NTMDatabase(store: store, makeID: makeID)
    }

    /// Opens an existing database.
    public static func open(
        at path: String, clock: @escaping @Sendable () -> Int64 = ReplicaStore.systemClock,
        makeID: @escaping @Sendable () -> String = randomID
    ) throws -> NTMDatabase {
        let store = try ReplicaStore.open(at: path, schema: NTMSchema.schema, clock: clock)
        return NTMDatabase(store: store, makeID: makeID)
    }

    /// The commune this replica belongs to; nil for a district database.
    public var homeCommune: String? { nonEmptyMetadata("commune") }

    /// The district slug, when recorded.
    public var district: String? { nonEmptyMetadata("district") }

    /// The district's name, when recorded.
    public var districtName: String? { nonEmptyMetadata("district_name") }

    /// The province slug of a province database (`ntm hub init --province`); nil elsewhere.
    public var province: String? { nonEmptyMetadata("province") }

    /// The province's name, when recorded.
    public var provinceName: String? { nonEmptyMetadata("province_name") }

    /// The unit a database without a home commune stands for: its district, or its province.
    public var unit: String? { district ?? province }

    /// The name of ``unit``, when recorded.
    public var unitName: String? { district != nil ? districtName : provinceName }

    /// Whether this is the district hub's database (made by `ntm hub init`: it has a hub epoch).
    public var isHub: Bool { nonEmptyMetadata(MetadataKey.hubEpoch.rawValue) != nil }

    /// The author recorded at `ntm init`, if any.
    public var defaultAuthor: String? { nonEmptyMetadata("default_author") }

    /// The local metadata key under which an installed credential's role is kept.
    public static let roleMetadataKey = "credential_role"

    /// The role this replica was enrolled with (from its installed credential), if any. Nil at a hub:
    /// its own writes are its office's, and a hub above (a district's province) judges them when they
    /// arrive there.
    public var role: Role? { isHub ? nil : nonEmptyMetadata(Self.roleMetadataKey).flatMap(NTMRole.parse) }

    /// At a hub below another (a district's below its province): the role the hub above enrolled it
    /// with, which judges the hub's own writes there (`district:SLUG`); nil elsewhere.
    public var upperRole: Role? { isHub ? nonEmptyMetadata(Self.roleMetadataKey).flatMap(NTMRole.parse) : nil }

    private func nonEmptyMetadata(_ key: String) -> String? {
        (try? store.metadata(key)).flatMap { $0?.isEmpty == false ? $0 : nil }
    }

    /// The known criteria sets: shipped, and imported into this database (directly or through sync).
    /// An imported row that does not read as a valid set is left out.
    public func library(_ snapshot: StateSnapshot? = nil) throws -> CatalogueLibrary {
        let rows =
            try snapshot?.rows(NTMSchema.Table.catalogue)
            ?? store.snapshot(tables: [NTMSchema.Table.catalogue]).rows(NTMSchema.Table.catalogue)
        let imported = rows.keys.sorted().compactMap { id -> Catalogue? in
            guard let text = rows[id]?["data"]?.text, let catalogue = try? Catalogue(data: Data(text.utf8)),
                catalogue.id == id, !CatalogueLibrary.isShipped(id)
            else { return nil }
            return catalogue
        }
        return CatalogueLibrary(imported: imported)
    }

    /// Imports a province's criteria set from a file, as a replicated row so that it travels with sync.
    /// Importing the same file again changes nothing; a changed file with the same id replaces the set.
    /// - Throws: ``NTMError/badCatalogue(_:)`` naming the problem; nothing is written then.
    @discardableResult
    public func importCatalogue(file path: String, author: String) throws -> (Catalogue, changed: Bool) {
        guard let data = FileManager.default.contents(atPath: path) else { throw NTMError.fileUnreadable(path) }
        let catalogue = try Catalogue(data: data)
        guard !CatalogueLibrary.isShipped(catalogue.id) else {
            throw NTMError.badCatalogue(.replacesShipped(catalogue.id))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NTMError.badCatalogue(.notJSON("not UTF-8"))
        }
        let current = try store.rowState(table: NTMSchema.Table.catalogue, row: catalogue.id)?.projection
        if current?["digest"]?.text == catalogue.digest, current?["data"]?.text == text { return (catalogue, false) }
        try store.write(
            [
                RowChange(
                    table: NTMSchema.Table.catalogue, row: catalogue.id,
                    values: [
                        "title": .text(catalogue.titleVi), "digest": .text(catalogue.digest), "data": .text(text),
                    ])
            ], author: author)
        return (catalogue, true)
    }

    /// The communes this database holds, by slug.
    public func communes(_ snapshot: StateSnapshot? = nil) throws -> [CommuneRecord] {
        let snapshot = try snapshot ?? store.snapshot(tables: [NTMSchema.Table.commune, NTMSchema.Table.target])
        var slugs = Set(snapshot.rows(NTMSchema.Table.commune).keys)
        for row in snapshot.rows(NTMSchema.Table.target).keys {
            if let slug = row.split(separator: "/").first { slugs.insert(String(slug)) }
        }
        if let home = homeCommune { slugs.insert(home) }
        return slugs.sorted().map { slug in
            let values = snapshot.row(NTMSchema.Table.commune, slug) ?? [:]
            return CommuneRecord(
                slug: slug, name: values["name"]?.text ?? slug, district: values["district"]?.text,
                code: values["code"]?.text)
        }
    }

    /// A scope for work on one commune: `commune` (the home commune when nil; on a district database,
    /// the district itself) and its target with the given set (its current target when nil).
    /// - Throws: ``NTMError/communeRequired(known:)`` on a district database without a commune,
    ///   ``NTMError/unknownCommune(_:known:)``, ``NTMError/noTarget(commune:set:targets:)``.
    public func commune(_ slug: String? = nil, set: String? = nil) throws -> CommuneReplica {
        // One read of the three small tables serves the commune list, the sets and the targets.
        let snapshot = try store.snapshot(
            tables: [NTMSchema.Table.commune, NTMSchema.Table.target, NTMSchema.Table.catalogue])
        let known = try communes(snapshot)
        // The hub's database serves the communes; work on one of them is named with --commune.
        if slug == nil, homeCommune == nil, isHub {
            throw NTMError.hubNeedsCommune(known: known.map(\.slug).filter { $0 != unit })
        }
        guard let chosen = slug.map(Text.slug) ?? homeCommune ?? unit else {
            throw NTMError.communeRequired(known: known.map(\.slug))
        }
        guard known.contains(where: { $0.slug == chosen }) else {
            throw NTMError.unknownCommune(slug ?? chosen, known: known.map(\.slug))
        }
        let library = try library(snapshot)
        let targets = try targets(of: chosen, in: snapshot)
        let target: CommuneTarget
        if let set {
            let catalogue = try library.catalogue(set)
            guard let found = targets.first(where: { $0.setID == catalogue.id }) else {
                throw NTMError.noTarget(commune: chosen, set: catalogue.id, targets: targets.map(\.setID))
            }
            target = found
        } else {
            guard let current = targets.last else {
                throw NTMError.noTarget(commune: chosen, set: nil, targets: [])
            }
            target = current
        }
        return CommuneReplica(
            database: self, commune: chosen, catalogue: try library.catalogue(target.setID), target: target)
    }

    /// A commune's targets, the one worked on by default last: by level (a higher level is a later
    /// stage), then year (a target without a year is the newest plan), then set id. Rows whose values another replica wrote in a shape ntm cannot read are left out.
    public func targets(of commune: String, in snapshot: StateSnapshot? = nil) throws -> [CommuneTarget] {
        let snapshot = try snapshot ?? store.snapshot(tables: [NTMSchema.Table.target])
        let prefix = "\(commune)/"
        return snapshot.rows(NTMSchema.Table.target).compactMap { row, values -> CommuneTarget? in
            guard row.hasPrefix(prefix), let level = values["level"]?.text.flatMap(Level.init(rawValue:)) else {
                return nil
            }
            return CommuneTarget(
                level: level, setID: String(row.dropFirst(prefix.count)), year: CommuneTarget.year(values["year"]))
        }.sorted { ($0.level, $0.year ?? Int.max, $0.setID) < ($1.level, $1.year ?? Int.max, $1.setID) }
    }

    static func unitCode(_ code: String) throws -> String {
        let clean = Text.normalized(code)
        guard !clean.isEmpty, clean.count <= 16, clean.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw NTMError.badUnitCode(code)
        }
        return clean
    }

    static func checkSlug(_ slug: String) throws {
        guard !slug.isEmpty, slug == Text.slug(slug), slug.count <= 64 else { throw NTMError.badCommuneSlug(slug) }
    }
}

extension NTMDatabase {
    /// The state reports are computed from: now, or as held at the end of `asOf`; without the writes
    /// a hub refused (they are on this laptop only, so the figures show what the district holds of
    /// those rows), and with the open conflicts, whose fields reports do not count.
    func reportSnapshot(asOf: CalendarDate?) throws -> StateSnapshot {
        try store.snapshot(tables: NTMSchema.tableNames, heldAt: asOf?.endMs, excluding: try store.refusedDots())
    }

    /// The district report over every commune this database holds: each commune's latest target, or
    /// its target at `level`; now, or as the database held them at the end of `asOf`.
    public func districtFigures(level: Level? = nil, asOf: CalendarDate? = nil, lookAheadDays: Int = 30) throws
        -> DistrictFigures
    {
        let snapshot = try reportSnapshot(asOf: asOf)
        let builder = ReportBuilder(
            snapshot: snapshot, library: try library(snapshot), date: asOf ?? CalendarDate.today(store.clock()),
            lookAheadDays: lookAheadDays)
        let communes = try communes(snapshot)
        var targets: [String: [CommuneTarget]] = [:]
        for commune in communes { targets[commune.slug] = try self.targets(of: commune.slug, in: snapshot) }
        var figures = try builder.district(communes, targets: targets, level: level, district: district)
        figures.district = districtName ?? district
        return figures
    }
}
