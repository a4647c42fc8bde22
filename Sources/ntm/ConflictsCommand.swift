import ArgumentParser
import NTM
import SyncCore

struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "Các xung đột chưa xử lý: hai người sửa cùng một chỗ (open conflicts).",
        discussion:
            "Giải quyết: ghi lại giá trị đúng bằng lệnh thường (ví dụ ntm assess 17.1 dat); giá trị mới thay cho mọi giá trị xung đột."
    )

    @OptionGroup var options: GlobalOptions

    @Flag(help: "In JSON cho chương trình khác.")
    var json = false

    func run() throws {
        let replica = try options.open()
        let views = try replica.conflictViews(options.language)
        let l = options.language
        if json {
            let array = JSONValue.array(
                views.map { view in
                    var object: JSONObject = [
                        "id": .string(view.id), "commune": .string(replica.commune), "table": .string(view.table),
                        "row": .string(view.row), "column": .string(view.column), "kind": .string(view.kind.rawValue),
                        "subject": .string(view.subject), "field": .string(view.field),
                        "indicator": view.indicator.map(JSONValue.string) ?? .null,
                    ]
                    object["values"] = .array(
                        view.values.map { value in
                            .object([
                                "value": value.raw.json, "display": .string(value.display),
                                "author": .string(value.author),
                                "replica": .string(value.replica), "seq": .int(Int64(value.seq)),
                                "wall_ms": .int(value.wallMs),
                                "note": value.note.map(JSONValue.string) ?? .null,
                            ])
                        })
                    return .object(object)
                })
            say(JSONWriter.string(array))
            return
        }
        if views.isEmpty {
            say(l.pick("Không có xung đột.", "No conflicts."))
            return
        }
        say(l.pick("\(views.count) xung đột chưa xử lý:", "\(views.count) open conflicts:"))
        for view in views {
            say()
            let kind =
                view.kind == .editDelete ? l.pick(" — sửa trong khi bản ghi bị xóa", " — edited while deleted") : ""
            say(
                "[\(view.id)] \(view.subject) · \(view.field)\(kind): \(view.values.count) \(l.pick("giá trị", "values"))"
            )
            for (index, value) in view.values.enumerated() {
                var line =
                    "   \(index + 1). \(value.display) — \(value.author) (\(value.replica)), \(Presentation.time(value.wallMs))"
                if let note = value.note { line += " «\(note)»" }
                if index == 0 { line += l.pick("  ← đang hiển thị", "  ← shown") }
                say(line)
            }
        }
    }
}
