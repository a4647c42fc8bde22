import Foundation
import SyncCore

extension ReportRendering {
    /// The sectors' backlog as lines of text: a heading, then per district its waiting dossiers,
    /// oldest first, with the days each has waited.
    public func text(_ backlog: AppraisalBacklog) -> [String] {
        let whose = backlog.sector.map { " — \($0)" } ?? ""
        var lines = [
            language.pick(
                "HỒ SƠ ĐÃ GỬI SỞ, NGÀNH CHƯA VỀ KIỂM TRA\(whose)", "DOSSIERS SENT TO SECTORS, NOT YET INSPECTED\(whose)"
            ),
            language.pick("Tính đến ngày \(date)", "As of \(date)"),
        ]
        let items = backlog.items
        guard !items.isEmpty else {
            lines.append(
                language.pick("Không có hồ sơ nào đang chờ kiểm tra.", "No dossier is waiting for inspection."))
            return lines
        }
        lines.append(
            language.pick(
                "Đang chờ: \(items.count) hồ sơ",
                "Waiting: \(Language.english(items.count, "dossier"))"))
        for group in backlog.groups {
            lines.append(districtTitle(group.district, name: group.name) + " (\(group.items.count))")
            let rows = group.items.map { item in
                [
                    item.sent.description, "\(item.communeName) (\(item.commune))",
                    backlog.sector == nil ? item.sector : nil, item.setID,
                    language.pick(
                        "chờ \(item.daysWaiting) ngày", "waiting \(Language.english(item.daysWaiting, "day"))")
                        + (item.inConflict ? language.pick(" (đang xung đột)", " (in conflict)") : ""),
                ].compactMap { $0 }
            }
            lines += Self.aligned(rows).map { "  " + $0 }
        }
        return lines
    }

    /// The sectors' backlog as one JSON array, oldest first within each district.
    public func json(_ backlog: AppraisalBacklog) -> JSONValue {
        .array(
            backlog.groups.flatMap { group in
                group.items.map { item in
                    JSONValue.object([
                        "district": item.district.map(JSONValue.string) ?? .null,
                        "district_name": group.name.map(JSONValue.string) ?? .null,
                        "commune": .string(item.commune), "commune_name": .string(item.communeName),
                        "set": .string(item.setID), "sector": .string(item.sector), "sent": .string(item.sent.iso),
                        "days_waiting": .int(Int64(item.daysWaiting)), "in_conflict": .bool(item.inConflict),
                        "as_of": .string(date.iso),
                    ])
                }
            })
    }

    /// A district as a heading: `Huyện Triệu Sơn (trieu-son)`, or the words for communes under none.
    func districtTitle(_ district: String?, name: String?) -> String {
        guard let district else { return language.pick("Chưa rõ huyện", "No district") }
        return language.pick("Huyện", "District") + " " + (name.map { "\($0) (\(district))" } ?? district)
    }

    /// Rows of cells padded to their columns' widths.
    static func aligned(_ rows: [[String]]) -> [String] {
        guard let first = rows.first else { return [] }
        let widths = first.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
