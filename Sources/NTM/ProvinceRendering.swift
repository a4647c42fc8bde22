import Foundation
import SyncCore

extension ReportRendering {
    /// The province report as lines of text: the totals, then a table with one row per district.
    public func text(_ province: ProvinceFigures) -> [String] {
        let place = province.province.map { language.pick(" — tỉnh \($0)", " — province \($0)") } ?? ""
        var lines = [
            language.pick("BÁO CÁO TIẾN ĐỘ NÔNG THÔN MỚI CẤP TỈNH", "PROVINCE NEW RURAL DEVELOPMENT PROGRESS REPORT")
                + place,
            language.pick("Tính đến ngày \(date)", "As of \(date)"),
            language.pick(
                "Xã đạt chuẩn: \(province.communesMeeting)/\(province.communes) xã · hồ sơ chờ sở, ngành kiểm tra: \(province.backlog) · quá hạn: \(province.overdue)",
                "Communes meeting the standard: \(province.communesMeeting)/\(province.communes) · dossiers waiting for a sector's inspection: \(province.backlog) · overdue: \(province.overdue)"
            ),
        ]
        guard !province.districts.isEmpty else {
            lines.append(language.pick("Chưa có xã nào.", "No commune yet."))
            return lines
        }
        lines += Self.aligned([provinceHeader] + province.districts.map(provinceRow))
        for district in province.districts {
            for (commune, set) in district.figures.unknownSets {
                lines.append(
                    language.pick(
                        "Chưa tính xã \(commune): chưa có bộ tiêu chí \(set) (nhập bằng: ntm catalogue import)",
                        "Left out \(commune): set \(set) is not known here (import it with: ntm catalogue import)"))
            }
        }
        lines.append(
            language.pick(
                "Chi tiết một huyện: ntm hub report --district MÃ-HUYỆN; hồ sơ chờ: ntm appraisal backlog",
                "One district in detail: ntm hub report --district SLUG; waiting dossiers: ntm appraisal backlog"))
        return lines
    }

    /// The province report as one JSON object.
    public func json(_ province: ProvinceFigures) -> JSONValue {
        .object([
            "as_of": .string(date.iso), "province": province.province.map(JSONValue.string) ?? .null,
            "communes_total": .int(Int64(province.communes)),
            "communes_meeting": .int(Int64(province.communesMeeting)), "backlog": .int(Int64(province.backlog)),
            "overdue": .int(Int64(province.overdue)),
            "districts": .array(
                province.districts.map { district in
                    .object([
                        "district": district.slug.map(JSONValue.string) ?? .null,
                        "name": district.name.map(JSONValue.string) ?? .null,
                        "communes_total": .int(Int64(district.communes)),
                        "communes_meeting": .int(Int64(district.communesMeeting)),
                        "backlog": .int(Int64(district.backlog)), "overdue": .int(Int64(district.overdue)),
                        "communes": .array(district.figures.communes.map { .string($0.commune.slug) }),
                        "unknown_sets": .array(
                            district.figures.unknownSets.map {
                                .object(["commune": .string($0.commune), "set": .string($0.set)])
                            }),
                    ])
                }),
        ])
    }

    /// The province report as CSV: one row per district.
    public func csv(_ province: ProvinceFigures) -> String {
        Self.csvText(
            [[language.pick("Mã huyện", "Slug")] + provinceHeader]
                + province.districts.map { [$0.slug ?? ""] + provinceRow($0) })
    }

    private var provinceHeader: [String] {
        [
            language.pick("Huyện", "District"), language.pick("Số xã", "Communes"),
            language.pick("Xã đạt chuẩn", "Meeting the standard"),
            language.pick("Hồ sơ chờ sở, ngành", "Waiting for sectors"), language.pick("Quá hạn", "Overdue"),
        ]
    }

    private func provinceRow(_ district: ProvinceFigures.District) -> [String] {
        [
            district.slug.map { district.name ?? $0 } ?? language.pick("Chưa rõ huyện", "No district"),
            "\(district.communes)", "\(district.communesMeeting)/\(district.communes)", "\(district.backlog)",
            "\(district.overdue)",
        ]
    }
}
