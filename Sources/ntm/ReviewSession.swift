import Foundation
import NTM
import Replica

/// `ntm conflicts review`: the open conflicts one at a time. Each decision is written as soon as it is
/// made, so quitting half-way keeps what was decided; a conflict resolved elsewhere meanwhile is
/// passed over, and one that received a new value is shown again before anything is written.
struct ReviewSession {
    let review: ConflictReview
    let filter: ConflictFilter
    let author: String
    let input: TerminalInput

    private var l: Language { review.language }

    func run() throws {
        let listed = try review.open(filter)
        guard !listed.isEmpty else {
            say(l.pick("Không có xung đột.", "No conflicts."))
            return
        }
        say(
            l.pick(
                "\(listed.count) xung đột cần xem. Mỗi quyết định được ghi ngay; thoát lúc nào cũng được.",
                "\(listed.count) conflicts to review. Each decision is written at once; quit at any time."))
        var decided = 0
        var skipped = 0
        conflicts: for (index, first) in listed.enumerated() {
            var note: String?
            // Read again: a sync or another person may have changed or closed it since the list.
            guard var view = try review.current(first) else {
                say()
                say(
                    l.pick(
                        "(\(index + 1)/\(listed.count)) \(first.id): đã được giải quyết ở nơi khác, bỏ qua.",
                        "(\(index + 1)/\(listed.count)) \(first.id): resolved elsewhere meanwhile, passed over."))
                continue
            }
            try show(view, index: index, of: listed.count)
            while true {
                ask(
                    l.pick(
                        "Chọn 1–\(view.values.count) · g: gõ giá trị mới · n: ghi chú · b: bỏ qua · t: thoát > ",
                        "Pick 1–\(view.values.count) · v: type a new value · n: note · s: skip · q: quit > "))
                guard var answer = input.key() else {
                    say()
                    break conflicts
                }
                if input.isTerminal { say(answer) }
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
                    ask(l.pick("Ghi chú (lý do quyết định): ", "Note (why): "))
                    guard let text = input.line() else { break conflicts }
                    note = text
                    say(l.pick("Ghi chú sẽ được lưu cùng quyết định.", "The note will be saved with the decision."))
                case "g", "v", "gia tri", "value":
                    ask(l.pick("Giá trị mới cho \(view.field): ", "New value for \(view.field): "))
                    guard let text = input.line() else { break conflicts }
                    if try decide(view, note: note, { try review.decision(view, value: text) }) {
                        decided += 1
                        continue conflicts
                    }
                default:
                    guard let number = Int(answer) else {
                        say(l.pick("Không hiểu \"\(answer)\".", "Did not understand \"\(answer)\"."))
                        continue
                    }
                    if try decide(view, note: note, { try review.decision(view, pick: number) }) {
                        decided += 1
                        continue conflicts
                    }
                }
                // A conflict that changed meanwhile is shown again as it is now.
                guard let fresh = try review.current(view) else {
                    say(l.pick("Xung đột này đã được giải quyết ở nơi khác.", "This conflict was resolved elsewhere."))
                    continue conflicts
                }
                if fresh.record != view.record {
                    view = fresh
                    try show(view, index: index, of: listed.count)
                }
            }
        }
        let left = try review.open(filter).count
        say()
        say(
            l.pick(
                "Đã quyết định \(decided), bỏ qua \(skipped); còn \(left) xung đột đang mở. Đồng bộ để các máy khác nhận quyết định.",
                "Decided \(decided), skipped \(skipped); \(left) conflicts still open. Sync so that the other replicas receive the decisions."
            ))
    }

    /// Writes a decision; a mistake (a bad value, a pick out of range, a conflict that changed) is one
    /// line and the question is asked again. Returns whether it was written.
    private func decide(_ view: ConflictView, note: String?, _ make: () throws -> ConflictDecision) throws -> Bool {
        do {
            let decision = try make()
            try review.write([decision], author: author, note: note)
            say(ConflictPrinter(language: l).decided(view, outcome: review.outcome(decision, of: view)))
            return true
        } catch {
            say(l.pick("Không ghi: ", "Not written: ") + (UserFacingError.message(error, l) ?? "\(error)"))
            return false
        }
    }

    private func show(_ view: ConflictView, index: Int, of count: Int) throws {
        say()
        say("(\(index + 1)/\(count))")
        for line in ConflictPrinter(language: l).details(view, before: try review.ancestors(of: view)) { say(line) }
    }
}
