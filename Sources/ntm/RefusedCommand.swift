import ArgumentParser
import NTM
import Replica
import SyncCore
import SyncHub

/// `ntm refused`: the writes the hub refused, and their withdrawal.
struct RefusedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refused",
        abstract: Interface.pick(
            "Thay đổi máy chủ huyện đã từ chối: xem, rút lại.", "Changes the district hub refused: list, withdraw."),
        subcommands: [List.self, Withdraw.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Liệt kê thay đổi bị từ chối.", "List the refused changes."))

        @OptionGroup var options: GlobalOptions
        @Flag(help: .pick("Cả những thay đổi đã rút lại.", "Also those already withdrawn.")) var all = false

        func run() throws {
            let replica = try options.open()
            let database = replica.database
            let language = options.language
            let refusals = try database.store.refusals(withdrawn: all)
            if refusals.isEmpty {
                return say(language.pick("Không có thay đổi nào bị từ chối.", "No change was refused."))
            }
            let presentation = options.presentation(replica)
            for refusal in refusals {
                var line = RefusalPrinter.line(refusal, presentation: presentation, role: database.role, language)
                if let ms = refusal.withdrawnMs {
                    line += language.pick(
                        " (đã rút lại \(Presentation.time(ms)))", " (withdrawn \(Presentation.time(ms)))")
                }
                say(line)
            }
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Rút lại thay đổi bị từ chối: máy này hiện lại giá trị huyện đang có (không gửi gì mới).",
                "Withdraw refused changes: this replica shows again what the district holds (nothing new is sent)."),
            discussion: Interface.pick(
                """
                Thay đổi vẫn còn trong nhật ký (chuỗi băm không đổi) nhưng không còn tác dụng trên máy này: \
                các trường hiện lại giá trị huyện đang giữ, hoặc để trống nếu huyện chưa có. Không ghi thao tác mới, \
                nên lần đồng bộ sau không có gì bị từ chối thêm.
                """,
                """
                The change stays in the log (the hash chain is unchanged) but has no effect here any more: the \
                fields show again what the district holds, or nothing if it holds nothing. No new operation is \
                written, so the next sync has nothing more refused.
                """))

        @OptionGroup var options: GlobalOptions
        @Argument(
            help: .pick(
                "Mã thay đổi (xem: ntm refused), ít nhất 4 ký tự đầu.",
                "The change's id (see: ntm refused), at least its first 4 characters."))
        var ids: [String] = []
        @Flag(help: .pick("Rút lại mọi thay đổi bị từ chối.", "Withdraw every refused change.")) var all = false

        func run() throws {
            guard all != !ids.isEmpty else { throw NTMError.idOrAllRefused }
            let database = try options.openDatabase()
            let language = options.language
            let refusals = try database.store.refusals()
            let chosen = all ? refusals.map(\.dot) : try RefusedOperation.dots(named: ids, among: refusals)
            let withdrawn = try database.store.withdrawRefusals(chosen)
            say(
                withdrawn.isEmpty
                    ? language.pick("Không có thay đổi bị từ chối nào để rút lại.", "No refused change to withdraw.")
                    : language.pick(
                        "Đã rút lại \(withdrawn.count) thay đổi bị từ chối; máy này hiện lại giá trị huyện đang có.",
                        "Withdrew \(withdrawn.count) refused changes; this replica shows again what the district holds."
                    ))
        }
    }
}
