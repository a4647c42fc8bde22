import NTM
import Replica
import SyncCore

/// How conflicts are printed: one block per conflict in lists, a table of the values side by side in
/// `show` and `review`, and JSON for programs.
struct ConflictPrinter {
    let language: Language

    /// Commune, subject and field: "Dân Lý · chỉ tiêu 17.1 Tỷ lệ hộ … · trạng thái".
    func headline(_ view: ConflictView) -> String {
        let place = view.communeName ?? view.commune ?? language.pick("dùng chung", "shared")
        let kind =
            view.kind == .editDelete ? language.pick(" — sửa trong khi bản ghi bị xóa", " — edited while deleted") : ""
        return "\(place) · \(view.subject) · \(view.field)\(kind)"
    }

    /// The lines of a conflict in `ntm conflicts`.
    func summary(_ view: ConflictView) -> [String] {
        var lines = [
            "[\(view.id)] \(headline(view)): \(view.values.count) \(language.pick("giá trị", "values")), \(language.pick("từ", "since")) \(Presentation.time(view.openSinceMs))"
        ]
        for (index, value) in view.values.enumerated() {
            var line =
                "   \(index + 1). \(value.display) — \(value.author) (\(value.replica)), \(Presentation.time(value.wallMs))"
            if let note = value.note { line += " «\(note)»" }
            if index == 0 { line += language.pick("  ← đang hiển thị", "  ← shown") }
            lines.append(line)
        }
        return lines
    }

    /// The lines of `ntm conflicts show` and of each step of `review`.
    func details(_ view: ConflictView, before: [ConflictView.Value]) -> [String] {
        var lines = [
            language.pick("Xung đột \(view.id): \(headline(view))", "Conflict \(view.id): \(headline(view))")
        ]
        var facts: [String] = []
        if let set = view.setID { facts.append(language.pick("bộ tiêu chí \(set)", "set \(set)")) }
        if !view.departments.isEmpty {
            facts.append(language.pick("phụ trách: ", "owned by: ") + view.departments.joined(separator: ", "))
        }
        facts.append(language.pick("mở từ ", "open since ") + Presentation.time(view.openSinceMs))
        lines.append(facts.joined(separator: " · "))
        if view.kind == .editDelete {
            lines.append(
                language.pick(
                    "Một người xóa bản ghi trong khi người khác đang sửa nó: chọn \"xóa bản ghi\" để xóa hẳn, hoặc chọn giá trị sửa để giữ lại bản ghi.",
                    "Someone deleted the record while someone else edited it: pick \"delete the record\" to delete it, or the edit to keep the record."
                ))
        }
        lines.append("")
        var rows: [[String]] = [
            [
                "#", language.pick("giá trị", "value"), language.pick("người ghi", "author"),
                language.pick("máy", "replica"),
                language.pick("lúc", "when"), language.pick("ghi chú", "note"),
            ]
        ]
        for (index, value) in view.values.enumerated() {
            rows.append(row(String(index + 1), value, shown: index == 0))
        }
        if before.isEmpty {
            rows.append([
                language.pick("trước", "before"), language.pick("(chưa có giá trị)", "(no value yet)"), "", "", "", "",
            ])
        }
        for value in before { rows.append(row(language.pick("trước", "before"), value, shown: false)) }
        lines += table(rows).map { "  " + $0 }
        return lines
    }

    /// One value as JSON.
    func json(_ value: ConflictView.Value) -> JSONValue {
        .object([
            "value": value.raw.json, "display": .string(value.display), "deletion": .bool(value.isDeletion),
            "author": .string(value.author), "replica": .string(value.replica), "seq": .int(Int64(value.seq)),
            "wall_ms": .int(value.wallMs), "note": value.note.map(JSONValue.string) ?? .null,
        ])
    }

    /// A conflict as JSON: what every replica agrees on, plus `open_since_ms` and `written_here`,
    /// which are this replica's own.
    func json(_ view: ConflictView) -> JSONObject {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "id": .string(view.id), "commune": text(view.commune), "commune_name": text(view.communeName),
            "set": text(view.setID), "criterion": view.criterion.map { .int(Int64($0)) } ?? .null,
            "indicator": text(view.indicator), "indicator_name": text(view.indicatorName),
            "departments": .array(view.departments.map(JSONValue.string)), "table": .string(view.table),
            "row": .string(view.row), "column": .string(view.column), "kind": .string(view.kind.rawValue),
            "subject": .string(view.subject), "field": .string(view.field),
            "values": .array(view.values.map(json)), "open_since_ms": .int(view.openSinceMs),
            "written_here": .bool(view.writtenHere),
        ]
    }

    /// What `resolve --all` will do with one conflict; `outcome` is what the decision keeps.
    func plan(_ view: ConflictView, outcome: String) -> String {
        "[\(view.id)] \(headline(view)) → \(outcome)"
    }

    /// The line printed once a decision is written.
    func decided(_ view: ConflictView, outcome: String) -> String {
        let replaced = view.values.map(\.display).joined(separator: " | ")
        return language.pick(
            "Đã giải quyết xung đột \(view.id): \(headline(view)) → \(outcome) (thay cho: \(replaced)). Đồng bộ để các máy khác nhận quyết định.",
            "Resolved conflict \(view.id): \(headline(view)) → \(outcome) (instead of: \(replaced)). Sync so that the other replicas receive the decision."
        )
    }

    private func row(_ label: String, _ value: ConflictView.Value, shown: Bool) -> [String] {
        [
            label, value.display + (shown ? language.pick(" ← đang hiển thị", " ← shown") : ""), value.author,
            "\(value.replica) #\(value.seq)", Presentation.time(value.wallMs), value.note ?? "",
        ]
    }

    /// Rows padded into columns (by characters: Vietnamese text is NFC, one character per letter).
    private func table(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { cells in
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
