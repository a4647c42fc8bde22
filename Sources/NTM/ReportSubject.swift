import Foundation
import SyncCore

/// What a report is about, with its figures: one commune, a district's communes, or a province's
/// districts. Every form of the report (text, `--json`, CSV, the Word document, the dashboard page) is
/// made from one of these, so that they cannot disagree.
public enum ReportSubject: Sendable, Hashable {
    /// One commune against its target.
    case commune(CommuneFigures)
    /// A district: its communes, and by department what is still owed.
    case district(DistrictFigures)
    /// A province: one entry per district.
    case province(ProvinceFigures)

    /// Every commune reported, in order (a province's district by district).
    public var communes: [CommuneFigures] {
        switch self {
        case .commune(let figures): [figures]
        case .district(let district): district.communes
        case .province(let province): province.districts.flatMap(\.figures.communes)
        }
    }

    /// The unit the report speaks for: a commune's, a district's or a province's kind of unit.
    public var level: ReportLevel {
        switch self {
        case .commune: .commune
        case .district: .district
        case .province: .province
        }
    }
}

/// The level of government a report is written at.
public enum ReportLevel: String, Sendable, Hashable, CaseIterable {
    /// A commune (xã) reports on itself.
    case commune
    /// A district (huyện) reports on its communes.
    case district
    /// A province (tỉnh) reports on its districts.
    case province
}
