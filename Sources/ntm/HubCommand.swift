import ArgumentParser
import Foundation
import Logging
import NTM
import Replica
import SyncCore
import SyncHub
import SyncWire

#if canImport(Glibc)
    import Glibc
#endif

struct HubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub", abstract: "Máy chủ đồng bộ của huyện (the district hub).",
        subcommands: [
            Init.self, Serve.self, Stdio.self, Report.self, Backup.self, Restore.self, Enroll.self, Replicas.self,
            Revoke.self, Quarantine.self,
        ])

    struct Quarantine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Các thay đổi máy chủ đã từ chối vì vai trò của máy gửi không được ghi (never applied).")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Chỉ của một bản sao.") var replica: String?
        @Flag(help: "In JSON (mỗi dòng một thao tác).") var json = false

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
                    "\(held.count) refused changes (never applied nor relayed):"))
            let presentation = Presentation(catalogue: CatalogueLibrary.shipped[0], language: l)
            for entry in held {
                let op = entry.operation
                say(
                    "\(Presentation.time(entry.receivedMs))  \(op.dot)  \(op.author) (\(entry.sender))  \(presentation.write(op))  [\(entry.reason)]"
                )
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Khôi phục máy chủ từ một bản sao lưu (đặt mã bản sao và epoch mới để các xã gửi lại phần bị mất).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Tệp sao lưu (do ntm hub backup tạo).") var backup: String

        func run() throws {
            let target = options.databasePath
            guard !FileManager.default.fileExists(atPath: target) else {
                throw ReplicaError.alreadyExists(path: target)
            }
            guard FileManager.default.fileExists(atPath: backup) else {
                throw ReplicaError.missingDatabase(path: backup)
            }
            let old = try NTMDatabase.open(at: backup)
            let name = try HubSetup.identity(old).name
            try FileManager.default.copyItem(atPath: backup, toPath: target)
            // A new replica id: the lost original may have written dots after the backup that communes hold.
            let suffix = "-r" + NTMDatabase.randomHex(6)
            let newID = String(old.store.replicaID.prefix(64 - suffix.count)) + suffix
            try ReplicaStore.takeNewIdentity(at: target, replicaID: newID)
            let restored = try NTMDatabase.open(at: target)
            // A new epoch: every replica pulls from the start and pushes back what the backup lacks. The
            // name stays: the replicas' credentials name it.
            try restored.store.setMetadata(["hub_epoch": "", HubSetup.nameKey: name])
            let epoch = try HubSetup.epoch(restored)
            say(
                options.language.pick(
                    "Đã khôi phục \(target) từ \(backup): mã bản sao mới \(newID), epoch mới \(epoch); lần đồng bộ tới các xã sẽ gửi lại những gì của họ bị mất",
                    "Restored \(target) from \(backup): new replica id \(newID), new epoch \(epoch); at their next sync the communes send back their own work that was lost"
                ))
            // What sync cannot bring back, and what the backup brought back that should not be.
            let enrolled = try restored.store.enrolments().filter { !$0.isRevoked }.count
            say(
                options.language.pick(
                    "Cần làm thêm: (1) việc văn phòng huyện ghi trên máy chủ sau lần sao lưu chỉ còn ở các máy xã: nhập gói của từng xã (ntm bundle export trên máy xã, ntm bundle import --db \(target)); (2) bản sao lưu có \(enrolled) bản sao đang được phép: thu hồi lại những máy đã thu hồi hoặc cấp lại khóa sau lần sao lưu (ntm hub replicas, ntm hub revoke).",
                    "Still to do: (1) the district's own writes at the hub after the backup now exist only on the communes' laptops: import each commune's bundle (ntm bundle export on the laptop, ntm bundle import --db \(target)); (2) the backup has \(enrolled) replicas allowed in: revoke again those revoked or renewed since the backup (ntm hub replicas, ntm hub revoke)."
                ))
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sao lưu cơ sở dữ liệu của máy chủ ra một tệp (an toàn khi máy chủ đang chạy).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Tệp sao lưu (chưa tồn tại).") var file: String

        func run() throws {
            let database = try options.openDatabase()
            guard !FileManager.default.fileExists(atPath: file) else { throw ReplicaError.alreadyExists(path: file) }
            try database.store.backup(to: file)
            say(options.language.pick("Đã sao lưu vào \(file)", "Backed up to \(file)"))
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tạo cơ sở dữ liệu của máy chủ huyện.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Mã bản sao của máy chủ, ví dụ huyen-trieu-son.") var replica: String
        @Option(help: "Mã huyện không dấu, ví dụ trieu-son.") var district: String
        @Option(help: "Tên huyện, ví dụ \"Triệu Sơn\".") var name: String?

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
            abstract: "Phục vụ đồng bộ qua TCP; Ctrl-C hoặc SIGTERM để dừng (lô đang ghi được hoàn tất).")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Địa chỉ nghe, HOST:PORT (mặc định 127.0.0.1:7420).") var listen: String = "127.0.0.1:7420"

        func run() throws {
            let database = try options.openDatabase()
            let hub = try HubSetup.identity(database)
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (0...65535).contains(port)
            else { throw TransportError.badAddress(listen) }
            let host = String(listen[..<colon])
            let server = HubServer(hub: hub, logger: HubSetup.logger())
            let bound = try server.start(host: host.isEmpty ? "0.0.0.0" : host, port: port)
            HubSetup.logger().info(
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
            HubSetup.logger().info("stopping", metadata: ["hub": "\(database.store.replicaID)"])
            server.stop()
            _ = sources
        }
    }

    struct Stdio: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Một phiên đồng bộ qua stdin/stdout (dùng qua ssh: ntm sync --via \"ssh huyen ntm hub stdio\").")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let database = try options.openDatabase()
            let started = Date()
            let stats = StdioHub.serve(try HubSetup.identity(database))
            HubSetup.log(stats, seconds: Date().timeIntervalSince(started))
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Báo cáo của huyện trên mọi xã máy chủ đang giữ (như ntm report --district).")

        @OptionGroup var options: GlobalOptions
        @OptionGroup var report: ReportOptions

        func run() throws { try report.run(options, district: true) }
    }
}

/// What the hub commands share: the hub's identity and its log.
enum HubSetup {
    /// The hub's epoch, made once (a random id): replicas that see another one start pulling afresh.
    static func epoch(_ database: NTMDatabase) throws -> String {
        if let epoch = try database.store.metadata("hub_epoch"), !epoch.isEmpty { return epoch }
        let epoch = NTMDatabase.randomHex(16)
        try database.store.setMetadata("hub_epoch", epoch)
        return epoch
    }

    static func identity(_ database: NTMDatabase) throws -> HubIdentity {
        guard database.homeCommune == nil, database.district != nil else {
            throw SyncUsage.notAHub(database.store.path)
        }
        return HubIdentity(
            store: database.store, epoch: try epoch(database), district: database.district,
            sharedTables: [NTMSchema.Table.catalogue], policy: NTMSchema.writePolicy,
            name: try database.store.metadata(nameKey).flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The metadata key of the hub's name (``HubIdentity/name``), set when a hub is restored.
    static let nameKey = "hub_name"

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
        abstract: "Đồng bộ với máy chủ huyện: gửi những gì huyện chưa có, nhận những gì xã chưa có.",
        discussion: """
            ntm sync --hub 10.0.0.5:7420
            ntm sync --via "ssh huyen.example ntm hub stdio --db /srv/ntm/huyen.sqlite"
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "Máy chủ huyện, HOST:PORT.") var hub: String?
    @Option(help: "Lệnh nối tới máy chủ qua stdin/stdout, ví dụ qua ssh.") var via: String?

    func run() throws {
        guard (hub == nil) != (via == nil) else { throw SyncUsage.oneWay }
        let replica = try options.open()
        let transport: LineTransport
        var child: Process?
        if let hub {
            transport = try LineTransport.connect(to: hub)
        } else {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", via!]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            do { try process.run() } catch { throw TransportError.commandFailed(via!, "\(error)") }
            child = process
            transport = LineTransport(
                input: output.fileHandleForReading.fileDescriptor, output: input.fileHandleForWriting.fileDescriptor,
                onClose: { try? input.fileHandleForWriting.close() })
        }
        var client = SyncClient(
            store: replica.store, commune: replica.commune, credential: try CredentialFile.installed(in: replica.store))
        let l = options.language
        let started = Date()
        let terminal = isatty(2) == 1
        if terminal {
            client.progress = { result in
                let seconds = max(Date().timeIntervalSince(started), 0.001)
                let rate = Int(Double(result.pushed + result.pulled) / seconds)
                let line = l.pick(
                    "\r… gửi \(result.pushed), nhận \(result.pulled) thao tác, \(result.bytesIn + result.bytesOut) byte, \(rate) thao tác/giây",
                    "\r… sent \(result.pushed), received \(result.pulled) operations, \(result.bytesIn + result.bytesOut) bytes, \(rate) ops/s"
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
                if child.terminationStatus != 0, case SyncError.transport = error {
                    throw TransportError.commandFailed(via!, "exit status \(child.terminationStatus)")
                }
            }
            throw error
        }
        child?.waitUntilExit()
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        let conflicts = try replica.store.conflictCount()
        var line = l.pick(
            "Đã đồng bộ với \(try replica.store.metadata("sync_hub") ?? "?"): gửi \(result.pushed) thao tác (\(result.pushedNew) mới với huyện), nhận \(result.pulled) (\(result.pulledNew) mới), \(result.bytesIn + result.bytesOut) byte, \(seconds) giây",
            "Synced with \(try replica.store.metadata("sync_hub") ?? "?"): sent \(result.pushed) operations (\(result.pushedNew) new to the hub), received \(result.pulled) (\(result.pulledNew) new), \(result.bytesIn + result.bytesOut) bytes, \(seconds) s"
        )
        if result.restarted {
            line += l.pick(
                " · máy chủ đã đổi (khôi phục?): đã nhận lại từ đầu",
                " · the hub changed (restored?): pulled from the start")
        }
        if conflicts > 0 {
            line += l.pick(
                "; \(conflicts) xung đột chưa xử lý (xem: ntm conflicts)",
                "; \(conflicts) open conflicts (see: ntm conflicts)")
        }
        if result.refused > 0 {
            line += l.pick(
                "; máy chủ từ chối \(result.refused) thay đổi không thuộc quyền của máy này (xem: ntm status)",
                "; the hub refused \(result.refused) changes this replica may not make (see: ntm status)")
        }
        if result.unsent > 0 {
            line += l.pick(
                "; \(result.unsent) thao tác của máy khác (nhận qua gói) chưa gửi: mỗi máy tự gửi thao tác của mình khi đồng bộ",
                "; \(result.unsent) operations of other replicas (from bundles) not sent: each replica sends its own when it syncs"
            )
        }
        say(line)
    }
}

enum SyncUsage: Error {
    case oneWay
    case notAHub(String)
}

/// The one-line messages of sync failures.
enum SyncMessages {
    /// The exit status of a failure worth retrying later (EX_TEMPFAIL): the connection failed or the
    /// hub was busy; `nightly.sh` retries only these.
    static let transientExitStatus: Int32 = 75

    /// Whether trying again later may succeed, with nothing changed by anyone.
    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case SyncError.transport(let transport):
            if case .badAddress = transport { return false }
            return true
        case SyncError.hub(let wire): return wire.code == .unavailable
        case let transport as TransportError:
            if case .badAddress = transport { return false }
            if case .cannotListen = transport { return false }
            return true
        default: return false
        }
    }

    static func message(_ error: any Error, _ l: Language) -> String? {
        switch error {
        case let error as EnrolmentUsage:
            return error.message(l)
        case SyncUsage.notAHub(let path):
            return l.pick(
                "\(path) là cơ sở dữ liệu của một xã, không phải của máy chủ huyện (tạo bằng: ntm hub init)",
                "\(path) is a commune's database, not a district hub's (create one with: ntm hub init)")
        case SyncUsage.oneWay:
            return l.pick(
                "cần đúng một trong --hub HOST:PORT và --via LỆNH",
                "give exactly one of --hub HOST:PORT and --via COMMAND")
        case let error as SyncError:
            switch error {
            case .hub(let wire) where wire.code == .unauthenticated:
                return l.pick(
                    "máy chủ không nhận chứng thực của máy này (\(wire.message)); xin huyện cấp lại: ntm hub enroll --renew, rồi ntm credential install TỆP",
                    "the hub did not accept this replica's credential (\(wire.message)); ask the district for a new one: ntm hub enroll --renew, then ntm credential install FILE"
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
            case .otherHub(let credential, let hub):
                return l.pick(
                    "chứng thực của máy này do máy chủ \(credential) cấp, còn máy chủ trả lời là \(hub); kiểm tra địa chỉ --hub",
                    "this replica's credential was issued by hub \(credential), but hub \(hub) answered; check the --hub address"
                )
            }
        case let error as TransportError:
            switch error {
            case .badAddress(let address):
                return l.pick(
                    "địa chỉ \"\(address)\" không hợp lệ; viết HOST:PORT, ví dụ 10.0.0.5:7420",
                    "invalid address \"\(address)\"; write HOST:PORT, e.g. 10.0.0.5:7420")
            case .unreachable(let address, let reason):
                return l.pick(
                    "không kết nối được máy chủ \(address) (\(reason)); thử lại khi có mạng",
                    "cannot reach the hub at \(address) (\(reason)); try again when online")
            case .closed(let reason):
                return l.pick(
                    "mất kết nối với máy chủ (\(reason)); chạy lại ntm sync để tiếp tục, các lô đã xác nhận vẫn được giữ",
                    "the connection to the hub was lost (\(reason)); run ntm sync again to resume, acknowledged batches are kept"
                )
            case .commandFailed(let command, let reason):
                return l.pick(
                    "không chạy được lệnh \"\(command)\" (\(reason))", "cannot run \"\(command)\" (\(reason))")
            case .cannotListen(let address, let reason):
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
}
