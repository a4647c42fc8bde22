import ArgumentParser
import Foundation
import Logging
import NTM
import NTMHub
import Replica
import SyncCore
import SyncHub
import SyncWire

#if canImport(Glibc)
    import Glibc
#endif

struct HubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub", abstract: Interface.pick("Máy chủ đồng bộ của huyện.", "The district's sync hub."),
        subcommands: [
            Init.self, Serve.self, Stdio.self, Report.self, Backup.self, Restore.self, Enroll.self, Replicas.self,
            Revoke.self, Quarantine.self, FileLimit.self,
        ])

    struct Quarantine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Các thay đổi máy chủ đã từ chối vì vai trò của máy gửi không được ghi (không bao giờ được áp dụng).",
                "The changes the hub refused because the sender's role may not write them (never applied)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Option(help: .pick("Chỉ của một bản sao.", "Only those of one replica.")) var replica: String?
        @Flag(help: .pick("In JSON (mỗi dòng một thao tác).", "Print JSON (one operation per line).")) var json = false

        func run() throws {
            let database = try options.openDatabase()
            let hub = try HubSetup.identity(database)
            let language = options.language
            let held = try hub.store.quarantine(origin: replica)
            if json {
                for entry in held {
                    say(
                        JSONWriter.string(
                            .object([
                                "op": try JSONParser.parse(Array(entry.operation.jsonLine.utf8)),
                                "reason": .string(entry.reason),
                                "sender": .string(entry.sender), "received_ms": .int(entry.receivedMs),
                            ])))
                }
                return
            }
            guard !held.isEmpty else {
                say(language.pick("Không có thay đổi nào bị từ chối.", "No change was refused."))
                return
            }
            say(
                language.pick(
                    "\(held.count) thay đổi bị từ chối (không áp dụng, không gửi tiếp):",
                    "\(Language.english(held.count, "refused change")) (never applied nor relayed):"))
            let presentation = Presentation(catalogue: CatalogueLibrary.shipped[0], language: language)
            for entry in held {
                let op = entry.operation
                // The reason in words, for the sender's role as enrolled (`--json` keeps the hub's own).
                let why = RefusalWords.reason(
                    entry.reason, table: op.key.table, column: op.key.column,
                    role: try hub.store.enrolment(of: entry.sender)?.role, presentation: presentation, language)
                say(
                    "\(Presentation.time(entry.receivedMs))  \(op.dot)  \(op.author) (\(entry.sender))  \(presentation.write(op)) — \(why)"
                )
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Khôi phục máy chủ từ một bản sao lưu (đặt mã bản sao và epoch mới để các xã gửi lại phần bị mất).",
                "Restore the hub from a backup (a new replica id and epoch, so that the communes send back what was lost)."
            ))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Tệp sao lưu (do ntm hub backup tạo).", "The backup file (made by ntm hub backup)."))
        var backup: String

        func run() throws {
            let target = options.databasePath
            let restored = try HubSetup.restore(backup: backup, to: target)
            let newID = restored.replicaID
            let epoch = restored.epoch
            say(
                options.language.pick(
                    "Đã khôi phục \(target) từ \(backup): mã bản sao mới \(newID), epoch mới \(epoch); lần đồng bộ tới các xã sẽ gửi lại những gì của họ bị mất",
                    "Restored \(target) from \(backup): new replica id \(newID), new epoch \(epoch); at their next sync the communes send back their own work that was lost"
                ))
            // What the laptops bring back by themselves, and how to see when they have.
            let enrolled = restored.enrolled
            say(
                options.language.pick(
                    "Các máy xã sẽ tự trả lại khi đồng bộ: việc văn phòng huyện ghi trên máy chủ sau lần sao lưu, và các lần ghi danh, cấp lại khóa, thu hồi đã làm sau đó (bản sao lưu có \(enrolled) bản sao đang được phép). Cho đến khi mọi máy đã đồng bộ lại, ntm hub report nói còn chờ máy nào; máy không còn đồng bộ được thì nhập gói của nó (ntm bundle import --db \(target)).",
                    "The communes' laptops give back by themselves when they sync: the district's own writes at the hub after the backup, and the enrolments, renewals and revocations made since (the backup has \(enrolled) replicas allowed in). Until every laptop has synced again, ntm hub report says which ones it is still waiting for; import the bundle of a laptop that can no longer sync (ntm bundle import --db \(target))."
                ))
            if let above = restored.above {
                // A credential names one replica id: the hub above enrols the new one, then it recovers
                // from there too (what it had sent up comes back down).
                say(
                    options.language.pick(
                        "Máy chủ cấp trên \(above.hub) cần ghi danh mã mới: ntm hub enroll --replica \(newID) --role \(above.role) --out TỆP (ở máy chủ \(above.hub)), rồi ở đây: ntm credential install TỆP --db \(target) và ntm sync --hub ĐỊA-CHỈ --db \(target); máy chủ này sẽ nhận lại từ \(above.hub) những gì đã gửi lên",
                        "The hub above, \(above.hub), must enrol the new id: ntm hub enroll --replica \(newID) --role \(above.role) --out FILE (at \(above.hub)), then here: ntm credential install FILE --db \(target) and ntm sync --hub ADDRESS --db \(target); this hub gets back from \(above.hub) what it had sent up"
                    ))
            }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Sao lưu cơ sở dữ liệu của máy chủ ra một tệp (an toàn khi máy chủ đang chạy).",
                "Back the hub's database up to a file (safe while the hub runs)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Argument(help: .pick("Tệp sao lưu (chưa tồn tại).", "The backup file (must not exist).")) var file: String

        func run() throws {
            let database = try options.openDatabase()
            guard !FileManager.default.fileExists(atPath: file) else { throw ReplicaError.alreadyExists(path: file) }
            try database.store.backup(to: file)
            say(options.language.pick("Đã sao lưu vào \(file)", "Backed up to \(file)"))
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Tạo cơ sở dữ liệu của máy chủ huyện (--district) hoặc tỉnh (--province).",
                "Create the database of a district hub (--district) or a province hub (--province)."))

        @OptionGroup var options: SharedOptions<ShowAuthor>
        @Option(
            help: .pick("Mã bản sao của máy chủ, ví dụ huyen-trieu-son.", "The hub's replica id, e.g. huyen-trieu-son.")
        )
        var replica: String
        @Option(help: .pick("Mã huyện không dấu, ví dụ trieu-son.", "The district's slug, e.g. trieu-son."))
        var district: String?
        @Option(help: .pick("Mã tỉnh không dấu, ví dụ thanh-hoa.", "The province's slug, e.g. thanh-hoa."))
        var province: String?
        @Option(
            help: .pick(
                "Tên huyện hoặc tỉnh, ví dụ \"Triệu Sơn\".", "The district's or province's name, e.g. \"Triệu Sơn\"."))
        var name: String?

        func run() throws {
            guard (district == nil) != (province == nil) else { throw HubUsage.districtOrProvince }
            var author: String?
            do { author = try options.author(database: nil) } catch NTMError.missingAuthor { author = nil }
            let home: NTMDatabase.Home =
                if let district { .district(slug: district, name: name) } else {
                    .province(slug: province!, name: name)
                }
            let database = try NTMDatabase.create(
                at: options.databasePath, replicaID: replica, home: home, author: author)
            let epoch = try HubSetup.epoch(database)
            _ = try HubSetup.tls(database)
            let place = database.unitName ?? database.unit ?? ""
            say(
                province == nil
                    ? options.language.pick(
                        "Đã tạo máy chủ huyện \(place) (bản sao \(replica), epoch \(epoch)) tại \(options.databasePath)",
                        "Created the district hub \(place) (replica \(replica), epoch \(epoch)) at \(options.databasePath)"
                    )
                    : options.language.pick(
                        "Đã tạo máy chủ tỉnh \(place) (bản sao \(replica), epoch \(epoch)) tại \(options.databasePath)",
                        "Created the province hub \(place) (replica \(replica), epoch \(epoch)) at \(options.databasePath)"
                    ))
        }
    }

    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Phục vụ đồng bộ qua TCP; Ctrl-C hoặc SIGTERM để dừng (lô đang ghi được hoàn tất).",
                "Serve syncs over TCP; Ctrl-C or SIGTERM stops it (the batch being written is finished)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Option(help: .pick("Địa chỉ nghe, HOST:PORT.", "The address to listen on, HOST:PORT.")) var listen: String =
            "127.0.0.1:7420"
        @Flag(
            help: .pick(
                "Phục vụ không mã hóa (không TLS): chỉ để thử nghiệm hoặc trên cùng một máy.",
                "Serve in clear (no TLS): only for tests or on the same machine."))
        var insecure = false

        func run() throws {
            let database = try options.openDatabase()
            // TLS 1.3 with the hub's own key (made now for a hub created before hubs spoke TLS).
            let tls = insecure ? nil : try HubSetup.tls(database)
            let hub = try HubSetup.identity(database)
            // Partial uploads that no row references any more (their rows changed to another file before
            // they arrived) are removed once a week old; every referenced file is kept.
            let removed = try database.store.collectFileGarbage()
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (0...65535).contains(port)
            else { throw TransportError.badAddress(listen) }
            let host = String(listen[..<colon])
            let server = HubServer(hub: hub, logger: HubLog.logger())
            let bound = try server.start(host: host.isEmpty ? "0.0.0.0" : host, port: port, tls: tls)
            HubLog.logger().info(
                "listening",
                metadata: [
                    "address": "\(host):\(bound)", "hub": "\(database.store.replicaID)",
                    "file_limit": "\(hub.fileLimit)", "stale_files_removed": "\(removed)",
                    "tls": "\(tls?.pin ?? "off")",
                ])
            if let recovery = try HubRecovery.status(of: database.store), !recovery.caughtUp {
                HubLog.logger().warning(
                    "restored from a backup, not caught up",
                    metadata: [
                        "restored_ms": "\(recovery.restoredMs)",
                        "waiting_for": "\(recovery.waitingFor.joined(separator: ","))",
                        "enrolments_taken_back": "\(recovery.enrolmentsTakenBack)",
                    ])
            }
            // Stop cleanly on SIGINT and SIGTERM: in-flight batches finish, sessions close.
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            let stop = DispatchSemaphore(value: 0)
            var sources: [any DispatchSourceSignal] = []
            for number in [SIGINT, SIGTERM] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { stop.signal() }
                source.resume()
                sources.append(source)
            }
            stop.wait()
            HubLog.logger().info("stopping", metadata: ["hub": "\(database.store.replicaID)"])
            server.stop()
            _ = sources
        }
    }

    struct Stdio: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Một phiên đồng bộ qua stdin/stdout (dùng qua ssh: ntm sync --via \"ssh huyen ntm hub stdio\").",
                "One sync session over stdin/stdout (through ssh: ntm sync --via \"ssh huyen ntm hub stdio\")."))

        @OptionGroup var options: SharedOptions<ShowDatabase>

        func run() throws {
            let database = try options.openDatabase()
            let started = Date()
            let stats = StdioHub.serve(try HubSetup.identity(database))
            HubLog.log(stats, seconds: Date().timeIntervalSince(started))
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: Interface.pick(
                "Báo cáo của huyện trên mọi xã máy chủ đang giữ (như ntm report --district); ở máy chủ tỉnh, mỗi huyện một dòng.",
                "The district's report on every commune the hub holds (as ntm report --district); at a province hub, one line per district."
            ))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @Option(
            help: .pick(
                "Ở máy chủ tỉnh: báo cáo một huyện (mã không dấu, ví dụ trieu-son) trên các xã của huyện đó.",
                "At a province hub: one district's report (its slug, e.g. trieu-son) over its communes."))
        var district: String?
        @OptionGroup var report: ReportOptions

        func run() throws {
            let database = try options.openDatabase()
            if let recovery = try HubRecovery.status(of: database.store),
                let line = HubMessages.recovery(recovery, options.language)
            {
                say(line)
            }
            guard database.province != nil else {
                if district != nil { throw NTMError.districtNeedsProvince }
                return try report.run(options, district: true)
            }
            try report.runProvince(options, database: database, district: district)
        }
    }
}
