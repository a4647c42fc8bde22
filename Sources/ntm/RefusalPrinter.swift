import NTM
import Replica
import SyncCore

/// The edits a hub refused, in domain words: what, which value, why. They stay on this replica only.
enum RefusalPrinter {
    /// One refusal in one line: when, who, what = value — why [id].
    static func line(_ refusal: RefusedOperation, presentation: Presentation, role: Role?, _ language: Language)
        -> String
    {
        guard let op = refusal.operation else {
            let why = RefusalWords.reason(
                refusal.reason, table: nil, column: nil, role: role, presentation: presentation, language)
            return "  [\(refusal.shortID)] \(why)"
        }
        let why = RefusalWords.reason(
            refusal.reason, table: op.key.table, column: op.key.column, role: role, presentation: presentation, language
        )
        return
            "  [\(refusal.shortID)] \(Presentation.time(op.wallMs))  \(op.author)  \(presentation.write(op)) — \(why)"
    }

    static func print(
        _ refusals: [RefusedOperation], presentation: Presentation, role: Role?, _ language: Language
    ) throws {
        guard !refusals.isEmpty else { return }
        say(
            language.pick(
                "Máy chủ huyện đã từ chối \(refusals.count) thay đổi của máy này (vai trò của máy không được ghi; chúng chỉ có trên máy này, không gửi đi đâu, không tính vào báo cáo):",
                "The district hub refused \(Language.english(refusals.count, "change")) made here (this replica's role may not write them; they stay on this replica only and reports leave them out):"
            ))
        for refusal in refusals { say(line(refusal, presentation: presentation, role: role, language)) }
        say(
            language.pick(
                "Để máy này hiện lại đúng như huyện đang có: ntm refused withdraw MÃ (hoặc --all)",
                "To show again what the district holds: ntm refused withdraw ID (or --all)"))
    }
}
