import Foundation
import Replica
import SyncCore

/// The province sectors' backlog: dossiers a commune sent to a sector (an appraisal row with `sent`)
/// that the sector has not inspected yet (no `inspected` date), oldest first, by district.
public struct AppraisalBacklog: Sendable, Hashable {
    /// One dossier waiting for a sector's inspection.
    public struct Item: Sendable, Hashable {
        /// The commune's slug.
        public var commune: String
        /// The commune's name (its slug when no name is recorded).
        public var communeName: String
        /// The district the commune sits under, nil when none is known.
        public var district: String?
        /// The criteria set of the dossier.
        public var setID: String
        /// The sector, as the row names it (its slug when the name is not recorded).
        public var sector: String
        /// The day the dossier was sent.
        public var sent: CalendarDate
        /// Days between `sent` and the backlog's date.
        public var daysWaiting: Int
        /// Whether the row's `sent` or `inspected` field is in conflict (the figure may change once
        /// the conflict is resolved).
        public var inConflict: Bool
    }

    /// The districts, each with its waiting dossiers oldest first; districts by slug, the dossiers of
    /// communes under no known district (`district` nil) last.
    public var groups: [(district: String?, name: String?, items: [Item])]
    /// The date the backlog is counted at.
    public var date: CalendarDate
    /// The sector the backlog is restricted to, nil for every sector.
    public var sector: String?

    /// Every waiting dossier, in the order of ``groups``.
    public var items: [Item] { groups.flatMap(\.items) }

    /// Compares the dates, sector and items.
    public static func == (lhs: AppraisalBacklog, rhs: AppraisalBacklog) -> Bool {
        lhs.date == rhs.date && lhs.sector == rhs.sector && lhs.items == rhs.items
            && lhs.groups.map(\.district) == rhs.groups.map(\.district)
    }

    /// Hashes the items.
    public func hash(into hasher: inout Hasher) { hasher.combine(items) }

    /// Computes the backlog from a snapshot holding the `appraisal` and `commune` tables. A commune's
    /// district is `parents[commune]` (where the province placed it), else its own row's `district`
    /// column. `sector`, when given, keeps only that sector's dossiers (compared as slugs).
    public init(snapshot: StateSnapshot, parents: [String: String], date: CalendarDate, sector: String? = nil) {
        self.date = date
        self.sector = sector
        let wanted = sector.map(Text.slug)
        let communes = snapshot.rows(NTMSchema.Table.commune)
        var byDistrict: [String?: [Item]] = [:]
        for (row, values) in snapshot.rows(NTMSchema.Table.appraisal) {
            let parts = row.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { continue }
            if let wanted, parts[2] != wanted { continue }
            guard let sent = ReportBuilder.date(values["sent"]) else { continue }
            // Anything recorded as the inspection (even a value ntm cannot read) takes it off the backlog.
            if let inspected = values["inspected"], inspected.text?.isEmpty == false { continue }
            let commune = parts[0]
            let placed = parents[commune] ?? communes[commune]?["district"]?.text
            let district = placed.flatMap { $0.isEmpty ? nil : $0 }
            let disputed = (snapshot.conflicts[RowKey(table: NTMSchema.Table.appraisal, row: row)] ?? []).contains {
                ["sent", "inspected", tombstoneColumn].contains($0.column)
            }
            byDistrict[district, default: []].append(
                Item(
                    commune: commune, communeName: communes[commune]?["name"]?.text ?? commune, district: district,
                    setID: parts[1], sector: values["sector_name"]?.text ?? parts[2], sent: sent,
                    daysWaiting: max(0, sent.days(until: date)), inConflict: disputed))
        }
        let order = byDistrict.keys.sorted { a, b in
            switch (a, b) {
            case (nil, _): return false
            case (_, nil): return true
            default: return a! < b!
            }
        }
        groups = order.map { district in
            (
                district, district.flatMap { communes[$0]?["name"]?.text },
                byDistrict[district]!.sorted {
                    ($0.sent, $0.commune, $0.sector, $0.setID) < ($1.sent, $1.commune, $1.sector, $1.setID)
                }
            )
        }
    }
}

extension NTMDatabase {
    /// The sectors' backlog as this database holds it now (or at the end of `asOf`), restricted to
    /// `sector` when given. Without the writes a hub refused, as reports are.
    public func appraisalBacklog(sector: String? = nil, asOf: CalendarDate? = nil) throws -> AppraisalBacklog {
        let snapshot = try store.snapshot(
            tables: [NTMSchema.Table.appraisal, NTMSchema.Table.commune], heldAt: asOf?.endMs,
            excluding: try store.refusedDots())
        return AppraisalBacklog(
            snapshot: snapshot, parents: try districtParents(), date: asOf ?? CalendarDate.today(store.clock()),
            sector: sector)
    }

    /// The sector `text` names (with or without diacritics, or a unique part of its name) among the
    /// sectors of the known sets and those named in appraisal rows here.
    /// - Throws: ``NTMError/unknownSector(_:known:)``.
    public func sector(named text: String) throws -> String {
        var names = try library().all.flatMap(\.sectors)
        for values in try store.snapshot(tables: [NTMSchema.Table.appraisal]).rows(NTMSchema.Table.appraisal).values {
            if let name = values["sector_name"]?.text { names.append(name) }
        }
        var seen: Set<String> = []
        let known = names.filter { seen.insert(Text.slug($0)).inserted }
        guard let found = CommuneReplica.match(text, among: known) else {
            throw NTMError.unknownSector(text, known: known)
        }
        return found
    }
}
