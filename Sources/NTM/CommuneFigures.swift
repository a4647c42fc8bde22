import Foundation
import Replica
import SyncCore

/// A deadline as a report shows it: one the commune or district recorded, or an indicator's own
/// completion deadline (from its assessment).
public struct DeadlineItem: Sendable, Hashable {
    /// The deadline's id; nil for an indicator's completion deadline.
    public var uid: String?
    /// The commune (or district) it belongs to.
    public var commune: String
    /// What is due; nil for an indicator's completion deadline (the report names the indicator).
    public var title: String?
    /// The indicator concerned, if any.
    public var indicator: String?
    /// When it is due.
    public var due: CalendarDate
    /// Who answers for it.
    public var owner: String
    /// `department`, `sector` or `person`.
    public var ownerKind: String
    /// When it was done, if it was by the report date.
    public var done: CalendarDate?

    /// Whether the deadline is still open on `date`: not done, or done only after it.
    public func isOpen(on date: CalendarDate) -> Bool { done.map { $0 > date } ?? true }

    /// Whether the deadline is overdue on `date`: open then, and due before it.
    public func isOverdue(on date: CalendarDate) -> Bool { isOpen(on: date) && due < date }
}

/// An indicator not yet met.
public struct MissingIndicator: Sendable, Hashable {
    /// The indicator.
    public var indicator: Catalogue.Indicator
    /// Its assessed status, nil when not yet assessed (or when its status is in conflict).
    public var status: AssessmentStatus?
    /// Its measured value, if recorded (nil when its value is in conflict).
    public var value: Double?
    /// Whether its status or value is in conflict: it is then not counted as met, and neither side's
    /// value is shown as if settled.
    public var inConflict: Bool = false
}

/// A field a report's figures depend on that holds an open conflict: the figure it feeds is not
/// counted (an indicator not met, a dossier not complete, a criterion not verified, a sector not
/// passed) and neither competing value is shown as settled.
public struct ReportConflict: Sendable, Hashable {
    /// The conflict's id, as `ntm conflicts` gives it.
    public var id: String
    /// The table of the field.
    public var table: String
    /// The column in conflict.
    public var column: String
    /// The criterion concerned, when there is one.
    public var criterion: Int?
    /// The indicator concerned, when there is one.
    public var indicator: String?
    /// The province sector concerned (appraisals), when there is one.
    public var sector: String?
    /// The district department concerned (verifications), when there is one.
    public var department: String?
}

/// One criterion's progress in a commune.
public struct CriterionProgress: Sendable, Hashable {
    /// The criterion.
    public var criterion: Catalogue.Criterion
    /// Indicators met.
    public var indicatorsMet: Int
    /// Indicators in the criterion.
    public var indicatorsTotal: Int
    /// Whether its dossier is complete.
    public var dossierComplete: Bool
    /// The district departments that verify it (thẩm tra): every department owning one of its indicators.
    public var verifiers: [String]
    /// The district's verification results, by department (departments whose result is in conflict
    /// are absent).
    public var verification: [String: Verdict]
    /// The district's verifications, by department, with date and document (in conflict or not).
    public var verifications: [VerificationRecord] = []
    /// Departments whose verification of the criterion is in conflict.
    public var verificationInConflict: [String] = []
    /// Whether the criterion's dossier flag is in conflict (then it is not counted as complete).
    public var dossierInConflict: Bool = false
    /// Its indicators not yet met, with their departments.
    public var missing: [MissingIndicator]
    /// Evidence documents attached to its indicators.
    public var evidenceCount: Int = 0

    /// A criterion is met when all its indicators are.
    public var met: Bool { indicatorsMet == indicatorsTotal }
    /// Verified when every owning department recorded "đạt".
    public var verified: Bool { !verifiers.isEmpty && verifiers.allSatisfy { verification[$0] == .met } }
    /// The owning departments that have not recorded a result yet: none, "chờ kết quả", or a result in
    /// conflict.
    public var verificationOwed: [String] {
        verifiers.filter { verification[$0] == nil || verification[$0] == .pending }
    }
}

/// One department's verification (thẩm tra) of a criterion.
public struct VerificationRecord: Sendable, Hashable {
    /// The department.
    public var department: String
    /// Its result; nil when in conflict.
    public var result: Verdict?
    /// The day it verified.
    public var date: CalendarDate?
    /// The verification document's number.
    public var document: String?
    /// Whether the result is in conflict.
    public var inConflict: Bool
}

/// One province sector's appraisal of a commune's dossier, as the report counts it (a date or verdict in
/// conflict is not counted).
public struct SectorAppraisal: Sendable, Hashable {
    /// The sector.
    public var sector: String
    /// Whether the dossier was sent to it.
    public var sent: Bool
    /// Whether it came to inspect.
    public var inspected: Bool
    /// Whether its written verdict is "đạt".
    public var passed: Bool
    /// Whether any of its dates or its verdict is in conflict.
    public var inConflict: Bool
}

/// The figures of one commune against one target, on one date: what the district asks for on the 14th
/// and the 28th.
public struct CommuneFigures: Sendable, Hashable {
    /// The commune.
    public var commune: CommuneRecord
    /// The target reported on.
    public var target: CommuneTarget
    /// Its criteria set.
    public var catalogue: Catalogue
    /// Per criterion, in order.
    public var criteria: [CriterionProgress]
    /// Indicators with an assessment.
    public var indicatorsAssessed: Int
    /// Whether the general dossier (hồ sơ chung) is complete.
    public var generalDossier: Bool
    /// Sectors the dossier was sent to.
    public var sectorsSent: Int
    /// Sectors that came to inspect.
    public var sectorsInspected: Int
    /// Sectors whose written verdict is "đạt".
    public var sectorsPassed: Int
    /// Sectors without a "đạt" verdict yet, in the set's order.
    public var pendingSectors: [String]
    /// Deadlines past due and not done by the report date, oldest first.
    public var overdue: [DeadlineItem]
    /// Deadlines due from the report date within the look-ahead window, soonest first.
    public var upcoming: [DeadlineItem]
    /// Evidence documents attached (not removed).
    public var evidenceCount: Int
    /// The commune's own notes.
    public var noteCount: Int
    /// The open conflicts the figures depend on; the fields concerned are not counted.
    public var conflicts: [ReportConflict] = []
    /// Sectors whose appraisal (date sent, inspected, verdict) is in conflict.
    public var sectorsInConflict: [String] = []
    /// Per sector of the set, in its order: what `sectorsSent`, `sectorsInspected` and `sectorsPassed`
    /// count.
    public var appraisals: [SectorAppraisal] = []

    /// Criteria in the set.
    public var criteriaTotal: Int { criteria.count }
    /// Criteria met.
    public var criteriaMet: Int { criteria.filter(\.met).count }
    /// Indicators in the set.
    public var indicatorsTotal: Int { criteria.reduce(0) { $0 + $1.indicatorsTotal } }
    /// Indicators met.
    public var indicatorsMet: Int { criteria.reduce(0) { $0 + $1.indicatorsMet } }
    /// Criteria whose dossier is complete.
    public var dossiersComplete: Int { criteria.filter(\.dossierComplete).count }
    /// Criteria the district verified as met.
    public var criteriaVerified: Int { criteria.filter(\.verified).count }
    /// Province sectors appraising the set.
    public var sectorsTotal: Int { catalogue.sectors.count }
    /// The commune meets the standard of its target: every criterion met.
    public var meetsStandard: Bool { criteriaMet == criteriaTotal }

    /// The owning departments that have not verified yet, in order of first appearance, each with the
    /// numbers of the criteria it still owes.
    public var verificationOwed: [(department: String, criteria: [Int])] {
        var order: [String] = []
        var owed: [String: [Int]] = [:]
        for progress in criteria {
            for department in progress.verificationOwed {
                if owed[department] == nil { order.append(department) }
                owed[department, default: []].append(progress.criterion.number)
            }
        }
        return order.map { ($0, owed[$0, default: []]) }
    }
}
