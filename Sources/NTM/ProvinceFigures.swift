import Foundation
import Replica
import SyncCore

/// A province's figures: per district, the communes the province holds, how many meet the standard,
/// the dossiers its communes sent to the sectors that are not inspected yet, and the overdue deadlines.
public struct ProvinceFigures: Sendable, Hashable {
    /// One district's line.
    public struct District: Sendable, Hashable {
        /// The district's slug; nil for the communes under no known district.
        public var slug: String?
        /// Its name, when recorded.
        public var name: String?
        /// The district report over its communes (the same figures as `hub report --district SLUG`).
        public var figures: DistrictFigures
        /// Dossiers of its communes sent to a sector and not inspected.
        public var backlog: Int

        /// Communes reported (with a target at the reported level).
        public var communes: Int { figures.communes.count }
        /// Of them, those meeting the standard.
        public var communesMeeting: Int { figures.communesMeeting }
        /// Overdue deadlines: its communes' and the district's own.
        public var overdue: Int { figures.communes.reduce(figures.overdue.count) { $0 + $1.overdue.count } }
    }

    /// The province's name or slug, when recorded.
    public var province: String?
    /// The districts by slug; the communes under no known district last.
    public var districts: [District]

    /// Communes reported, in all districts.
    public var communes: Int { districts.reduce(0) { $0 + $1.communes } }
    /// Communes meeting the standard, in all districts.
    public var communesMeeting: Int { districts.reduce(0) { $0 + $1.communesMeeting } }
    /// Dossiers waiting for a sector, in all districts.
    public var backlog: Int { districts.reduce(0) { $0 + $1.backlog } }
    /// Overdue deadlines, in all districts.
    public var overdue: Int { districts.reduce(0) { $0 + $1.overdue } }
}

extension NTMDatabase {
    /// The district each commune sits under, as the province placed it; a commune placed straight under
    /// the province sits under none (its value is the empty string, so that no row's own district is
    /// read instead).
    func districtParents() throws -> [String: String] {
        try store.unitParents().mapValues { $0 == province ? "" : $0 }
    }

    /// The district each commune held here sits under: where the province placed it (at enrolment),
    /// else its own row's `district` column; communes under none are left out. Districts' own rows
    /// (units assessed against a district set) are not communes and are left out too.
    func communeDistricts(_ snapshot: StateSnapshot, communes: [CommuneRecord]) throws -> [String: String] {
        let parents = try store.unitParents()
        var districts: [String: String] = [:]
        for commune in communes {
            // Placed straight under the province (a two-tier commune, or one moved there): no district.
            if let placed = parents[commune.slug], placed == province { continue }
            if let district = parents[commune.slug] ?? commune.district, !district.isEmpty {
                districts[commune.slug] = district
            }
        }
        return districts
    }

    /// The slugs of the districts known here: those communes sit under, and units with a target of a
    /// district set (a district hub's own row, synced up).
    public func knownDistricts() throws -> [String] {
        let snapshot = try store.snapshot(
            tables: [NTMSchema.Table.commune, NTMSchema.Table.target, NTMSchema.Table.catalogue])
        return try knownDistricts(snapshot, communes: try communes(snapshot))
    }

    private func knownDistricts(_ snapshot: StateSnapshot, communes: [CommuneRecord]) throws -> [String] {
        var known = Set(try communeDistricts(snapshot, communes: communes).values)
        let library = try library(snapshot)
        for commune in communes {
            let targets = try targets(of: commune.slug, in: snapshot)
            if targets.contains(where: { (try? library.catalogue($0.setID))?.unit == .district }) {
                known.insert(commune.slug)
            }
        }
        return known.sorted()
    }

    /// The province report: one line per district (and one for communes under no known district), now
    /// or as the database held them at the end of `asOf`.
    public func provinceFigures(level: Level? = nil, asOf: CalendarDate? = nil, lookAheadDays: Int = 30) throws
        -> ProvinceFigures
    {
        let snapshot = try reportSnapshot(asOf: asOf)
        let date = asOf ?? CalendarDate.today(store.clock())
        let builder = ReportBuilder(
            snapshot: snapshot, library: try library(snapshot), date: date, lookAheadDays: lookAheadDays)
        let all = try communes(snapshot)
        let placed = try communeDistricts(snapshot, communes: all)
        let districts = try knownDistricts(snapshot, communes: all)
        let backlog = AppraisalBacklog(snapshot: snapshot, parents: try districtParents(), date: date)
        var waiting: [String?: Int] = [:]
        for group in backlog.groups { waiting[group.district, default: 0] += group.items.count }
        let names = snapshot.rows(NTMSchema.Table.commune)
        var lines: [ProvinceFigures.District] = []
        for slug in districts.map(Optional.some) + [nil] {
            let members = all.filter { $0.slug != province && !districts.contains($0.slug) && placed[$0.slug] == slug }
            let figures = try districtFigures(
                builder, snapshot: snapshot, communes: members, district: slug, level: level)
            if slug == nil, figures.communes.isEmpty, waiting[nil] == nil { continue }
            lines.append(
                .init(
                    slug: slug, name: slug.flatMap { names[$0]?["name"]?.text }, figures: figures,
                    backlog: waiting[slug] ?? 0))
        }
        return ProvinceFigures(province: provinceName ?? province, districts: lines)
    }

    /// The district report over the communes the province holds under `district` (a slug), as
    /// `hub report --district SLUG` prints it at a province hub.
    /// - Throws: ``NTMError/unknownDistrict(_:known:)`` for a district not known here.
    public func districtFigures(
        of district: String, level: Level? = nil, asOf: CalendarDate? = nil, lookAheadDays: Int = 30
    ) throws -> DistrictFigures {
        let snapshot = try reportSnapshot(asOf: asOf)
        let all = try communes(snapshot)
        let districts = try knownDistricts(snapshot, communes: all)
        let slug = Text.slug(district)
        guard districts.contains(slug) else { throw NTMError.unknownDistrict(district, known: districts) }
        let placed = try communeDistricts(snapshot, communes: all)
        let builder = ReportBuilder(
            snapshot: snapshot, library: try library(snapshot), date: asOf ?? CalendarDate.today(store.clock()),
            lookAheadDays: lookAheadDays)
        let members = all.filter { !districts.contains($0.slug) && placed[$0.slug] == slug }
        var figures = try districtFigures(builder, snapshot: snapshot, communes: members, district: slug, level: level)
        figures.district = snapshot.row(NTMSchema.Table.commune, slug)?["name"]?.text ?? slug
        return figures
    }

    /// The district figures of `communes`, each placed under `district` (so that a commune the
    /// province moved is counted where it sits now).
    private func districtFigures(
        _ builder: ReportBuilder, snapshot: StateSnapshot, communes: [CommuneRecord], district: String?, level: Level?
    ) throws -> DistrictFigures {
        var targets: [String: [CommuneTarget]] = [:]
        for commune in communes { targets[commune.slug] = try self.targets(of: commune.slug, in: snapshot) }
        let placed = communes.map { commune in
            var moved = commune
            moved.district = district
            return moved
        }
        return try builder.district(placed, targets: targets, level: level, district: district)
    }
}
