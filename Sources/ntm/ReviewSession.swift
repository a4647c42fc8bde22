import Foundation
import NTM
import Replica
import SyncCore

/// `ntm conflicts review`: the open conflicts one at a time. Each decision is written as soon as it is
/// made, so quitting half-way keeps what was decided; a conflict resolved elsewhere meanwhile is
/// passed over, and one that received a new value is shown again before anything is written.
///
/// The keys are the same in both languages and shown at every question: a number picks a value, `v`
/// types a new value, `n` adds a note, `s` skips, `q` quits (the Vietnamese words' `g`, `b` and `t`
/// are taken too). Lines are wrapped at spaces to the terminal's width.
struct ReviewSession {
    let review: ConflictReview
    let filter: ConflictFilter
    let author: String
    let input: TerminalInput

    private var language: Language { review.language }

    func run() throws {
        let listed = try review.open(filter)
        guard !listed.isEmpty else {
            write(language.pick("Không có xung đột.", "No conflicts."))
            return
        }
        write(
            language.pick(
                "\(listed.count) xung đột cần xem. Mỗi quyết định được ghi ngay; thoát lúc nào cũng được.",
                "\(Language.english(listed.count, "conflict")) to review. Each decision is written at once; quit at any time."
            ))
        var decided = 0
        var skipped = 0
        conflicts: for (index, first) in listed.enumerated() {
            var note: String?
            // Read again: a sync or another person may have changed or closed it since the list.
            guard var view = try review.current(first) else {
                write()
                write(
                    language.pick(
                        "(\(index + 1)/\(listed.count)) \(first.id): đã được giải quyết ở nơi khác, bỏ qua.",
                        "(\(index + 1)/\(listed.count)) \(first.id): resolved elsewhere meanwhile, passed over."))
                continue
            }
            try show(view, index: index, of: listed.count)
            while true {
                prompt(
                    language.pick(
                        "Chọn 1–\(view.values.count) · v: viết giá trị mới · n: ghi chú · s: bỏ qua · q: thoát > ",
                        "Pick 1–\(view.values.count) · v: type a new value · n: note · s: skip · q: quit > "))
                guard var answer = input.key() else {
                    write()
                    break conflicts
                }
                if input.isTerminal { write(answer) }
                // On a terminal a key is one character: a pick of 10 or more is finished with Enter.
                if input.isTerminal, view.values.count > 9, answer.allSatisfy(\.isNumber) {
                    answer += input.line() ?? ""
                }
                switch answer.lowercased() {
                case "b", "s", "bo qua", "skip":
                    skipped += 1
                    continue conflicts
                case "t", "q", "thoat", "quit":
                    break conflicts
                case "n", "note", "ghi chu":
                    prompt(language.pick("Ghi chú (lý do quyết định): ", "Note (why): "))
                    guard let text = input.line() else { break conflicts }
                    note = text
                    write(
                        language.pick(
                            "Ghi chú sẽ được lưu cùng quyết định.", "The note will be saved with the decision."))
                case "g", "v", "gia tri", "value":
                    prompt(language.pick("Giá trị mới cho \(view.field): ", "New value for \(view.field): "))
                    guard let text = input.line() else { break conflicts }
                    if try decide(view, note: note, { try review.decision(view, value: text) }) {
                        decided += 1
                        continue conflicts
                    }
                default:
                    guard let number = Int(answer) else {
                        write(language.pick("Không hiểu \"\(answer)\".", "Did not understand \"\(answer)\"."))
                        continue
                    }
                    if try decide(view, note: note, { try review.decision(view, pick: number) }) {
                        decided += 1
                        continue conflicts
                    }
                }
                // A conflict that changed meanwhile is shown again as it is now.
                guard let fresh = try review.current(view) else {
                    write(
                        language.pick(
                            "Xung đột này đã được giải quyết ở nơi khác.", "This conflict was resolved elsewhere."))
                    continue conflicts
                }
                if fresh.record != view.record {
                    view = fresh
                    try show(view, index: index, of: listed.count)
                }
            }
        }
        let left = try review.open(filter).count
        write()
        write(
            language.pick(
                "Đã quyết định \(decided), bỏ qua \(skipped); còn \(left) xung đột đang mở. Đồng bộ để các máy khác nhận quyết định.",
                "Decided \(decided), skipped \(skipped); \(Language.english(left, "conflict")) still open. Sync so that the other replicas receive the decisions."
            ))
    }

    /// Writes a decision; a mistake (a bad value, a pick out of range, a conflict that changed) is one
    /// line and the question is asked again. Returns whether it was written.
    private func decide(_ view: ConflictView, note: String?, _ make: () throws -> ConflictDecision) throws -> Bool {
        do {
            let decision = try make()
            try review.write([decision], author: author, note: note)
            write(ConflictPrinter(language: language).decided(view, outcome: review.outcome(decision, of: view)))
            return true
        } catch {
            write(
                language.pick("Không ghi: ", "Not written: ") + (UserFacingError.message(error, language) ?? "\(error)")
            )
            return false
        }
    }

    private func show(_ view: ConflictView, index: Int, of count: Int) throws {
        write()
        write("(\(index + 1)/\(count))")
        for line in ConflictPrinter(language: language).details(view, before: try review.ancestors(of: view)) {
            write(line)
        }
    }

    /// Writes a line, wrapped at spaces to the terminal's width.
    private func write(_ line: String = "") {
        guard let width = Terminal.width else { return say(line) }
        for part in Text.wrap(line, width: width) { say(part) }
    }

    /// Writes a question, wrapped like ``write(_:)``, and leaves the cursor after it.
    private func prompt(_ question: String) {
        guard let width = Terminal.width else { return ask(question) }
        // A key and its meaning stay on one line: the question breaks only between the choices.
        let glued = question.trimmingCharacters(in: .whitespaces).components(separatedBy: " · ")
            .map { $0.replacingOccurrences(of: " ", with: "\u{A0}") }.joined(separator: " · ")
        // Room after the question for the space and the key echoed.
        var parts = Text.wrap(glued, width: width - 2).map { $0.replacingOccurrences(of: "\u{A0}", with: " ") }
        let last = parts.removeLast()
        for part in parts { say(part) }
        ask(last + " ")
    }
}
