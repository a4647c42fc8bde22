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
            Revoke.self, Quarantine.self,
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
            let l = options.language
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
                say(l.pick("Không có thay đổi nào bị từ chối.", "No change was refused."))
                return
            }
            say(
                l.pick(
                    "\(held.count) thay đổi bị từ chối (không áp dụng, không gửi tiếp):",
                    "\(Language.english(held.count, "refused change")) (never applied nor relayed):"))
            let presentation = Presentation(catalogue: CatalogueLibrary.shipped[0], language: l)
            for entry in held {
                let op = entry.operation
                // The reason in words, for the sender's role as enrolled (`--json` keeps the hub's own).
                let why = RefusalWords.reason(
                    entry.reason, table: op.key.table, column: op.key.column,
                    role: try hub.store.enrolment(of: entry.sender)?.role, presentation: presentation, l)
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
            // What sync cannot bring back, and what the backup brought back that should not be.
            let enrolled = restored.enrolled
            say(
                options.language.pick(
                    "Cần làm thêm: (1) việc văn phòng huyện ghi trên máy chủ sau lần sao lưu chỉ còn ở các máy xã: nhập gói của từng xã (ntm bundle export trên máy xã, ntm bundle import --db \(target)); (2) bản sao lưu có \(enrolled) bản sao đang được phép: thu hồi lại những máy đã thu hồi hoặc cấp lại khóa sau lần sao lưu (ntm hub replicas, ntm hub revoke).",
                    "Still to do: (1) the district's own writes at the hub after the backup now exist only on the communes' laptops: import each commune's bundle (ntm bundle export on the laptop, ntm bundle import --db \(target)); (2) the backup has \(enrolled) replicas allowed in: revoke again those revoked or renewed since the backup (ntm hub replicas, ntm hub revoke)."
                ))
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
            abstract: Interface.pick("Tạo cơ sở dữ liệu của máy chủ huyện.", "Create the district hub's database."))

        @OptionGroup var options: SharedOptions<ShowAuthor>
        @Option(
            help: .pick("Mã bản sao của máy chủ, ví dụ huyen-trieu-son.", "The hub's replica id, e.g. huyen-trieu-son.")
        )
        var replica: String
        @Option(help: .pick("Mã huyện không dấu, ví dụ trieu-son.", "The district's slug, e.g. trieu-son."))
        var district: String
        @Option(help: .pick("Tên huyện, ví dụ \"Triệu Sơn\".", "The district's name, e.g. \"Triệu Sơn\".")) var name:
            String?

        func run() throws {
            var author: String?
            do { author = try options.author(database: nil) } catch NTMError.missingAuthor { author = nil }
            let database = try NTMDatabase.create(
                at: options.databasePath, replicaID: replica, home: .district(slug: district, name: name),
                author: author)
            let epoch = try HubSetup.epoch(database)
            say(
                options.language.pick(
                    "Đã tạo máy chủ huyện \(database.districtName ?? district) (bản sao \(replica), epoch \(epoch)) tại \(options.databasePath)",
                    "Created the district hub \(database.districtName ?? district) (replica \(replica), epoch \(epoch)) at \(options.databasePath)"
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

        func run() throws {
            let database = try options.openDatabase()
            let hub = try HubSetup.identity(database)
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (0...65535).contains(port)
            else { throw TransportError.badAddress(listen) }
            let host = String(listen[..<colon])
            let server = HubServer(hub: hub, logger: HubLog.logger())
            let bound = try server.start(host: host.isEmpty ? "0.0.0.0" : host, port: port)
            HubLog.logger().info(
                "listening", metadata: ["address": "\(host):\(bound)", "hub": "\(database.store.replicaID)"])
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
                "Báo cáo của huyện trên mọi xã máy chủ đang giữ (như ntm report --district).",
                "The district's report on every commune the hub holds (as ntm report --district)."))

        @OptionGroup var options: SharedOptions<ShowDatabase>
        @OptionGroup var report: ReportOptions

        func run() throws { try report.run(options, district: true) }
    }
}

/// The hub's log: swift-log's lines on standard error.
enum HubLog {
    static func logger() -> Logger {
        LoggingBootstrap.once
        return Logger(label: "ntm.hub")
    }

    static func log(_ stats: SessionStats, seconds: Double) { stats.log(to: logger(), seconds: seconds) }
}

/// Sends swift-log's lines to standard error, once per process.
enum LoggingBootstrap {
    static let once: Void = LoggingSystem.bootstrap(StreamLogHandler.standardError)
}

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: Interface.pick(
            "Đồng bộ với máy chủ huyện: gửi những gì huyện chưa có, nhận những gì xã chưa có.",
            "Sync with the district hub: send what the hub lacks, receive what this replica lacks."),
        discussion: """
            ntm sync --hub 10.0.0.5:7420
            ntm sync --via "ssh huyen.example ntm hub stdio --db /srv/ntm/huyen.sqlite"
            """)

    @OptionGroup var options: SharedOptions<ShowDatabase>
    @Option(help: .pick("Máy chủ huyện, HOST:PORT.", "The district hub, HOST:PORT.")) var hub: String?
    @Option(
        help: .pick(
            "Lệnh nối tới máy chủ qua stdin/stdout, ví dụ qua ssh.",
            "A command reaching the hub on its stdin/stdout, e.g. ssh."
        ))
    var via: String?
    @Option(
        help: .pick(
            "Số giây chờ kết nối và câu trả lời đầu tiên của máy chủ (--hub).",
            "Seconds to wait for the connection and for the hub's first answer (--hub)."))
    var timeout: Int = LineTransport.defaultAnswerTimeoutSeconds

    func run() throws {
        guard (hub == nil) != (via == nil) else { throw SyncUsage.oneWay }
        // A commune's replica syncs as its commune; a district's database (a hub) as its district.
        let database = try options.openDatabase()
        guard let unit = options.commune ?? database.homeCommune ?? database.district else {
            throw NTMError.hubNeedsCommune(known: try database.communes().map(\.slug))
        }
        let store = database.store
        let transport: LineTransport
        var child: Process?
        let childErrors = ChildErrors()
        if let hub {
            transport = try LineTransport.connect(to: hub, timeout: max(1, timeout))
        } else {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", via!]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            // What the command prints on stderr (the hub's log lines, ssh's own messages) is kept from
            // the person's terminal; its last line explains a failure.
            process.standardError = childErrors.pipe
            do { try process.run() } catch { throw TransportError.commandFailed(via!, "\(error)") }
            childErrors.start()
            child = process
            transport = LineTransport(
                input: output.fileHandleForReading.fileDescriptor, output: input.fileHandleForWriting.fileDescriptor,
                onClose: { try? input.fileHandleForWriting.close() })
        }
        var client = SyncClient(
            store: store, commune: unit, credential: try CredentialFile.installed(in: store))
        let l = options.language
        let started = Date()
        let terminal = isatty(2) == 1
        if terminal {
            client.progress = { result in
                let seconds = max(Date().timeIntervalSince(started), 0.001)
                let rate = Int(Double(result.counts.sent.total + result.counts.received.total) / seconds)
                let line = l.pick(
                    "\r… gửi \(result.counts.sent.total), nhận \(result.counts.received.total) thao tác, \(result.counts.bytes) byte, \(rate) thao tác/giây",
                    "\r… sent \(result.counts.sent.total), received \(Language.english(result.counts.received.total, "operation")), \(Language.english(result.counts.bytes, "byte")), \(rate) ops/s"
                )
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        let result: SyncResult
        do {
            result = try client.run(over: transport)
        } catch {
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
            if let child {
                child.waitUntilExit()
                // The command failed before or during the session (ssh could not connect, …): say so.
                if child.terminationStatus != 0, case SyncError.transport(let failure) = error {
                    // A command killed by a signal (a hub stopped mid-session) is a lost connection,
                    // worth retrying; a command that exited with a status says why in its last line.
                    if child.terminationReason == .uncaughtSignal { throw failure }
                    let said = childErrors.lastLine()
                    throw TransportError.commandFailed(
                        via!,
                        said.map { "exit status \(child.terminationStatus): \($0)" }
                            ?? "exit status \(child.terminationStatus)")
                }
            }
            throw error
        }
        child?.waitUntilExit()
        childErrors.finish()
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        let conflicts = try store.conflictCount()
        var line = l.pick("Đã đồng bộ với ", "Synced with ") + (try store.metadata("sync_hub") ?? "?") + ": "
        line += SyncMessages.counts(result, l)
        line += l.pick(
            ", \(result.counts.bytes) byte, \(seconds) giây",
            ", \(Language.english(result.counts.bytes, "byte")), \(seconds) s")
        if result.restarted {
            line += l.pick(
                " · máy chủ đã đổi (khôi phục?): đã nhận lại từ đầu",
                " · the hub changed (restored?): pulled from the start")
        }
        if conflicts > 0 {
            line += l.pick(
                "; \(conflicts) xung đột chưa xử lý (xem: ntm conflicts)",
                "; \(Language.english(conflicts, "open conflict")) (see: ntm conflicts)")
        }
        if result.refused > 0 {
            line += l.pick(
                "; máy chủ từ chối \(result.refused) thay đổi không thuộc quyền của máy này (xem: ntm status)",
                "; the hub refused \(Language.english(result.refused, "change")) this replica may not make (see: ntm status)"
            )
        }
        if result.unsent > 0 {
            line += l.pick(
                "; \(result.unsent) thao tác của máy khác (nhận qua gói) chưa gửi: mỗi máy tự gửi thao tác của mình khi đồng bộ",
                "; \(Language.english(result.unsent, "operation")) of other replicas (from bundles) not sent: each replica sends its own when it syncs"
            )
        }
        say(line)
    }
}

/// Collects a `--via` command's standard error on a thread of its own (so that a chatty command never
/// blocks on a full pipe), keeping only the end of it.
final class ChildErrors: @unchecked Sendable {
    let pipe = Pipe()
    private let lock = NSLock()
    private var tail: [UInt8] = []
    private var reader: Thread?

    /// Starts reading; call after the process started.
    func start() {
        // The child has its copy of the write end; ours must close, or the reader never sees the end.
        try? pipe.fileHandleForWriting.close()
        let handle = pipe.fileHandleForReading
        let thread = Thread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                lock.lock()
                tail.append(contentsOf: data)
                if tail.count > 4096 { tail.removeFirst(tail.count - 4096) }
                lock.unlock()
            }
        }
        reader = thread
        thread.start()
    }

    /// Waits (briefly) for the reader to see the end of the stream.
    func finish() {
        guard let reader else { return }
        for _ in 0..<200 where !reader.isFinished { usleep(5000) }
    }

    /// The last non-empty line the command printed, if any.
    func lastLine() -> String? {
        finish()
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: tail, as: UTF8.self).split(separator: "\n").last.map {
            $0.trimmingCharacters(in: .whitespaces)
        }.flatMap { $0.isEmpty ? nil : $0 }
    }
}

enum SyncUsage: Error {
    case oneWay
}

/// The one-line messages of sync failures.
enum SyncMessages {
    /// The exit status of a failure worth retrying later (EX_TEMPFAIL): the connection failed or the
    /// hub was busy; `nightly.sh` retries only these.
    static let transientExitStatus: Int32 = 75

    /// The exit status of a command line that is wrong as written (EX_USAGE), as ArgumentParser's own.
    static let usageExitStatus: Int32 = 64

    /// Whether the command line itself is wrong (an address that is not HOST:PORT).
    static func isUsage(_ error: any Error) -> Bool {
        switch error {
        case TransportError.badAddress, SyncError.transport(.badAddress), SyncUsage.oneWay: return true
        default: return false
        }
    }

    /// Whether trying again later may succeed, with nothing changed by anyone.
    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case SyncError.transport(let transport):
            if case .badAddress = transport { return false }
            if case .commandFailed(_, let reason) = transport { return commandMayRecover(reason) }
            return true
        case SyncError.hub(let wire): return wire.code == .unavailable
        case let transport as TransportError:
            if case .badAddress = transport { return false }
            if case .cannotListen = transport { return false }
            if case .commandFailed(_, let reason) = transport { return commandMayRecover(reason) }
            return true
        default: return false
        }
    }

    /// Whether a `--via` command that failed may succeed later: ssh ends with 255 when it could not
    /// reach the other machine, and a shell reports a command killed by a signal as 128 + the signal (a
    /// hub stopped mid-session); any other status is the command's own failure (a missing program, a
    /// hub database that is not there), which would fail again.
    static func commandMayRecover(_ reason: String) -> Bool {
        guard reason.hasPrefix("exit status "),
            let status = Int(reason.dropFirst("exit status ".count).prefix { $0.isNumber })
        else { return true }
        return status > 128
    }

    static func message(_ error: any Error, _ l: Language) -> String? {
        switch error {
        case let error as EnrolmentUsage:
            return error.message(l)
        case let error as ForkUsage:
            return error.message(l)
        case let error as HubSetupError:
            return error.message(l)
        case SyncUsage.oneWay:
            return l.pick(
                "cần đúng một trong hai: --hub HOST:PORT hoặc --via LỆNH",
                "give exactly one of --hub HOST:PORT and --via COMMAND")
        case let error as SyncError:
            switch error {
            case .hub(let wire) where wire.code == .unauthenticated:
                return l.pick(
                    "máy chủ không nhận chứng thực của máy này (\(unauthenticatedReason(wire.message))); xin huyện cấp lại: ntm hub enroll --renew, rồi ntm credential install TỆP",
                    "the hub did not accept this replica's credential (\(wire.message)); ask the district for a new one: ntm hub enroll --renew, then ntm credential install FILE"
                )
            case .fork(let fork):
                return forkMessage(fork, l)
            case .hub(let wire) where wire.code == .fork:
                return l.pick(
                    "máy chủ phát hiện hai cơ sở dữ liệu cùng ghi dưới mã bản sao này (\(wire.message)); không có gì của phần rẽ nhánh được áp dụng; chạy lại ntm sync để xác định chỗ rẽ nhánh",
                    "the hub found two databases writing under this replica id (\(wire.message)); nothing of the forked part was applied; run ntm sync again to locate the fork"
                )
            case .hub(let wire):
                return l.pick(
                    "máy chủ từ chối: \(wire.code.rawValue): \(wire.message)",
                    "the hub refused: \(wire.code.rawValue): \(wire.message)")
                    + l.pick("; các lô đã xác nhận vẫn được giữ", "; acknowledged batches are kept")
            case .protocolViolation(let wire):
                return l.pick(
                    "máy chủ trả lời sai giao thức (\(wire.message)); các lô đã xác nhận vẫn được giữ",
                    "the hub broke the protocol (\(wire.message)); acknowledged batches are kept")
            case .transport(let transport): return message(transport, l)
            case .noCredential:
                return l.pick(
                    "máy chủ yêu cầu chứng thực mà bản sao này chưa có; xin huyện cấp (ntm hub enroll) rồi chạy: ntm credential install TỆP",
                    "the hub asks for a credential and this replica has none; ask the district for one (ntm hub enroll), then run: ntm credential install FILE"
                )
            case .syncWithItself:
                return l.pick(
                    "đây là cơ sở dữ liệu của chính máy chủ huyện: máy chủ không đồng bộ với chính nó; các xã đồng bộ với máy chủ (ntm sync trên máy của xã)",
                    "this is the district hub's own database: a hub does not sync with itself; communes sync with the hub (ntm sync on the commune's laptop)"
                )
            case .notNTM(let answer):
                return l.pick(
                    "cổng này không nói giao thức ntm (máy ở đó trả lời: \"\(answer)\"); kiểm tra địa chỉ và cổng của máy chủ huyện",
                    "this port does not speak the ntm protocol (it answered: \"\(answer)\"); check the district hub's address and port"
                )
            case .otherHub(let credential, let hub):
                return l.pick(
                    "chứng thực của máy này do máy chủ \(credential) cấp, còn máy chủ trả lời là \(hub); kiểm tra địa chỉ --hub",
                    "this replica's credential was issued by hub \(credential), but hub \(hub) answered; check the --hub address"
                )
            }
        case let error as TransportError:
            switch error {
            case .badAddress(let address) where address.contains("://"):
                return l.pick(
                    "--hub nhận HOST:PORT, không phải địa chỉ web: \"\(address)\"; viết ví dụ 10.0.0.5:7420 (bỏ http://)",
                    "--hub takes HOST:PORT, not a web address: \"\(address)\"; write e.g. 10.0.0.5:7420 (without http://)"
                )
            case .badAddress(let address):
                return l.pick(
                    "địa chỉ \"\(address)\" không hợp lệ; viết HOST:PORT, ví dụ 10.0.0.5:7420",
                    "invalid address \"\(address)\"; write HOST:PORT, e.g. 10.0.0.5:7420")
            case .noAnswer(let address, let seconds):
                return l.pick(
                    "máy ở \(address) nhận kết nối nhưng không trả lời trong \(seconds) giây: kiểm tra đó có phải máy chủ ntm (ntm hub serve) và đúng cổng; chờ lâu hơn: --timeout GIÂY",
                    "\(address) accepted the connection but did not answer within \(seconds) s: check that it is an ntm hub (ntm hub serve) on that port; to wait longer: --timeout SECONDS"
                )
            case .unreachable(let address, let reason):
                let reason = SystemText.reason(reason, l)
                return l.pick(
                    "không kết nối được máy chủ \(address) (\(reason)); kiểm tra địa chỉ, cổng và mạng, rồi thử lại",
                    "cannot reach the hub at \(address) (\(reason)); check the address, the port and the network, then try again"
                )
            case .closed(let reason):
                let reason = SystemText.reason(reason, l)
                return l.pick(
                    "mất kết nối với máy chủ (\(reason)); chạy lại ntm sync để tiếp tục, các lô đã xác nhận vẫn được giữ",
                    "the connection to the hub was lost (\(reason)); run ntm sync again to resume, acknowledged batches are kept"
                )
            case .commandFailed(let command, let reason):
                let reason = SystemText.reason(reason, l)
                return l.pick(
                    "không chạy được lệnh \"\(command)\" (\(reason))", "cannot run \"\(command)\" (\(reason))")
            case .cannotListen(let address, let reason):
                let inUse = reason.lowercased().contains("in use")
                let reason = SystemText.reason(reason, l)
                if !inUse {
                    return l.pick(
                        "không nghe được trên \(address) (\(reason)); dùng một địa chỉ của máy này, hoặc 0.0.0.0:CỔNG để nghe trên mọi địa chỉ",
                        "cannot listen on \(address) (\(reason)); use an address of this machine, or 0.0.0.0:PORT to listen on all of them"
                    )
                }
                return l.pick(
                    "không nghe được trên \(address) (\(reason)); chọn cổng khác hoặc dừng chương trình đang dùng cổng này",
                    "cannot listen on \(address) (\(reason)); choose another port or stop what uses it")
            case .timedOut(let seconds):
                return l.pick(
                    "máy chủ không trả lời trong \(seconds) giây; chạy lại ntm sync để tiếp tục, các lô đã xác nhận vẫn được giữ",
                    "the hub did not answer for \(seconds) s; run ntm sync again to resume, acknowledged batches are kept"
                )
            }
        default: return nil
        }
    }

    /// What a sync moved, in words: what was sent and was new to the hub, what the hub already had,
    /// what was received and was new here.
    static func counts(_ result: SyncResult, _ l: Language) -> String {
        func operations(_ count: Int) -> String {
            l.pick("\(count) thao tác", count == 1 ? "1 operation" : "\(count) operations")
        }
        var sent: String
        if result.counts.sent.total == 0 {
            sent = l.pick("không có gì mới để gửi", "nothing new to send")
        } else {
            sent = l.pick(
                "gửi \(operations(result.counts.sent.new)) mới",
                "sent \(result.counts.sent.new) new \(result.counts.sent.new == 1 ? "operation" : "operations")")
            if result.counts.sent.held > 0 {
                sent += l.pick(
                    " (huyện đã có \(result.counts.sent.held) thao tác gửi lại)",
                    " (\(result.counts.sent.held) sent again that the hub already had)")
            }
        }
        let received: String
        if result.counts.received.total == 0 {
            received = l.pick("không có gì mới để nhận", "nothing new to receive")
        } else if result.counts.received.total == result.counts.received.new {
            received = l.pick(
                "nhận \(operations(result.counts.received.total)) mới",
                "received \(result.counts.received.total) new \(result.counts.received.total == 1 ? "operation" : "operations")"
            )
        } else {
            received = l.pick(
                "nhận \(operations(result.counts.received.total)) (\(result.counts.received.new) mới với máy này)",
                "received \(operations(result.counts.received.total)) (\(result.counts.received.new) new here)")
        }
        return sent + ", " + received
    }

    /// Why the hub did not accept the credential, in Vietnamese: the hub's message is English (for
    /// people and logs, PROTOCOL.md §11.7); these are the reasons the reference hub gives.
    static func unauthenticatedReason(_ message: String) -> String {
        if message.contains("not enrolled") { return "máy này chưa được đăng ký ở máy chủ này" }
        if message.contains("revoked or renewed") { return "chứng thực vừa bị thu hồi hoặc cấp lại" }
        if message.contains("revoked") { return "chứng thực của máy này đã bị thu hồi" }
        if message.contains("signature") {
            return "chữ ký không khớp với khóa đã đăng ký: chứng thực cũ, hoặc của máy khác"
        }
        return "máy chủ không nói rõ lý do"
    }

    /// What a person reads about a fork of their database, and what to do.
    static func forkMessage(_ fork: ForkRecord, _ l: Language) -> String {
        let what =
            fork.localSeq < fork.seq
            ? l.pick(
                "máy chủ \(fork.hub) giữ thao tác \(fork.seq)–\(fork.hubSeq) của mã bản sao \(fork.replica) mà cơ sở dữ liệu này không có (bản sao chép sang máy khác, hoặc khôi phục từ bản sao lưu cũ)",
                "hub \(fork.hub) holds operations \(fork.seq)–\(fork.hubSeq) of replica id \(fork.replica) that this database lacks (a copy on another laptop, or a restore from an older backup)"
            )
            : l.pick(
                "thao tác \(fork.seq)–\(fork.localSeq) của cơ sở dữ liệu này khác với những gì máy chủ \(fork.hub) giữ dưới cùng mã bản sao \(fork.replica) (cơ sở dữ liệu đã bị chép sang máy khác)",
                "operations \(fork.seq)–\(fork.localSeq) of this database differ from what hub \(fork.hub) holds under the same replica id \(fork.replica) (the database was copied to another laptop)"
            )
        return l.pick(
            "rẽ nhánh từ thao tác \(fork.seq): \(what); không gửi, không nhận gì cho đến khi khôi phục: xin huyện cấp chứng thực cho mã mới (ntm hub enroll --replica MÃ-MỚI …) rồi chạy ntm replica fork-recover --credential TỆP (không dùng chứng thực: --replica MÃ-MỚI); không mất thao tác nào",
            "fork from operation \(fork.seq): \(what); nothing is sent or received until it is recovered: ask the district for a credential for a new id (ntm hub enroll --replica NEW-ID …), then run ntm replica fork-recover --credential FILE (without credentials: --replica NEW-ID); no work is lost"
        )
    }
}
