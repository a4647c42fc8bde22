import Foundation
import Replica
import SyncCore

/// A district's figures: every commune the database holds, and by department what is still owed.
public struct DistrictFigures: Sendable, Hashable {
    /// An indicator a department owns that some communes have not met.
    public struct Gap: Sendable, Hashable {
        /// The indicator.
        public var indicator: Catalogue.Indicator
        /// Its set.
        public var setID: String
        /// The communes that have not met it, by name.
        public var communes: [String]
        /// Those of them where it is not counted because its assessment is in conflict.
        public var inConflict: [String] = []
    }

    /// The district's name or slug, when recorded.
    public var district: String?
    /// One entry per commune with a target at the reported level.
    public var communes: [CommuneFigures]
    /// Per district department, in order of first appearance: its indicators not met, and where.
    public var departments: [(department: String, gaps: [Gap])]
    /// Deadlines of the district itself (not of one commune) that are overdue.
    public var overdue: [DeadlineItem]
    /// Deadlines of the district itself that are upcoming.
    public var upcoming: [DeadlineItem]
    /// Communes left out because their target's set is not known here (not imported yet).
    public var unknownSets: [(commune: String, set: String)] = []

    /// Communes meeting the standard of their target.
    public var communesMeeting: Int { communes.filter(\.meetsStandard).count }

    public static func == (lhs: DistrictFigures, rhs: DistrictFigures) -> Bool {
        lhs.district == rhs.district && lhs.communes == rhs.communes && lhs.overdue == rhs.overdue
            && lhs.upcoming == rhs.upcoming && lhs.departments.map(\.department) == rhs.departments.map(\.department)
            && lhs.departments.map(\.gaps) == rhs.departments.map(\.gaps)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(communes) }
}
