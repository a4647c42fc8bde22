import ArgumentParser
import NTM
import SyncCore

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: Interface.pick("Ghi chú riêng của xã.", "The commune's own notes."),
        subcommands: [Add.self, List.self, Edit.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: Interface.pick("Thêm ghi chú.", "Add a note."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Nội dung.", "The text.")) var text: String
        @Option(help: .pick("Chỉ tiêu liên quan.", "The indicator concerned.")) var indicator: String?

        func run() throws {
            let replica = try options.open()
            let uid = try replica.addNote(text, indicator: indicator, author: try options.author(replica))
            say(options.language.pick("Đã ghi chú \(uid)", "Added note \(uid)"))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: Interface.pick("Liệt kê ghi chú.", "List the notes."))

        @OptionGroup var options: SharedOptions<ShowPlace>

        func run() throws {
            let replica = try options.open()
            let notes = try replica.notes()
            let language = options.language
            if notes.isEmpty { say(language.pick("Chưa có ghi chú.", "No notes yet.")) }
            for note in notes {
                let code = note.indicator.map { " [\($0)]" } ?? ""
                say("\(note.uid)  \(note.written?.description ?? "")\(code)  \(note.text)")
            }
        }
    }
}

extension NoteCommand {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Sửa nội dung một ghi chú.", "Change a note's text."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Mã ghi chú (ít nhất 4 ký tự đầu).", "The note's id (at least its first 4 characters)."))
        var id: String
        @Argument(help: .pick("Nội dung mới.", "The new text.")) var text: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.editNote(id, text: text, author: try options.author(replica))
            say(options.language.pick("Đã sửa ghi chú \(uid)", "Edited note \(uid)"))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Xóa một ghi chú (theo mã, hoặc đầu mã).", "Remove a note (by id, or its start)."))

        @OptionGroup var options: GlobalOptions
        @Argument(help: .pick("Mã ghi chú (ít nhất 4 ký tự đầu).", "The note's id (at least its first 4 characters)."))
        var id: String

        func run() throws {
            let replica = try options.open()
            let uid = try replica.removeNote(id, author: try options.author(replica))
            say(options.language.pick("Đã xóa ghi chú \(uid)", "Removed note \(uid)"))
        }
    }
}
