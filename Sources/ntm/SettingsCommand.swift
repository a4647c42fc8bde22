import ArgumentParser
import NTM
import SyncCore

/// `ntm settings`: what this database's official documents say beyond the figures (who issues and
/// signs them, their symbol, their recipients). Local to the database, never synced.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: Interface.pick(
            "Cài đặt văn bản báo cáo của cơ sở dữ liệu này: cơ quan, số, ký hiệu, người ký, nơi nhận.",
            "This database's report document settings: issuing body, number, symbol, signer, recipients."),
        discussion: Interface.pick(
            """
            ntm settings                                    xem các mục và giá trị mặc định
            ntm settings set signer-title "CHÁNH VĂN PHÒNG"  đặt một mục
            ntm settings set recipients "UBND tỉnh (b/c);VP điều phối NTM tỉnh;Lưu: VT"
            ntm settings unset number                       bỏ một mục (dùng lại mặc định)
            Chỉ lưu trong cơ sở dữ liệu này, không đồng bộ. Các tùy chọn của ntm report --docx thay cho lần đó.
            """,
            """
            ntm settings                                    show the settings and their defaults
            ntm settings set signer-title "CHIEF OF OFFICE"  set one
            ntm settings set recipients "Provincial People's Committee;Archives"
            ntm settings unset number                       unset one (its default applies again)
            Kept in this database only, never synced. The options of ntm report --docx override them once.
            """),
        subcommands: [Show.self, Set.self, Unset.self],
        defaultSubcommand: Show.self)

    /// The key named on the command line.
    static func key(_ name: String) throws -> DocumentSettings.Key {
        guard let key = DocumentSettings.Key(rawValue: name.lowercased()) else {
            throw NTMError.unknownSetting(name, known: DocumentSettings.Key.allCases.map(\.rawValue))
        }
        return key
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Xem các mục cài đặt.", "Show the settings."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Flag(help: .pick("In JSON (chỉ các mục đã đặt).", "Print JSON (the settings set only).")) var json = false

        func run() throws {
            let database = try options.openDatabase()
            let stored = try database.documentSettings()
            if json {
                var object = JSONObject()
                for key in DocumentSettings.Key.allCases {
                    if let value = stored[key] { object[key.rawValue] = .string(value) }
                }
                return say(JSONWriter.string(.object(object)))
            }
            let defaults = DocumentSettings.defaults(
                level: DocumentOptions.level(of: database),
                unitName: try DocumentOptions.officeName(database), language: options.language)
            for key in DocumentSettings.Key.allCases {
                say(ReportMessages.setting(key, value: stored[key], fallback: defaults[key], options.language))
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Đặt một mục.", "Set one setting."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Tên mục (xem ntm settings).", "The setting's name (see ntm settings).")) var name: String
        @Argument(help: .pick("Giá trị.", "The value.")) var value: String

        func run() throws {
            let key = try SettingsCommand.key(name)
            let database = try options.openDatabase()
            let clean = Text.normalized(value)
            guard !clean.isEmpty else { throw NTMError.emptySetting(key.rawValue) }
            try database.setDocumentSettings([key: clean])
            say(ReportMessages.changed(key, value: clean, options.language))
        }
    }

    struct Unset: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Bỏ một mục (dùng lại mặc định).", "Unset one setting (its default applies again)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Tên mục.", "The setting's name.")) var name: String

        func run() throws {
            let key = try SettingsCommand.key(name)
            try options.openDatabase().setDocumentSettings([key: nil])
            say(ReportMessages.changed(key, value: nil, options.language))
        }
    }
}
