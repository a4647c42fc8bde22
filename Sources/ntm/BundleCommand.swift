import ArgumentParser
import Foundation
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: Interface.pick(
            "Gói thay đổi để mang qua USB hoặc thư.", "Bundles of changes, carried on a USB stick or by mail."),
        subcommands: [Export.self, Import.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick("Ghi các thao tác ra một tệp gói.", "Write the operations to a bundle file."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(
            help: .pick(
                "Tệp gói sẽ ghi (tên kết thúc bằng .gz thì được nén gzip).",
                "The bundle file to write (a name ending in .gz is written gzip-compressed)."))
        var file: String
        @Option(
            help: .pick(
                "Bản tóm tắt của bên nhận (tệp do `ntm summary` in ra, hoặc JSON): chỉ gửi phần bên nhận còn thiếu.",
                "The receiver's summary (a file `ntm summary` printed, or JSON): only what the receiver lacks is written."
            ))
        var since: String?
        @Flag(
            help: .pick(
                "Không mang theo nội dung các tệp minh chứng (chỉ các thao tác).",
                "Leave the evidence files' content out (operations only)."))
        var noFiles = false

        func run() throws {
            // The store only: a bundle carries every commune's rows (and the hub's database has no home commune).
            let database = try options.openDatabase()
            let store = database.store
            // The work goes out vouched for: a hub takes it from whoever carries it (§14).
            var introduction: JSONValue?
            if database.isHub {
                try store.signCheckpoints(seed: try HubSigningKey.seed(of: store))
                // A hub below another (a district's, for its province): its own work signed with the
                // credential the hub above issued, and its log introduced, so that the hub above takes its
                // communes' work from the stick as from a session (§15.5.1).
                if let credential = try CredentialFile.installed(in: store) {
                    try credential.signCheckpoints(in: store)
                    try HubSetup.identity(database).logLegacyEnrolments()
                    introduction = try credential.introduce(try HubSetup.asClient(database))
                }
            } else if let credential = try? CredentialFile.installed(in: store) {
                // (A damaged credential is named by ntm sync; the bundle goes out unsigned, to wait.)
                try credential.signCheckpoints(in: store)
            }
            let receiver = try since.map(Self.readSummary)
            let stats = try store.exportBundle(
                to: file, since: receiver?.summary, files: !noFiles, receiverFiles: receiver?.files ?? [],
                lowerHub: introduction)
            let language = options.language
            let files = stats.files
            if files.files == 0 {
                say(
                    language.pick(
                        "Đã ghi \(stats.operations) thao tác vào \(file) (\(stats.bytes) byte)",
                        "Wrote \(Language.english(stats.operations, "operation")) to \(file) (\(Language.english(stats.bytes, "byte")))"
                    ))
            } else {
                say(
                    language.pick(
                        "Đã ghi \(stats.operations) thao tác và \(files.files) tệp (\(files.chunks) phần, \(FileError.megabytes(files.bytes))) vào \(file) (\(stats.bytes) byte)",
                        "Wrote \(Language.english(stats.operations, "operation")) and \(Language.english(files.files, "file")) (\(Language.english(files.chunks, "chunk")), \(FileError.megabytes(files.bytes, .en))) to \(file) (\(Language.english(stats.bytes, "byte")))"
                    ))
            }
            if files.notHere > 0 {
                let prefix = language.pick("ntm: cảnh báo: ", "ntm: warning: ")
                let text = language.pick(
                    "\(files.notHere) tệp được tham chiếu không mang theo được vì máy này chưa có đủ nội dung; đồng bộ (ntm sync) hoặc nhập gói có chúng rồi xuất lại",
                    "\(Language.english(files.notHere, "referenced file")) could not be carried because \(files.notHere == 1 ? "it is" : "they are") not here whole; sync (ntm sync) or import a bundle with them, then export again"
                )
                FileHandle.standardError.write(Data((prefix + text + "\n").utf8))
            }
        }

        /// The receiver's summary, and the SHA-256 prefixes of the files it lists as whole there.
        static func readSummary(_ text: String) throws -> (summary: Summary, files: [String]) {
            let source: String
            if text.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
                source = text
            } else if let data = FileManager.default.contents(atPath: text) {
                source = String(decoding: data, as: UTF8.self)
            } else {
                throw NTMError.fileUnreadable(text)
            }
            let json: JSONValue
            let summary: Summary
            do {
                json = try JSONParser.parse(source.trimmingCharacters(in: .whitespacesAndNewlines))
                summary = try Summary(json: json["origins"] ?? json)
            } catch let error as JSONParseError {
                throw NTMError.badSummary(error.description)
            } catch let error as OperationFormatError {
                throw NTMError.badSummary(error.description)
            }
            guard let listed = json["files"] else { return (summary, []) }
            guard let items = listed.array?.compactMap(\.string), items.count == listed.array?.count,
                items.allSatisfy(BundleCommand.isFilePrefix)
            else {
                throw NTMError.badSummary(
                    "\"files\" must be a list of SHA-256 prefixes (16 to 64 lowercase hex digits)")
            }
            return (summary, items)
        }
    }

    /// Whether `text` can name files in a summary's `files`: 16 to 64 lowercase hex digits.
    static func isFilePrefix(_ text: String) -> Bool {
        (ReplicaStore.summaryFilePrefixLength...64).contains(text.utf8.count)
            && FileManifest.isDigest(text + String(repeating: "0", count: 64 - text.utf8.count))
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Nhập một tệp gói (kiểm tra toàn bộ; lỗi thì không thay đổi gì).",
                "Import a bundle file (checked whole; a mistake changes nothing)."),
            discussion: Interface.pick(
                """
                Ở máy chủ huyện, mỗi thao tác được xét theo vai trò của máy đã viết nó (không phải máy mang gói), \
                có chữ ký của máy đó; thao tác vượt quyền bị giữ lại (ntm hub quarantine). Với gói của một xã \
                chưa ghi danh máy nào, thêm --commune XÃ để nhận việc của các máy lạ trong gói như việc của xã đó.
                """,
                """
                At the district hub, each operation is judged by the role of the replica that wrote it (not the \
                one that carried the bundle), vouched for by its signature; what it may not write is quarantined \
                (ntm hub quarantine). For a bundle of a commune none of whose laptops is enrolled, add \
                --commune SLUG to take the unknown writers' work as that commune's.
                """))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(
            help: .pick(
                "Tệp gói (.ndjson, hoặc nén gzip như .ndjson.gz).",
                "The bundle file (.ndjson, or gzip such as .ndjson.gz)."
            ))
        var file: String

        func run() throws {
            let database = try options.openDatabase()
            let store = database.store
            var delegated = 0
            do {
                if database.isHub {
                    // The hub's one way in: each writer judged by its enrolled role, relayed work by its
                    // signature; what a commune may not write is quarantined (§14).
                    // The role a person vouches for is permanent for the work it judges: a typo must not
                    // quarantine a commune's work under a commune that does not exist.
                    if let commune = options.commune, !Identifiers.isSlug(commune) {
                        throw NTMError.badCommuneSlug(commune)
                    }
                    let identity = try HubSetup.identity(database)
                    let key = try Checkpoint.publicKey(seed: try HubSigningKey.seed(of: store))
                    // A district hub's bundle at its province: its log enrols its communes first (§15.5.1).
                    let carried = try store.bundleIntroduction(at: file)
                    delegated =
                        try carried.lowerHub.map { try identity.takeIntroduction($0, entries: carried.enrolments) } ?? 0
                    let (stats, ingest) = try store.importBundle(
                        from: file, policy: identity.policy, hubKey: key, hubName: identity.name,
                        vouched: options.commune.map(Role.commune))
                    if ingest.enrolmentsTakenBack > 0 {
                        try HubRecovery.note(enrolments: ingest.enrolmentsTakenBack, in: store)
                    }
                    try report(stats, store, refused: ingest.newlyRefused, delegated: delegated)
                    if !ingest.waiting.isEmpty { warn(.bundleWorkWaits(ingest.waiting), options.language) }
                } else {
                    try report(try store.importBundle(from: file), store)
                }
            } catch ReplicaError.bundleFiles(let error, let imported) {
                // The operations are in: say so before the file section's problem.
                try report(imported, store)
                throw ReplicaError.bundleFiles(error, imported: imported)
            }
        }

        private func report(_ stats: BundleStats, _ store: ReplicaStore, refused: Int = 0, delegated: Int = 0) throws {
            let conflicts = try store.conflictCount()
            let language = options.language
            var line = language.pick(
                "Đã nhập \(file): \(stats.operations) thao tác, \(stats.applied) mới, \(stats.duplicates) đã có",
                "Imported \(file): \(Language.english(stats.operations, "operation")), \(stats.applied) new, \(stats.duplicates) already held"
            )
            if refused > 0 {
                line += language.pick(
                    ", \(refused) bị từ chối vì người ghi không có quyền (xem: ntm hub quarantine)",
                    ", \(refused) refused as their writer may not write them (see: ntm hub quarantine)")
            }
            if delegated > 0 {
                line += language.pick(
                    "; ghi danh \(delegated) máy của máy chủ cấp dưới đã gửi gói",
                    "; enrolled \(Language.english(delegated, "replica")) of the lower hub that wrote the bundle")
            }
            line += Self.files(stats.files, language)
            if conflicts > 0 {
                line += language.pick(
                    "; \(conflicts) xung đột chưa xử lý (xem: ntm conflicts)",
                    "; \(Language.english(conflicts, "open conflict")) (see: ntm conflicts)")
            }
            say(line)
        }

        /// What the file section brought, as a clause of the summary line (empty without files).
        static func files(_ files: BundleFileStats, _ language: Language) -> String {
            guard files.files > 0 else { return "" }
            var parts = [
                language.pick(
                    "\(files.files) tệp: \(files.completed) nhận đủ (\(files.storedChunks) phần mới, \(FileError.megabytes(files.storedBytes)))",
                    "\(Language.english(files.files, "file")): \(files.completed) received whole (\(Language.english(files.storedChunks, "new chunk")), \(FileError.megabytes(files.storedBytes, .en)))"
                )
            ]
            if files.alreadyPresent > 0 {
                parts.append(language.pick("\(files.alreadyPresent) đã có", "\(files.alreadyPresent) already here"))
            }
            if files.unreferenced > 0 {
                parts.append(
                    language.pick(
                        "\(files.unreferenced) bỏ qua vì không bản ghi nào ở đây tham chiếu",
                        "\(files.unreferenced) skipped as no record here references \(files.unreferenced == 1 ? "it" : "them")"
                    ))
            }
            if files.badChunks > 0 {
                parts.append(
                    language.pick(
                        "\(files.badChunks) phần hỏng bị bỏ",
                        "\(Language.english(files.badChunks, "damaged chunk")) dropped"))
            }
            return "; " + parts.joined(separator: ", ")
        }
    }
}
